from . import (
    maintenance_clause,
    maintenance_contract,
    maintenance_contract_clause,
    maintenance_contract_equipment,
    maintenance_contract_line,
    maintenance_contract_template,
    maintenance_contract_template_line,
    maintenance_sla_policy,
    maintenance_sla_policy_line,
    maintenance_sla_policy_portal,
    res_partner,
)
