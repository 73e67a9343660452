from . import test_contract, test_intervention, test_preventive_plan
