# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models, tools
from odoo.tools import SQL

COUNTS = ("read", "created", "updated", "unchanged", "failed", "skipped")
OPEN_STATES = ("wait_dependencies", "pending", "enqueued", "started")


class ConnectorSyncRun(models.AbstractModel):
    """One synchronisation of one entity for one backend: the batch job and the record
    jobs it queued. Its figures are summed from its jobs while they run, and kept on
    the run when the last one ends (queue_job deletes done jobs after a while).

    A connector's run model inherits this and declares ``backend_id`` (its backend),
    ``company_id`` (related), ``job_ids`` (its jobs: ``queue.job``'s field named by
    ``_job_run_field``) and ``failure_ids`` (its ``connector.sync.run.failure.mixin``
    view, named by ``_failure_model``).
    """

    _name = "connector.sync.run.mixin"
    _description = "Connector sync run"
    _order = "id desc"
    _job_run_field = None  # queue.job's link to a run of this model
    _failure_model = None  # the failed records of this model's runs

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
            ("done", "Done"),
            ("failed", "Failed records"),
        ],
        default="running",
        required=True,
        readonly=True,
        index=True,
        help="Running: jobs of the run are queued, running or waiting for a retry. Done: "
        "every record imported or unchanged. Failed records: some jobs failed; fix the "
        "cause, then Retry failed.",
    )
    read_count = fields.Integer("Read", readonly=True)
    created_count = fields.Integer("Created", readonly=True)
    updated_count = fields.Integer("Updated", readonly=True)
    unchanged_count = fields.Integer("Unchanged", readonly=True)
    failed_count = fields.Integer("Failed", readonly=True)
    skipped_count = fields.Integer("Skipped", readonly=True)
    retrying_count = fields.Integer("Waiting for a retry", readonly=True)
    job_count = fields.Integer("Job count", readonly=True)
    api_calls = fields.Integer("API calls", readonly=True)
    rate_limit_waits = fields.Integer(readonly=True)
    summary = fields.Char(compute="_compute_summary")

    def _selection_entity(self):
        backends = self.env[self._fields["backend_id"].comodel_name]
        return list(backends._sync_entities().items())

    def _selection_source(self):
        """Where a run reads from (an API, a folder, webhooks...)."""
        return []

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
        run_field = SQL.identifier(self._job_run_field)
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
        runs = self.filtered(lambda r: r.state == "running")
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
            run.write(values)
        closed.filtered(lambda r: r.state == "failed")._post_failures()
        return closed

    def _post_failures(self):
        """One message per run on the backend: how many failed, and the first reasons."""
        for run in self:
            failures = run.failure_ids.filtered(lambda f: f.state != "retrying")[:5]
            reasons = "\n".join(
                f"• {failure.reference}: {failure.error_class}: {failure.message}"
                for failure in failures
            )
            run.backend_id.message_post(
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
        self.search([("state", "=", "running")]).refresh_from_jobs()

    def action_refresh(self):
        self.refresh_from_jobs()

    def _failed_jobs(self):
        return (
            self.env["queue.job"]
            .sudo()
            .search([(self._job_run_field, "in", self.ids), ("state", "=", "failed")])
        )

    def action_retry_failed(self):
        """Requeue the runs' failed jobs (queue_job retries them from scratch)."""
        self.backend_id._check_manager()
        jobs = self._failed_jobs()
        jobs.requeue()
        self.filtered(lambda r: r.id in jobs[self._job_run_field].ids).write(
            {"state": "running", "finished": False}
        )
        return len(jobs)

    def action_open_jobs(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Jobs of %s", self.display_name),
            "res_model": "queue.job",
            "view_mode": "list,form",
            "domain": [(self._job_run_field, "in", self.ids)],
        }


class ConnectorSyncRunFailure(models.AbstractModel):
    """A record of a sync run that failed, or that waits for its next try: read from
    its queue job (queue_job keeps the error, the tries and the next try's time).

    A connector's failure model inherits this with ``_auto = False``, names its run
    model (``_run_model``) and declares ``run_id`` and ``backend_id``."""

    _name = "connector.sync.run.failure.mixin"
    _description = "Connector failed record"
    _order = "id"
    _run_model = None

    company_id = fields.Many2one("res.company", readonly=True)
    reference = fields.Char("Source reference", readonly=True)
    state = fields.Selection(
        [("failed", "Failed"), ("refused", "Not importable"), ("retrying", "Waiting for a retry")],
        readonly=True,
    )
    error_class = fields.Char("Error", readonly=True)
    message = fields.Text(readonly=True)
    tries = fields.Integer(readonly=True)
    max_tries = fields.Integer(readonly=True)
    next_try = fields.Datetime("Next retry", readonly=True)
    job_id = fields.Many2one("queue.job", "Queue job", readonly=True)
    job_uuid = fields.Char("Job UUID", readonly=True)

    def init(self):
        if not self._run_model:
            return
        runs = self.env[self._run_model]
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                r"""CREATE VIEW %s AS
                SELECT job.id, job.id AS job_id, job.uuid AS job_uuid,
                       job.%s AS run_id, run.backend_id, run.company_id,
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
                  JOIN %s run ON run.id = job.%s
                 WHERE job.state = 'failed' OR job.connector_failed
                    OR (job.retry > 0 AND job.state IN %s)""",
                SQL.identifier(self._table),
                SQL.identifier(runs._job_run_field),
                SQL.identifier(runs._table),
                SQL.identifier(runs._job_run_field),
                OPEN_STATES,
            )
        )
