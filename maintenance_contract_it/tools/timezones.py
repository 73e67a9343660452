"""Time zones as people read them: the zone of a customer's contact, and its name in their
language ("Paris time", "heure de La Réunion"), never the technical id ("Indian/Reunion")."""

from babel.dates import get_timezone_location
from pytz import UnknownTimeZoneError, timezone

from odoo.tools import format_datetime
from odoo.tools.misc import babel_locale_parse


def contact_timezone(partner, company=None, calendar=None):
    """The time zone in which ``partner`` reads dates and times: their own, else the zone of
    the support calendar (``calendar``), else the company's, else UTC."""
    for tz in (
        partner and partner.sudo().tz,
        calendar and calendar.sudo().tz,
        company and company.sudo().partner_id.tz,
    ):
        if tz and is_valid_timezone(tz):
            return tz
    return "UTC"


def is_valid_timezone(tz):
    try:
        timezone(tz)
    except UnknownTimeZoneError:
        return False
    return True


def timezone_label(env, tz, lang=None):
    """The name of the zone ``tz`` for people, in ``lang`` (default: the environment's):
    "Paris time", "heure de La Réunion"; "UTC" for UTC."""
    if not tz or tz in ("UTC", "Etc/UTC", "GMT"):
        return "UTC"
    lang = lang or env.lang or "en_US"
    try:
        city = get_timezone_location(tz, locale=babel_locale_parse(lang), return_city=True)
    except (LookupError, ValueError):
        return tz
    return env(context=dict(env.context, lang=lang))._("%(city)s time", city=city)


def format_local_datetime(env, value, tz, lang=None, dt_format=False):
    """``value`` (UTC) in the zone ``tz``, in the language and date format of ``lang``
    (default: the environment's), followed by the name of the zone:
    "07/12/2026 08:30:00 (heure de La Réunion)"."""
    if not value:
        return ""
    lang = lang or env.lang or "en_US"
    local = format_datetime(env, value, tz=tz, dt_format=dt_format, lang_code=lang)
    return f"{local} ({timezone_label(env, tz, lang)})"
