# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

COUNTS = ("read", "created", "updated", "unchanged", "failed", "skipped")
OPEN_STATES = ("wait_dependencies", "pending", "enqueued", "started")
RUN_OPEN = ("running", "waiting")  # a run whose jobs have not all ended
# what an accountant reads for an error class (the class itself is a technical detail);
# module-level, so translated lazily (Odoo's LazyTranslate), not through an env
# pylint: disable=prefer-env-translation
PROBLEMS = {
    "InvalidRecordError": _lt("To fix: the record or a mapping"),
    "EFacturaError": _lt("To fix: the e-Factura file"),
    "StatementError": _lt("To fix: the record's amounts"),
    "DatabaseRefusedError": _lt("Refused by Odoo"),
    "ValidationError": _lt("Refused by Odoo"),
    "UserError": _lt("Refused by Odoo"),
    "FailedJobError": _lt("Refused by the source, or out of tries"),
}
# pylint: enable=prefer-env-translation


class ConnectorSyncRun(models.Model):
    """One synchronisation of one entity for one backend of any connector: the batch
    job and the record jobs it queued. Its figures are summed from its jobs while they
    run, and kept on the run when the last one ends (queue_job deletes done jobs after a
    while).

    One table for every source, as Odoo's ``payment.transaction`` is one for every
    provider: a run names its backend (``res_model``, ``res_id``, as ``connector.alert``
    does) and its connector (``connector``, each connector's ``selection_add``); a
    connector adds its own columns where it truly has some (FreshBooks' checkpoint).
    Each connector's menu shows these screens filtered to it.
    """

    _name = "connector.sync.run"
    _inherit = "connector.backend.owned.mixin"
    _description = "Connector sync run"
    _order = "id desc"

    connector = fields.Selection([], required=True, readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    entity = fields.Selection(selection="_selection_entity", required=True, readonly=True)
    source = fields.Selection(selection="_selection_source", readonly=True)
    date_from = fields.Date("From", readonly=True)
    date_to = fields.Date("To", readonly=True)
    dry_run = fields.Boolean(
        readonly=True,
        help="Nothing was written: the counts say what a real run would create or update.",
    )
    started = fields.Datetime(default=fields.Datetime.now, readonly=True)
    finished = fields.Datetime(readonly=True)
    state = fields.Selection(
        [
            ("running", "Running"),
            ("waiting", "Waiting for the source"),
            ("done", "Done"),
            ("failed", "Failed records"),
        ],
        default="running",
        required=True,
        readonly=True,
        index=True,
        help="Running: jobs of the run are queued or running. Waiting for the source: "
        "every job still open failed to reach the source and waits for its next try (the "
        "connector retries by itself; nothing is lost). Done: every record imported or "
        "unchanged. Failed records: some jobs failed; fix the cause, then Retry failed.",
    )
    read_count = fields.Integer("Read", readonly=True)
    created_count = fields.Integer("Created", readonly=True)
    updated_count = fields.Integer("Updated", readonly=True)
    unchanged_count = fields.Integer("Unchanged", readonly=True)
    failed_count = fields.Integer("Failed", readonly=True)
    skipped_count = fields.Integer("Skipped", readonly=True)
    retrying_count = fields.Integer("Waiting for a retry", readonly=True)
    job_count = fields.Integer("Job count", readonly=True)
    job_ids = fields.One2many("queue.job", "connector_run_id", "Jobs", readonly=True)
    failure_ids = fields.One2many(
        "connector.sync.run.failure", "run_id", "Failed records and retries", readonly=True
    )
    api_calls = fields.Integer("API calls", readonly=True)
    rate_limit_waits = fields.Integer(readonly=True)
    summary = fields.Char(compute="_compute_summary")
    checkpoint = fields.Char(
        readonly=True,
        help="A poll's newest change time read, as the source gives it: the entity's "
        "checkpoint moves to it when every job of the poll is done.",
    )

    @api.model
    def _backend_models(self):
        """Every connector's backend model in this database."""
        return [
            name
            for name in self.env.registry.descendants(["connector.accounting.backend"], "_inherit")
            if not self.env[name]._abstract
        ]

    def _selection_entity(self):
        entities = {}
        for name in self._backend_models():
            entities = {**self.env[name]._sync_entities(), **entities}
        return list(entities.items())

    def _selection_source(self):
        """Where a run reads from (an API, a folder, webhooks...): each backend's own."""
        sources = {}
        for name in self._backend_models():
            sources.update(self.env[name]._sync_sources())
        return list(sources.items())

    @api.depends("entity", "date_from", "date_to", "started")
    def _compute_display_name(self):
        entities = dict(self._fields["entity"]._description_selection(self.env))
        for run in self:
            window = f" {run.date_from or '…'} → {run.date_to or '…'}" if run.date_from else ""
            run.display_name = f"{entities.get(run.entity, '')}{window} #{run.id}"

    @api.depends(*(f"{name}_count" for name in COUNTS))
    def _compute_summary(self):
        for run in self:
            run.summary = ", ".join(
                f"{run[f'{name}_count']} {name}" for name in COUNTS if run[f"{name}_count"]
            )

    # -- figures from the jobs --------------------------------------------------------
    def _job_figures(self):
        """{run id: {count name: value}} summed over each run's jobs."""
        keys = (*COUNTS, "retrying", "jobs", "open", "api_calls", "rate_limit_waits")
        figures = {run.id: dict.fromkeys(keys, 0) for run in self}
        self.env["queue.job"].flush_model()  # what this transaction wrote on the jobs too
        run_field = SQL.identifier("connector_run_id")
        rows = self.env.execute_query(
            SQL(
                """SELECT %s, key, SUM(value::numeric)::int
                     FROM queue_job, jsonb_each_text(connector_counts)
                    WHERE %s IN %s AND state = 'done'
                 GROUP BY 1, 2""",
                run_field,
                run_field,
                tuple(self.ids),
            )
        )
        for run_id, key, value in rows:
            if key in COUNTS:
                figures[run_id][key] += value
        rows = self.env.execute_query(
            SQL(
                """SELECT %s, state, retry > 0, COUNT(*),
                          SUM(connector_calls), SUM(connector_waits)
                     FROM queue_job WHERE %s IN %s GROUP BY 1, 2, 3""",
                run_field,
                run_field,
                tuple(self.ids),
            )
        )
        for run_id, state, retried, count, calls, waits in rows:
            run = figures[run_id]
            run["jobs"] += count
            run["api_calls"] += calls or 0
            run["rate_limit_waits"] += waits or 0
            if state == "failed":
                run["failed"] += count
            elif state in OPEN_STATES:
                run["open"] += count
                run["retrying"] += count if retried else 0
        return figures

    @api.private
    def refresh_from_jobs(self):
        """Sum the runs' jobs into their figures; a run whose jobs all ended is closed
        (failed records are told once on the backend's chatter). Returns the runs that
        were closed now."""
        runs = self.filtered(lambda r: r.state in RUN_OPEN)
        if not runs:
            return runs
        closed = self.browse()
        figures = runs._job_figures()
        for run in runs:
            figure = figures[run.id]
            values = {f"{name}_count": figure[name] for name in COUNTS}
            values.update(
                retrying_count=figure["retrying"],
                job_count=figure["jobs"],
                api_calls=figure["api_calls"],
                rate_limit_waits=figure["rate_limit_waits"],
            )
            if not figure["open"]:
                values["state"] = "failed" if figure["failed"] else "done"
                values["finished"] = fields.Datetime.now()
                closed |= run
            else:  # every open job waiting for its next try: the source does not answer
                waiting = figure["retrying"] == figure["open"]
                values["state"] = "waiting" if waiting else "running"
            run.write(values)
        closed._close()
        return closed

    def _close(self):
        """Tell each closed run's backend (a connector's follow-up, e.g. moving a
        checkpoint), and the failed records once on its chatter."""
        for run in self:
            run._backend()._run_closed(run)
        self.filtered(lambda r: r.state == "failed")._post_failures()

    def _post_failures(self):
        """One message per run on the backend: how many failed, and the first reasons."""
        for run in self:
            failures = run.failure_ids.filtered(lambda f: f.state != "retrying")[:5]
            reasons = "\n".join(
                f"• {failure.reference}: {failure.error_class}: {failure.message}"
                for failure in failures
            )
            run._backend().message_post(
                body=self.env._(
                    "%(run)s: %(failed)s of %(total)s records failed.\n%(reasons)s",
                    run=run.display_name,
                    failed=run.failed_count,
                    total=run.read_count or run.job_count,
                    reasons=reasons,
                ),
                subtype_xmlid="mail.mt_note",
            )

    @api.model
    def _cron_refresh(self):
        self.search([("state", "in", RUN_OPEN)]).refresh_from_jobs()

    @api.model
    def _cron_check_health(self):
        """Every connector's backends: their alerts opened and closed."""
        for name in self._backend_models():
            self.env[name]._cron_check_health()

    def action_refresh(self):
        self.refresh_from_jobs()

    def _failed_jobs(self):
        return (
            self.env["queue.job"]
            .sudo()
            .search([("connector_run_id", "in", self.ids), ("state", "=", "failed")])
        )

    def _requeue_failed(self):
        """Requeue the runs' failed jobs (queue_job retries them from scratch); returns
        how many."""
        for run in self:
            run._backend()._check_manager()
        jobs = self._failed_jobs()
        jobs.requeue()
        self.filtered(lambda r: r.id in jobs.connector_run_id.ids).write(
            {"state": "running", "finished": False}
        )
        return len(jobs)

    def action_retry_failed(self):
        """*Retry failed*: the failed records queued again, and said so (or why not)."""
        count = self._requeue_failed()
        if count:
            message = self.env._(
                "%s failed records queued again: the run shows them as they end.", count
            )
        else:
            message = self.env._(
                "Nothing to retry: no record of this run failed for good (those waiting for "
                "a retry are retried by themselves)."
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": message,
                "type": "info" if count else "warning",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"} if count else False,
            },
        }

    def action_open_jobs(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Jobs of %s", self.display_name),
            "res_model": "queue.job",
            "view_mode": "list,form",
            "domain": [("connector_run_id", "in", self.ids)],
        }


class ConnectorSyncRunFailure(models.Model):
    """A record of a sync run that failed, or that waits for its next try: read from
    its queue job (queue_job keeps the error, the tries and the next try's time). A
    view over ``queue_job`` and ``connector_sync_run``, for every connector."""

    _name = "connector.sync.run.failure"
    _description = "Connector failed record"
    _order = "id"
    _auto = False

    run_id = fields.Many2one("connector.sync.run", "Sync run", readonly=True)
    connector = fields.Selection(selection="_selection_connector", readonly=True)
    res_model = fields.Char("Backend model", readonly=True)
    res_id = fields.Many2oneReference("Backend", model_field="res_model", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    reference = fields.Char("Source reference", readonly=True)
    state = fields.Selection(
        [("failed", "Failed"), ("refused", "Not importable"), ("retrying", "Waiting for a retry")],
        readonly=True,
    )
    error_class = fields.Char("Error class", readonly=True)
    problem = fields.Char(
        compute="_compute_problem", help="What kind of failure it is, and who can fix it."
    )
    message = fields.Text(readonly=True)
    tries = fields.Integer(readonly=True)
    max_tries = fields.Integer(readonly=True)
    next_try = fields.Datetime("Next retry", readonly=True)
    job_id = fields.Many2one("queue.job", "Queue job", readonly=True)
    job_uuid = fields.Char("Job UUID", readonly=True)

    @api.depends("state", "error_class")
    def _compute_problem(self):
        for failure in self:
            if failure.state == "retrying":
                failure.problem = self.env._("Waiting for the source: retried by itself")
            else:
                problem = PROBLEMS.get(failure.error_class or "")
                failure.problem = str(problem) if problem else self.env._("Unexpected: see the job")

    def _selection_connector(self):
        return self.env["connector.sync.run"]._fields["connector"]._description_selection(self.env)

    @property
    def _table_query(self):
        # a query, not a view: nothing to create, in whatever order the models load
        return SQL(
            r"""SELECT job.id, job.id AS job_id, job.uuid AS job_uuid,
                       job.connector_run_id AS run_id, run.connector, run.res_model,
                       run.res_id, run.company_id,
                       COALESCE(job.connector_ref, job.name) AS reference,
                       CASE WHEN job.state = 'failed' THEN 'failed'
                            WHEN job.connector_failed THEN 'refused'
                            ELSE 'retrying' END AS state,
                       CASE WHEN job.state = 'failed'
                            THEN regexp_replace(job.exc_name, '^.*\.', '')
                            ELSE job.connector_error_class END AS error_class,
                       CASE WHEN job.state = 'failed' THEN job.exc_message
                            ELSE job.result END AS message,
                       job.retry AS tries, job.max_retries AS max_tries,
                       CASE WHEN job.state = 'pending' THEN job.eta END AS next_try
                  FROM queue_job job
                  JOIN connector_sync_run run ON run.id = job.connector_run_id
                 WHERE job.state = 'failed' OR job.connector_failed
                    OR (job.retry > 0 AND job.state IN %s)""",
            OPEN_STATES,
        )


class IrRule(models.Model):
    """``connector_codes`` in record rules: the connectors whose runs the user sees
    (those of whose user group they are, every one for an administrator)."""

    _inherit = "ir.rule"

    @api.model
    def _eval_context(self):
        runs = self.env["connector.sync.run"]
        user = self.env.user
        admin = user.has_group("base.group_system")
        codes = [
            self.env[name]._connector_code
            for name in runs._backend_models()
            if admin or user.has_group(self.env[name]._user_group)
        ]
        return {**super()._eval_context(), "connector_codes": codes}
