from . import (
    test_amendment,
    test_clause_rendering,
    test_contract,
    test_intervention,
    test_intervention_tour,
    test_preventive_plan,
    test_price_revision,
    test_report,
    test_template,
    test_tour_contract,
)
