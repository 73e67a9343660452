from . import main, portal_signing
