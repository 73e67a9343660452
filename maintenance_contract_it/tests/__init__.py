from . import test_contract, test_sla_dates
