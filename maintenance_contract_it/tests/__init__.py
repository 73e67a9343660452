from . import test_contract, test_intervention, test_intervention_tour, test_preventive_plan
