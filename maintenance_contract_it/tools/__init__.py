from . import dates, revision
