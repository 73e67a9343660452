from . import dates, jobs, revision, timezones
