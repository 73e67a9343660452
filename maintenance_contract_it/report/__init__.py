from . import maintenance_sla_report
