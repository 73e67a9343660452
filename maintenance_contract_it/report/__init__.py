from . import (
    maintenance_contract_mrr_report,
    maintenance_contract_profitability_report,
    maintenance_sla_report,
)
