from . import dates, jobs, revision
