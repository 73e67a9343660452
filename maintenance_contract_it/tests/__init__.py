from . import test_amendment, test_contract, test_price_revision
