# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""How SmartBill failures end a queue job.

* :class:`InvalidRecordError`: the SmartBill record cannot be imported as it is (an
  unmapped VAT rate, an unknown unit...). The job fails with a message saying what to fix;
  retrying without a change cannot help.
* :func:`api_errors`: API errors become ``RetryableJobError`` (rate limits, 5xx,
  timeouts: retried after SmartBill's ``retry_at`` or the retry pattern) or
  ``FailedJobError`` (credentials, permissions, refused requests).
"""

import time
from contextlib import contextmanager

from odoo.addons.queue_job.exception import FailedJobError, RetryableJobError

from .api import SmartBillError


class InvalidRecordError(FailedJobError):
    """A SmartBill record that needs a person: the message names the value to fix."""


@contextmanager
def api_errors():
    try:
        yield
    except SmartBillError as err:
        if err.retryable:
            retry_at = getattr(err, "retry_at", None)
            seconds = max(1, int(retry_at - time.time()) + 1) if retry_at else None
            raise RetryableJobError(f"SmartBill: {err}", seconds=seconds) from None
        raise FailedJobError(f"SmartBill: {err}") from None
