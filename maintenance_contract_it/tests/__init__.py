from . import test_clause_rendering, test_contract, test_report, test_template, test_tour_contract
