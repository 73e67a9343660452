from . import test_contract, test_dates, test_lifecycle
