from . import main
from . import portal_helpdesk
from . import portal_intervention
