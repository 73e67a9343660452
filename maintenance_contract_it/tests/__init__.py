from . import test_contract, test_sla_clock, test_sla_dates, test_ticket_contract
