# Abstract models (shared mixins, then the contract's capabilities, which import other models'
# constants) load before the models that inherit them.
from . import maintenance_invoiced_mixin, maintenance_step_mixin

# isort: split
# the signed-document rules, for the portal signature mixin
from . import maintenance_signed_document_mixin

# isort: split
from . import (
    maintenance_clause_mixin,
    maintenance_contract_billing_mixin,
    maintenance_contract_document_mixin,
    maintenance_contract_fee_mixin,
    maintenance_contract_intervention_mixin,
    maintenance_contract_prepaid_mixin,
    maintenance_contract_preventive_mixin,
    maintenance_contract_profitability_mixin,
    maintenance_contract_revision_mixin,
    maintenance_contract_sla_mixin,
    maintenance_contract_terms,
    maintenance_portal_signature_mixin,
)

# isort: split
from . import (
    account_move,
    account_move_line,
    account_tax,
    helpdesk_ticket,
    ir_attachment,
    mail_compose_message,
    maintenance_clause,
    maintenance_contract,
    maintenance_contract_amendment,
    maintenance_contract_amendment_change,
    maintenance_contract_amendment_line,
    maintenance_contract_clause,
    maintenance_contract_equipment,
    maintenance_contract_equipment_category,
    maintenance_contract_equipment_coverage,
    maintenance_contract_line,
    maintenance_contract_period,
    maintenance_contract_prepaid_block,
    maintenance_contract_reminder,
    maintenance_contract_revision,
    maintenance_contract_revision_line,
    maintenance_contract_template,
    maintenance_contract_template_line,
    maintenance_contract_term,
    maintenance_contract_usage,
    maintenance_intervention,
    maintenance_intervention_part,
    maintenance_preventive_plan,
    maintenance_price_index,
    maintenance_price_index_value,
    maintenance_sla_notification,
    maintenance_sla_pause,
    maintenance_sla_policy,
    maintenance_sla_policy_line,
    maintenance_termination_reason,
    res_company,
    res_config_settings,
    res_partner,
    res_users,
)
