from . import (
    maintenance_contract_create_wizard,
    maintenance_contract_fee_correction_wizard,
    maintenance_contract_fee_correction_wizard_line,
    maintenance_contract_notice_wizard,
    maintenance_contract_renew_wizard,
    maintenance_contract_revision_wizard,
    maintenance_contract_revision_wizard_line,
)
