"""Scheduled jobs, in one place: process records in batches, each record in its own savepoint
so that one failing record is logged and never blocks the others, reporting progress to the
cron and committing after each batch (outside tests) so that a crash keeps the work done."""

import logging

from odoo import modules, tools

_logger = logging.getLogger(__name__)

BATCH_SIZE = 100


def _in_test():
    # pytest-odoo on 18.0 does not set current_test: test_enable tells tests too
    return modules.module.current_test or tools.config["test_enable"]


def run_batched(records, method, *args, batch_size=BATCH_SIZE, remaining_after=0):
    """Call ``record.<method>(*args)`` on each of ``records``; return the records that failed.

    :param remaining_after: records another step of the same job will process next, added to
        the progress reported to the cron
    """
    env = records.env
    total, done = len(records), 0
    failed = records.browse()
    for start in range(0, total, batch_size):
        batch = records[start : start + batch_size]
        for record in batch:
            try:
                with env.cr.savepoint():
                    getattr(record, method)(*args)
            except Exception:
                _logger.exception("%s(%s id %s) failed", method, record._name, record.id)
                env.invalidate_all()
                failed |= record
        done += len(batch)
        env["ir.cron"]._notify_progress(done=done, remaining=total - done + remaining_after)
        if not _in_test():
            env.cr.commit()  # pylint: disable=invalid-commit
    return failed
