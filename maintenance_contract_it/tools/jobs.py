"""Scheduled jobs, in one place.

- ``run_batched`` processes records in batches: each batch is first claimed with
  ``lock_for_job`` (rows another worker holds are skipped), each record runs in its own
  savepoint so that one failing record is logged and never blocks the others, progress is
  reported to the cron and, outside tests, each batch is committed so that a crash keeps the
  work done.
- ``lock_for_job`` / ``lock_for_user``: the one way to lock rows, always inside a savepoint
  (a failed lock outside a savepoint aborts the whole transaction): ``SKIP LOCKED`` for jobs,
  ``NOWAIT`` and a clear ``UserError`` for buttons.
- ``claim_once``: the one way to do something only once, a marker row with a unique key
  (the contract reminder log, the SLA warning log) inserted by the worker that does it.
"""

import logging

from psycopg2 import errors

from odoo import fields, modules, tools
from odoo.exceptions import UserError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

BATCH_SIZE = 100

# another transaction holds the row, or changed it since this transaction's snapshot (Odoo
# runs in REPEATABLE READ): in both cases another worker is doing or did the work
CONCURRENT_ERRORS = (errors.LockNotAvailable, errors.SerializationFailure)


def _in_test():
    # pytest-odoo on 18.0 does not set current_test: test_enable tells tests too
    return modules.module.current_test or tools.config["test_enable"]


def _select_for_update(records, mode):
    """Ids of ``records`` locked by ``SELECT ... FOR NO KEY UPDATE <mode>``, in a savepoint.

    ``NO KEY UPDATE`` (what an UPDATE takes, and what ``ir.cron`` uses for its jobs): the
    jobs and buttons exclude each other, but rows referencing the locked ones (a reminder,
    a ticket, a visit of the contract) can still be inserted meanwhile, where ``FOR UPDATE``
    would make those inserts wait for the whole batch."""
    cr = records.env.cr
    with cr.savepoint():
        cr.execute(
            SQL(
                "SELECT id FROM %s WHERE id IN %s FOR NO KEY UPDATE %s",
                SQL.identifier(records._table),
                tuple(records.ids),
                mode,
            ),
            log_exceptions=False,
        )
        return {row[0] for row in cr.fetchall()}


def lock_for_job(records):
    """Lock the rows of ``records`` for the current transaction and return the records
    locked: those another transaction holds or changed meanwhile are left out (``SKIP
    LOCKED``), the job leaves them to the worker that has them. Cached values of the locked
    records are re-read."""
    records = records.exists()
    if not records:
        return records
    try:
        locked_ids = _select_for_update(records, SQL("SKIP LOCKED"))
    except errors.SerializationFailure:
        if len(records) == 1:
            return records.browse()
        # one row changed by a concurrent transaction fails the whole statement
        locked_ids = {record.id for record in records if lock_for_job(record)}
    locked = records.filtered(lambda record: record.id in locked_ids)
    locked.invalidate_recordset()
    return locked


def lock_for_user(records):
    """Lock the rows of ``records`` for a user's action; raise a ``UserError`` when another
    user or job holds them (``NOWAIT``). The transaction stays usable."""
    if not records:
        return records
    try:
        _select_for_update(records, SQL("NOWAIT"))
    except errors.LockNotAvailable:
        raise UserError(
            records.env._(
                "This contract is being processed by another user or job, try again in a " "moment."
            )
        ) from None
    records.invalidate_recordset()
    return records


def claim_once(model, values):
    """Insert the marker row ``values`` in the table of ``model`` unless a row with the same
    unique key exists; return the new record, or an empty recordset when the marker already
    exists (made by this or a concurrent transaction): the caller does the work only when it
    gets a record. ``values`` are column values (a stored related field included)."""
    env = model.env
    now = fields.Datetime.now()
    values = dict(values, create_uid=env.uid, write_uid=env.uid, create_date=now, write_date=now)
    model.flush_model()
    try:
        with env.cr.savepoint(flush=False):
            env.cr.execute(
                SQL(
                    "INSERT INTO %s (%s) VALUES (%s) ON CONFLICT DO NOTHING RETURNING id",
                    SQL.identifier(model._table),
                    SQL(", ").join(SQL.identifier(column) for column in values),
                    SQL(", ").join(SQL("%s", value) for value in values.values()),
                ),
                log_exceptions=False,
            )
            row = env.cr.fetchone()
    except errors.SerializationFailure:
        # the marker was committed by a transaction this one cannot see yet
        row = None
    model.invalidate_model()
    return model.browse(row[0]) if row else model.browse()


def run_batched(records, method, *args, batch_size=BATCH_SIZE, remaining_after=0):
    """Call ``record.<method>(*args)`` on each of ``records`` this worker can lock; return
    the records that failed. Records another worker holds are skipped: it processes them,
    or the next run does.

    :param remaining_after: records another step of the same job will process next, added to
        the progress reported to the cron
    """
    env = records.env
    total, done = len(records), 0
    failed = records.browse()
    for start in range(0, total, batch_size):
        batch = records[start : start + batch_size]
        locked = lock_for_job(batch)
        if len(locked) < len(batch):
            _logger.info(
                "%s: %s %s record(s) skipped, held by another worker",
                method,
                len(batch) - len(locked),
                records._name,
            )
        for record in locked:
            try:
                with env.cr.savepoint():
                    getattr(record, method)(*args)
            except CONCURRENT_ERRORS:
                # a row it needs is held or was changed by another worker: the next run
                _logger.info(
                    "%s(%s id %s) skipped, concurrent update", method, record._name, record.id
                )
                env.invalidate_all()
            except Exception:
                _logger.exception("%s(%s id %s) failed", method, record._name, record.id)
                env.invalidate_all()
                failed |= record
        done += len(batch)
        env["ir.cron"]._notify_progress(done=done, remaining=total - done + remaining_after)
        if not _in_test():
            env.cr.commit()  # pylint: disable=invalid-commit
    return failed
