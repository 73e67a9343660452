from . import main, portal_helpdesk, portal_intervention, portal_signing
