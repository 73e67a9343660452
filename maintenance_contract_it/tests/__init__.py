from . import (
    test_contract,
    test_sla_clock,
    test_sla_dates,
    test_sla_penalty,
    test_sla_tour,
    test_sla_warnings,
    test_ticket_contract,
)
