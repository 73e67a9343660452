from . import test_contract
