from . import test_contract, test_partner, test_portal, test_security
