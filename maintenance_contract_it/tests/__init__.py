from . import (
    test_automation,
    test_contract,
    test_dates,
    test_lifecycle,
    test_notice,
    test_reminders,
)
