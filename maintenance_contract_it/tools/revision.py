"""Arithmetic of index price revisions (French "clause de révision", e.g. Syntec).

Pure functions on numbers so they can be tested directly:

    P1 = P0 × (a + b × S1 / S0)    with a + b = 1

``a`` is the fixed part of the price (not indexed), ``S0`` the reference index value and ``S1``
the new one. An optional floor and cap bound the variation of the coefficient, in percent.
"""

from decimal import ROUND_HALF_UP, Decimal

COEFFICIENT_DIGITS = 6


def _decimal(number):
    return Decimal(str(number))


def revision_coefficient(s0, s1, fixed_part=0.0, floor=None, cap=None):
    """Return the revision coefficient ``a + b × S1/S0`` (b = 1 - a), rounded to
    ``COEFFICIENT_DIGITS`` decimals, the variation bounded by ``floor`` and ``cap``
    (percentages, e.g. ``-2.0`` and ``3.5``; ``None`` means no bound).

    The coefficient is rounded before prices are computed so that anyone can recompute the
    new prices from the coefficient written in the revision notice.
    """
    if s0 <= 0 or s1 <= 0:
        raise ValueError("index values must be positive")
    fixed = _decimal(fixed_part)
    if not 0 <= fixed <= 1:
        raise ValueError("the fixed part must be between 0 and 1")
    coefficient = fixed + (1 - fixed) * _decimal(s1) / _decimal(s0)
    if floor is not None:
        coefficient = max(coefficient, 1 + _decimal(floor) / 100)
    if cap is not None:
        coefficient = min(coefficient, 1 + _decimal(cap) / 100)
    return float(coefficient.quantize(Decimal(1).scaleb(-COEFFICIENT_DIGITS), ROUND_HALF_UP))


def revised_price(price, coefficient, digits=2):
    """Return ``price × coefficient`` rounded half-up to ``digits`` decimals."""
    result = _decimal(price) * _decimal(coefficient)
    return float(result.quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP))
