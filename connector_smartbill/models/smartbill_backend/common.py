# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re
from datetime import UTC, datetime, timedelta

import psycopg2

from odoo import api, fields, models, sql_db
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare

from odoo.addons.queue_job.delay import chain, group
from odoo.addons.queue_job.exception import FailedJobError, RetryableJobError

from ...api import (
    DEFAULT_BASE_URL,
    V3_LIMIT,
    RateLimit,
    SmartBillError,
    SmartBillV1Client,
    SmartBillV3Client,
    shared_limiter,
)
from ...api.bnr import DEFAULT_URL as BNR_URL
from ...api.bnr import BnrClient
from ...efactura import EFacturaError
from ...efactura.spv import DEFAULT_URL as SPV_URL
from ...efactura.spv import SpvClient, SpvError
from ...exceptions import api_errors
from ...jobs import JobOutcome, identity_without_run, job_pages, smartbill_job

MANAGER = "connector_smartbill.group_smartbill_manager"
# the backend's "last successful" fields, from its sync runs
LAST_SUCCESS = {
    "taxes_imported_at": "taxes",
    "workpoints_imported_at": "workpoints",
    "series_imported_at": "series",
    "partners_imported_at": "partners",
    "products_imported_at": "products",
    "invoices_imported_at": "documents",
    "rates_imported_at": "rates",
    "payments_synced_at": "payments",
}
MASTER_DATA = (
    "smartbill.workpoint",
    "smartbill.series",
    "smartbill.product.product",
    "smartbill.res.partner",
)
# a Romanian CIF: CUI digits, "RO" in front for VAT payers
_CIF = re.compile(r"^(RO)?\d{2,10}$")


def normalize_cif(value):
    """``ro 123`` / ``RO-123`` / `` RO123 `` -> ``RO123``; digits-only stays digits."""
    if not value:
        return value
    return re.sub(r"[\s.\-]", "", value).upper()


class SmartBillBackend(models.Model):
    """One SmartBill company (CIF) feeding one Odoo company."""

    _name = "smartbill.backend"
    _inherit = ["connector.backend", "mail.thread", "smartbill.job.mixin"]
    _description = "SmartBill Backend"
    _order = "name"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    company_vat_code = fields.Char(
        "SmartBill company CIF",
        required=True,
        help="The CIF of the company in SmartBill, e.g. RO12345678 (VAT payer) or 12345678.",
    )
    base_url = fields.Char(
        "API base URL",
        required=True,
        default=DEFAULT_BASE_URL,
        help="SmartBill's V1 base URL; V3 is called below it. Change it only to point at a "
        "test server or the SmartBill simulator.",
    )
    email = fields.Char("V1 e-mail", required=True, help="The SmartBill user of the API token.")
    v1_token = fields.Char(
        "V1 API token",
        groups=MANAGER,
        copy=False,
        help="SmartBill > Contul Meu > Integrari > API (looks like 003|5088...).",
    )
    v3_token = fields.Char(
        "V3 API token",
        groups=MANAGER,
        copy=False,
        help="Bearer token of SmartBill's V3 API, for clients, suppliers, products and "
        "warehouses.",
    )
    rate_limit_window = fields.Float(
        "Rate limit window (s)",
        default=10.0,
        groups=MANAGER,
        help="SmartBill counts calls per 10 seconds; change only for a test server.",
    )
    v1_rate_limit = fields.Integer("V1 calls per window", default=30, groups=MANAGER)
    v3_rate_limit = fields.Integer("V3 reads per window", default=60, groups=MANAGER)
    rate_limit_margin = fields.Float(
        "Rate limit margin",
        default=0.1,
        groups=MANAGER,
        help="Share of SmartBill's limit kept in reserve: 0.1 sends at most 27 of 30 calls.",
    )
    connection_state = fields.Selection(
        [("unknown", "Not tested"), ("ok", "Connected"), ("failed", "Failed")],
        default="unknown",
        readonly=True,
        copy=False,
    )
    connection_message = fields.Text(readonly=True, copy=False)
    connection_checked_at = fields.Datetime(readonly=True, copy=False)

    # when the last sync run of each entity ended with every record done (jobs running
    # side by side never write the backend's row)
    taxes_imported_at = fields.Datetime("VAT rates imported", compute="_compute_last_success")
    workpoints_imported_at = fields.Datetime("Workpoints imported", compute="_compute_last_success")
    series_imported_at = fields.Datetime("Series imported", compute="_compute_last_success")
    partners_imported_at = fields.Datetime("Partners imported", compute="_compute_last_success")
    products_imported_at = fields.Datetime("Products imported", compute="_compute_last_success")
    invoices_imported_at = fields.Datetime("e-Factura imported", compute="_compute_last_success")
    post_invoices = fields.Boolean(
        "Post imported invoices",
        default=True,
        help="Post a document whose totals equal its e-Factura's; otherwise keep it in draft.",
    )
    attach_pdf = fields.Boolean(
        "Attach SmartBill PDF",
        help="Attach SmartBill's PDF to each imported invoice (one V1 call per invoice).",
    )
    spv_base_url = fields.Char(
        "SPV URL",
        default=SPV_URL,
        groups=MANAGER,
        help="ANAF's e-Factura API; change it only for the SmartBill simulator.",
    )
    spv_token = fields.Char(
        "SPV access token",
        groups=MANAGER,
        copy=False,
        help="Leave empty to use the token of the company's ANAF connection (l10n_ro_edi).",
    )
    spv_since = fields.Date("SPV messages since")
    spv_imported_until = fields.Date(
        "SPV imported until",
        readonly=True,
        copy=False,
        help="Last day whose SPV messages were queued for import: the next run starts "
        "after it (a day whose job fails stays in its sync run until retried).",
    )
    efactura_source_url = fields.Char(
        "e-Factura folder URL",
        help="A web folder of e-Factura zips with an index.json (the SmartBill simulator "
        "serves one); SPV is the other source.",
    )
    efactura_since = fields.Date(
        "Import documents since", help="Issue date from which the folder's documents are imported."
    )
    document_ids = fields.One2many("smartbill.document", "backend_id", "e-Factura files")
    tax_map_ids = fields.One2many("smartbill.tax.map", "backend_id", "VAT mapping")
    workpoint_ids = fields.One2many("smartbill.workpoint", "backend_id", "Workpoints")
    series_ids = fields.One2many("smartbill.series", "backend_id")
    run_ids = fields.One2many("smartbill.sync.run", "backend_id", "Sync runs")
    partner_count = fields.Integer(compute="_compute_counts")
    product_count = fields.Integer(compute="_compute_counts")
    failed_job_count = fields.Integer("Failed jobs", compute="_compute_counts")
    invoice_count = fields.Integer(compute="_compute_counts")
    failed_document_count = fields.Integer("Failed documents", compute="_compute_counts")
    mismatch_count = fields.Integer("Totals mismatches", compute="_compute_counts")
    missing_count = fields.Integer("Numbers missing in Odoo", compute="_compute_counts")

    _cif_company_unique = models.Constraint(
        "unique(company_vat_code, company_id)",
        "This SmartBill company already has a backend for this Odoo company.",
    )

    # -- CIF ----------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if "company_vat_code" in vals:
                vals["company_vat_code"] = normalize_cif(vals["company_vat_code"])
        return super().create(vals_list)

    def write(self, vals):
        if "company_vat_code" in vals:
            vals = {**vals, "company_vat_code": normalize_cif(vals["company_vat_code"])}
        return super().write(vals)

    @api.constrains("company_vat_code")
    def _check_company_vat_code(self):
        for backend in self:
            if not _CIF.match(backend.company_vat_code or ""):
                raise ValidationError(
                    self.env._(
                        "%(cif)s is not a Romanian CIF: expected the CUI digits, with RO in "
                        "front for a VAT payer (e.g. RO12345678).",
                        cif=backend.company_vat_code,
                    )
                )

    # -- clients ---------------------------------------------------------------------
    def _limits(self, calls, daily=None):
        """The clients' limiter settings: SmartBill's limit, the margin, and the window
        kept in this database, shared by every Odoo process that runs SmartBill jobs."""
        backend = self.sudo()
        _dbname, params = sql_db.connection_info_for(self.env.cr.dbname)
        return {
            "limit": RateLimit(calls, backend.rate_limit_window, daily),
            "margin": backend.rate_limit_margin,
            "limiter_connect": lambda: psycopg2.connect(**params),
        }

    def _v1_client(self):
        """The V1 client of this backend. Tokens are read with sudo (jobs run as any
        user) and never leave this method except inside the client."""
        self.ensure_one()
        backend = self.sudo()
        if not backend.v1_token:
            raise UserError(self.env._("Backend %s has no V1 API token.", self.name))
        return SmartBillV1Client(
            self.email,
            backend.v1_token,
            self.company_vat_code,
            base_url=self.base_url,
            **self._limits(backend.v1_rate_limit),
        )

    def _v3_client(self):
        self.ensure_one()
        backend = self.sudo()
        if not backend.v3_token:
            raise UserError(self.env._("Backend %s has no V3 API token.", self.name))
        return SmartBillV3Client(
            backend.v3_token,
            self.company_vat_code,
            base_url=self.base_url,
            **self._limits(backend.v3_rate_limit, daily=V3_LIMIT.daily),
        )

    # -- Test connection ----------------------------------------------------------------
    def _check_connection(self):
        """Call each configured API once; return ``(ok, message)``."""
        self.ensure_one()
        try:
            lines = [self.env._("V1: connected, %s VAT rates.", len(self._v1_client().taxes()))]
            if self.sudo().v3_token:
                client = self._v3_client()
                client.page_size = 1
                next(iter(client.warehouses()), None)
                lines.append(self.env._("V3: connected."))
        except (SmartBillError, UserError) as err:
            return False, str(err)
        return True, "\n".join(lines)

    def action_test_connection(self):
        self.ensure_one()
        ok, message = self._check_connection()
        self.write(
            {
                "connection_state": "ok" if ok else "failed",
                "connection_message": message,
                "connection_checked_at": fields.Datetime.now(),
            }
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("SmartBill connection"),
                "message": message,
                "type": "success" if ok else "danger",
                "sticky": not ok,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # -- imports --------------------------------------------------------------------------
    def _compute_counts(self):
        for backend in self:
            domain = [("backend_id", "=", backend._origin.id)]
            backend.partner_count = self.env["smartbill.res.partner"].search_count(domain)
            backend.product_count = self.env["smartbill.product.product"].search_count(domain)
            moves = self.env["smartbill.account.move"]
            backend.invoice_count = moves.search_count(domain)
            backend.mismatch_count = moves.search_count(
                [*domain, ("totals_state", "=", "mismatch")]
            )
            backend.missing_count = self.env["smartbill.series.gap"].search_count(
                [*domain, ("state", "=", "missing")]
            )
            backend.failed_document_count = self.env["smartbill.document"].search_count(
                [*domain, ("state", "=", "failed")]
            )
            backend.failed_job_count = self.env["smartbill.sync.run.failure"].search_count(
                [*domain, ("state", "=", "failed")]
            )

    def _jobs_domain(self):
        # every SmartBill job belongs to a sync run of its backend
        return [("smartbill_run_id.backend_id", "=", self._origin.id)]

    def _new_run(self, entity, source=None, **values):
        """A sync run of this backend, for the jobs about to be queued."""
        self.ensure_one()
        return self.env["smartbill.sync.run"].create(
            {"backend_id": self.id, "entity": entity, "source": source, **values}
        )

    def _batch(self, model_name, run=None):
        """The delayable batch import of ``model_name`` for this backend, in ``run``
        (default: a new one)."""
        model = self.env[model_name]
        run = run or self._new_run(model._smartbill_entity, model._smartbill_source)
        return model.delayable(
            priority=model._smartbill_priority,
            identity_key=identity_without_run,
            description=self.env._(
                "SmartBill %(what)s of %(backend)s", what=model._description, backend=self.name
            ),
        ).import_batch(self, run=run)

    @smartbill_job
    def import_taxes(self, run=None):
        """Job: SmartBill's VAT rates into the VAT mapping (new rows only)."""
        self.ensure_one()
        with api_errors():
            taxes = self._v1_client().taxes()
        created = self.env["smartbill.tax.map"].prefill(self, taxes)
        return JobOutcome(
            f"{len(taxes)} SmartBill VAT rates, {len(created)} mapping rows created",
            {"read": len(taxes), "created": len(created), "unchanged": len(taxes) - len(created)},
        )

    def _master_data_chain(self):
        """VAT rates first (products need them), then the rest side by side."""
        self.ensure_one()
        taxes = self.delayable(priority=1, identity_key=identity_without_run).import_taxes(
            run=self._new_run("taxes", "v1")
        )
        return chain(
            taxes,
            group(*(self._batch(model_name) for model_name in MASTER_DATA)),
        )

    def action_import_master_data(self):
        for backend in self:
            backend._master_data_chain().delay()
        return self._notify_queued(self.env._("Master data import queued."))

    def _action_import(self, model_name):
        for backend in self:
            backend._batch(model_name).delay()
        return self._notify_queued(
            self.env._("%s import queued.", self.env[model_name]._description)
        )

    def action_import_partners(self):
        return self._action_import("smartbill.res.partner")

    def action_import_products(self):
        return self._action_import("smartbill.product.product")

    def action_import_workpoints(self):
        return self._action_import("smartbill.workpoint")

    def action_import_series(self):
        return self._action_import("smartbill.series")

    def action_import_taxes(self):
        for backend in self:
            backend.with_delay(priority=1, identity_key=identity_without_run).import_taxes(
                run=backend._new_run("taxes", "v1")
            )
        return self._notify_queued(self.env._("VAT rates import queued."))

    def _notify_queued(self, message):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"message": message, "type": "info"},
        }

    @smartbill_job
    def import_efactura_folder(self, since=None, until=None, run=None):
        """Job: store the folder's new documents issued between ``since`` and ``until``
        and queue one import job per document; a stored document that failed is tried
        again."""
        self.ensure_one()
        documents = none = self.env["smartbill.document"]
        counts = {"read": 0, "unchanged": 0, "created": 0, "updated": 0}
        with self.work_on("smartbill.account.move") as work:
            source = work.component(usage="backend.adapter")
            try:
                names = list(source.search(since=since or self.efactura_since, until=until))
                # the listed files already stored (not every document of the backend)
                stored = documents.search(
                    [
                        ("backend_id", "=", self.id),
                        ("name", "in", [name.removesuffix(".zip") + ".xml" for name in names]),
                    ]
                ).grouped("name")
                for name in names:
                    counts["read"] += 1
                    known = stored.get(name.removesuffix(".zip") + ".xml", none)[:1]
                    if known.state == "imported":
                        counts["unchanged"] += 1
                    elif known:  # failed, or never imported: import it again
                        documents |= known
                        counts["updated"] += bool(run and run.dry_run)
                    elif run and run.dry_run:
                        counts["created"] += 1
                    else:
                        documents |= documents.store_files(self, name, source.read(name), "url")
            except EFacturaError as err:
                raise RetryableJobError(str(err), seconds=60) from None
        if run and run.dry_run:
            return JobOutcome(self.env._("Dry run: nothing stored or queued"), counts)
        documents.write({"state": "new", "message": False})
        documents.enqueue_import(run=run)
        return JobOutcome(f"{len(documents)} e-Factura documents queued", counts)

    # -- ANAF SPV ----------------------------------------------------------------------------
    def _spv_client(self):
        backend = self.sudo()
        company = backend.company_id
        token = backend.spv_token or (
            "l10n_ro_edi_access_token" in company._fields and company.l10n_ro_edi_access_token
        )
        return SpvClient(token, base_url=backend.spv_base_url or SPV_URL)

    def import_spv(self, since=None, until=None, dry_run=False):
        """Queue one job per day of the window (default: from the day after the last
        complete one, or *SPV messages since*, to today)."""
        self.ensure_one()
        start = since or (
            self.spv_imported_until + timedelta(days=1)
            if self.spv_imported_until
            else self.spv_since
        )
        end = until or fields.Date.context_today(self)
        if not start:
            raise UserError(self.env._("Set *SPV messages since* on backend %s.", self.name))
        run = self._new_run("spv", "spv", date_from=start, date_to=end, dry_run=dry_run)
        day = start
        while day <= end:
            self.with_delay(priority=15, identity_key=identity_without_run).import_spv_day(
                day, run=run
            )
            day += timedelta(days=1)
        # here, not in the day jobs: they run side by side and would write this row at once
        if not dry_run and (not self.spv_imported_until or end > self.spv_imported_until):
            self.spv_imported_until = end
        return run

    @smartbill_job
    def import_spv_day(self, day, run=None):
        """Job: store the SPV messages of ``day`` not stored yet (invoices sent, bills
        received, ANAF's refusals) and queue the import of each document."""
        self.ensure_one()
        documents = self.env["smartbill.document"]
        client = self._spv_client()
        counts = {"read": 0, "unchanged": 0, "skipped": 0, "created": 0}
        dry_run = bool(run and run.dry_run)
        try:
            messages = list(client.messages(self.company_vat_code.removeprefix("RO"), day))
            # the day's messages already stored (not every document of the backend)
            stored = set(
                documents.search(
                    [
                        ("backend_id", "=", self.id),
                        ("spv_message_id", "in", [message["id"] for message in messages]),
                    ]
                ).mapped("spv_message_id")
            )
            for message in messages:
                counts["read"] += 1
                if message["id"] in stored:
                    counts["unchanged"] += 1
                    continue
                if dry_run:
                    counts["created"] += 1
                    continue
                content = client.download(message["id"])
                ids = {"spv_message_id": message["id"], "spv_index": message["id_solicitare"]}
                if message["tip"] == "ERORI FACTURA":
                    documents.create_refusal(self, message, content)
                    counts["skipped"] += 1  # a refusal to read, not a document to import
                    continue
                documents |= documents.store_files(
                    self, f"{message['id_solicitare']}.zip", content, "spv", **ids
                )
        except SpvError as err:
            if err.retryable:
                raise RetryableJobError(str(err), seconds=120) from None
            raise FailedJobError(str(err)) from None
        documents.enqueue_import(run=run)
        if dry_run:
            return JobOutcome(self.env._("Dry run: nothing stored or queued"), counts)
        return JobOutcome(f"{len(documents)} SPV documents stored on {day}", counts)

    @api.model
    def _cron_import_spv(self):
        """Daily: every backend with an SPV start date queues the days since its last
        complete one."""
        backends = self.search([("active", "=", True), ("spv_since", "!=", False)])
        for backend in backends:
            backend.import_spv()

    def action_import_spv(self):
        for backend in self:
            backend.import_spv()
        return self._notify_queued(self.env._("SPV import queued."))

    @smartbill_job
    def check_completeness(self, run=None):
        """Job: every number below each invoice series' next number is imported, or
        listed as missing in Odoo / not in SmartBill (one payment-status call each)."""
        self.ensure_one()
        self.env["smartbill.series"].import_batch(self)  # today's next numbers
        counts = self.env["smartbill.series.gap"].check_backend(self)
        return JobOutcome(
            f"{counts['missing']} missing in Odoo, {counts['not_in_smartbill']} not in SmartBill",
            {"read": sum(counts.values())},
        )

    def action_check_completeness(self):
        for backend in self:
            backend.with_delay(priority=30, identity_key=identity_without_run).check_completeness(
                run=backend._new_run("completeness", "v1")
            )
        return self._notify_queued(self.env._("Completeness check queued."))

    def action_open_gaps(self):
        return self._open("smartbill.series.gap", self.env._("Invoice numbers missing in Odoo"))

    def action_import_efactura(self):
        for backend in self:
            backend.resync("documents", None)
        return self._notify_queued(self.env._("e-Factura import queued."))

    @api.model
    def _cron_import_master_data(self):
        self.search([("active", "=", True)]).action_import_master_data()

    # -- smart buttons ---------------------------------------------------------------------
    def _open(self, model_name, name):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model_name,
            "view_mode": "list,form",
            "domain": [("backend_id", "in", self.ids)],
            "context": {"default_backend_id": self[:1].id},
        }

    def action_open_partners(self):
        return self._open("smartbill.res.partner", self.env._("SmartBill partners"))

    def action_open_products(self):
        return self._open("smartbill.product.product", self.env._("SmartBill products"))

    def action_open_invoices(self):
        return self._open("smartbill.account.move", self.env._("SmartBill invoices"))

    def action_open_documents(self):
        return self._open("smartbill.document", self.env._("e-Factura files"))

    def action_upload(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Upload e-Factura files"),
            "res_model": "smartbill.upload.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_backend_id": self.id},
        }

    def action_open_failed_jobs(self):
        """The records that failed (jobs out of tries, documents that cannot be booked)."""
        action = self._open("smartbill.sync.run.failure", self.env._("Failed SmartBill records"))
        action.update(view_mode="list", domain=[*action["domain"], ("state", "=", "failed")])
        return action

    # -- operations dashboard ----------------------------------------------------------

    running_run_count = fields.Integer("Runs in progress", compute="_compute_dashboard")
    failed_run_count = fields.Integer("Runs with failures", compute="_compute_dashboard")
    oldest_failure = fields.Datetime(
        compute="_compute_dashboard", help="When the oldest failure still to fix happened."
    )
    payments_synced_at = fields.Datetime("Payment status synced", compute="_compute_last_success")
    v1_calls_left = fields.Integer(
        "V1 calls left",
        compute="_compute_rate_state",
        help="Calls the Odoo processes may still send in the current window (the window "
        "is kept in the database, shared by every process).",
    )
    v3_calls_left = fields.Integer("V3 reads left", compute="_compute_rate_state")
    blocked_until = fields.Datetime(
        "Blocked until",
        compute="_compute_rate_state",
        help="SmartBill blocked the token (403/429): no call is sent before this time.",
    )
    rate_limit_waits = fields.Integer(
        "Rate-limit waits",
        compute="_compute_rate_state",
        help="Times this process waited for a free slot rather than be refused.",
    )

    def _compute_last_success(self):
        rows = self.env["smartbill.sync.run"]._read_group(
            [
                ("backend_id", "in", self._origin.ids),
                ("state", "=", "done"),
                ("dry_run", "=", False),
            ],
            ["backend_id", "entity"],
            ["finished:max"],
        )
        finished = {(backend.id, entity): last for backend, entity, last in rows}
        for backend in self:
            for field_name, entity in LAST_SUCCESS.items():
                backend[field_name] = finished.get((backend._origin.id, entity), False)

    def _compute_dashboard(self):
        runs = self.env["smartbill.sync.run"]
        jobs = self.env["queue.job"].sudo()
        for backend in self:
            domain = [("backend_id", "=", backend._origin.id)]
            backend.running_run_count = runs.search_count([*domain, ("state", "=", "running")])
            backend.failed_run_count = runs.search_count([*domain, ("state", "=", "failed")])
            first_job = jobs.search(
                [*backend._jobs_domain(), ("state", "=", "failed")], order="date_created", limit=1
            )
            first_document = self.env["smartbill.document"].search(
                [*domain, ("state", "=", "failed")], order="create_date", limit=1
            )
            dates = [d for d in (first_job.date_created, first_document.create_date) if d]
            backend.oldest_failure = min(dates) if dates else False

    def _limiter_states(self):
        """The limiters' state of this backend's tokens (their window is shared)."""
        backend = self.sudo()
        states = {}
        for kind, token, calls, daily in (
            ("v1", backend.v1_token, backend.v1_rate_limit, None),
            ("v3", backend.v3_token, backend.v3_rate_limit, V3_LIMIT.daily),
        ):
            if token:
                limiter = shared_limiter(kind, token, **self._limits(calls, daily))
                states[kind] = limiter.state()
        return states

    def _compute_rate_state(self):
        for backend in self:
            states = backend._limiter_states() if backend._origin.id else {}
            backend.v1_calls_left = states.get("v1", {}).get("calls_left", 0)
            backend.v3_calls_left = states.get("v3", {}).get("calls_left", 0)
            blocked = [s["blocked_until"] for s in states.values() if s["blocked_until"]]
            backend.blocked_until = (
                datetime.fromtimestamp(max(blocked), UTC).replace(tzinfo=None) if blocked else False
            )
            backend.rate_limit_waits = sum(s["waits"] for s in states.values())

    def action_open_runs(self):
        return self._open("smartbill.sync.run", self.env._("SmartBill sync runs"))

    def action_open_failed_runs(self):
        action = self.action_open_runs()
        action["domain"] = [*action["domain"], ("state", "=", "failed")]
        return action

    def action_retry_failed(self):
        """Requeue every failed job and import every failed document again."""
        runs = self.env["smartbill.sync.run"].search(
            [("backend_id", "in", self.ids), ("state", "=", "failed")]
        )
        jobs = runs.action_retry_failed()
        documents = self.env["smartbill.document"].search(
            [
                ("backend_id", "in", self.ids),
                ("state", "=", "failed"),
                ("attachment_id", "!=", False),
            ]
        )
        documents.action_retry()
        return self._notify_queued(
            self.env._(
                "%(jobs)s failed jobs and %(documents)s failed documents queued again.",
                jobs=jobs,
                documents=len(documents),
            )
        )

    def resync(self, entity, since, until=None, dry_run=False):
        """Queue the sync of ``entity`` ("all", "master", "documents", "spv",
        "payments", "rates") for documents issued / payments made from ``since`` to
        ``until`` (default: today); returns the sync runs. A dry run writes nothing."""
        self.ensure_one()
        runs = self.env["smartbill.sync.run"]
        every = entity == "all"
        if every or entity == "master":
            for model_name in MASTER_DATA:
                model = self.env[model_name]
                run = self._new_run(
                    model._smartbill_entity, model._smartbill_source, dry_run=dry_run
                )
                self._batch(model_name, run).delay()
                runs |= run
        if (every and self.efactura_source_url) or entity == "documents":
            if not self.efactura_source_url:
                raise UserError(self.env._("Backend %s has no e-Factura folder URL.", self.name))
            run = self._new_run(
                "documents", "folder", date_from=since, date_to=until, dry_run=dry_run
            )
            self.with_delay(priority=15, identity_key=identity_without_run).import_efactura_folder(
                since=since, until=until, run=run
            )
            runs |= run
        if (every and self.spv_since) or entity == "spv":
            runs |= self.import_spv(since, until, dry_run=dry_run)
        if every or entity == "payments":
            runs |= self.sync_payment_status(since=since, until=until, dry_run=dry_run)
        if (every and not dry_run) or entity == "rates":
            if dry_run:
                raise UserError(self.env._("BNR rates have no dry run: they are only added."))
            run = self._new_run("rates", "bnr", date_from=since, date_to=until)
            self.with_delay(priority=5, identity_key=identity_without_run).import_bnr_rates(
                since=since, until=until, run=run
            )
            runs |= run
        return runs

    def _resync_wizard(self, name, **defaults):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": "smartbill.resync.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_backend_id": self.id, **defaults},
        }

    def action_import_since(self):
        return self._resync_wizard(self.env._("Import since"), default_mode="since")

    def action_resync_period(self):
        return self._resync_wizard(self.env._("Re-sync a period"), default_mode="period")

    # -- payment status (see models/account_payment) ---------------------------------

    payment_journal_id = fields.Many2one(
        "account.journal",
        "Payment journal",
        domain="[('type', 'in', ('bank', 'cash')), ('company_id', '=', company_id)]",
        help="Journal of the payments booked to match SmartBill (default: the first bank "
        "journal).",
    )
    payment_mismatch_count = fields.Integer(compute="_compute_payment_mismatch_count")
    payment_recheck_minutes = fields.Integer(
        "Payment status re-check (minutes)",
        default=60,
        help="An open invoice whose payment status was asked less than this many minutes "
        "ago is not asked again by the cron or the button (SmartBill allows 3 V1 calls a "
        "second); a re-sync of a period asks every invoice of the period.",
    )

    cash_journal_id = fields.Many2one(
        "account.journal",
        "Cash journal",
        domain="[('type', '=', 'cash'), ('company_id', '=', company_id)]",
        help="Journal of SmartBill receipts (Chitanta, Bon) from the payments report "
        "(default: the first cash journal).",
    )
    payment_report_columns = fields.Text(
        "Payments report columns",
        help="One 'field=Header' per line to rename the report's columns (fields: date, "
        "document, type, amount, currency, invoices, client); SmartBill's names otherwise.",
    )

    def _payment_journal(self, kind):
        """The journal for ``kind`` (bank or cash) payments of this backend."""
        chosen = self.payment_journal_id if kind == "bank" else self.cash_journal_id
        journals = self.env["account.journal"].search(
            [("type", "in", ("bank", "cash")), ("company_id", "=", self.company_id.id)]
        )
        # the company's first journal of that kind, else any bank or cash journal
        return chosen or journals.filtered(lambda j: j.type == kind)[:1] or journals[:1]

    def _report_columns(self):
        lines = (self.payment_report_columns or "").splitlines()
        return dict(line.split("=", 1) for line in lines if "=" in line)

    def action_import_payment_report(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Import SmartBill payments report"),
            "res_model": "smartbill.payment.report.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_backend_id": self.id},
        }

    def _compute_payment_mismatch_count(self):
        for backend in self:
            backend.payment_mismatch_count = self.env["smartbill.account.move"].search_count(
                [("backend_id", "=", backend._origin.id), ("payment_message", "!=", False)]
            )

    def sync_payment_status(self, recently_paid_days=None, since=None, until=None, dry_run=False):
        """Queue the payment status of every customer invoice Odoo does not see as fully
        paid and that was not checked in the last *Payment status re-check* minutes
        (and, with ``recently_paid_days``, of every invoice paid in those days), the
        newest first, in pages; with ``since``/``until``, of every invoice issued in that
        period, however recently checked. Returns the sync run."""
        self.ensure_one()
        bindings = self.env["smartbill.account.move"]
        domain = [
            ("backend_id", "=", self.id),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
        ]
        if since or until:
            period = [("invoice_date", ">=", since)] if since else []
            period += [("invoice_date", "<=", until)] if until else []
            invoices = bindings.search([*domain, *period])
        else:
            checked = fields.Datetime.subtract(
                fields.Datetime.now(), minutes=self.payment_recheck_minutes
            )
            invoices = bindings.search(
                [
                    *domain,
                    ("payment_state", "not in", ("paid", "in_payment", "reversed")),
                    "|",
                    ("payment_checked_at", "=", False),
                    ("payment_checked_at", "<", checked),
                ]
            )
        if recently_paid_days:
            since = fields.Date.subtract(fields.Date.context_today(self), days=recently_paid_days)
            invoices |= bindings.search(
                [
                    *domain,
                    ("payment_state", "in", ("paid", "in_payment")),
                    ("invoice_date", ">=", since),
                ]
            )
        run = self._new_run("payments", "v1", date_from=since, date_to=until, dry_run=dry_run)
        pages = job_pages(
            invoices.sorted("invoice_date", reverse=True),
            self.env._("SmartBill payment status"),
            lambda page: page[0].display_name,
            lambda index: min(20 + index // 5, 99),  # the newest invoices first
        )
        for page, delay in pages:
            page.with_delay(**delay).sync_payment_statuses(run=run)
        run.refresh_from_jobs()  # no invoice to check: done now
        return run

    def action_sync_payment_status(self):
        for backend in self:
            backend.sync_payment_status()
        return self._notify_queued(self.env._("Payment status sync queued."))

    @api.model
    def _cron_sync_payment_status(self):
        for backend in self.search([("active", "=", True)]):
            backend.sync_payment_status(recently_paid_days=7)

    # -- BNR exchange rates ------------------------------------------------------------

    bnr_url = fields.Char(
        "BNR URL",
        default=BNR_URL,
        help="Where BNR publishes its XML rates; change it only for the simulator.",
    )
    rates_imported_at = fields.Datetime("BNR rates imported", compute="_compute_last_success")

    @smartbill_job
    def import_bnr_rates(self, since=None, until=None, run=None):
        """Job: BNR's rates of [since, until] (default: the last 7 days) for the
        company's active currencies; only new or changed rates are written. SmartBill uses
        BNR's rate of the day unless a document says otherwise: imported foreign invoices
        keep their own rate, these serve payments, reports and revaluations."""
        self.ensure_one()
        company = self.company_id
        if company.currency_id.name != "RON":
            raise UserError(
                self.env._("BNR rates are RON rates: company %s is not in RON.", company.name)
            )
        until = until or fields.Date.context_today(self)
        since = since or until - timedelta(days=7)
        client = BnrClient(self.bnr_url or BNR_URL)
        published = {}
        with api_errors():
            for year in range(since.year, until.year + 1):
                published.update(client.year(year))
        currencies = self.env["res.currency"].search([("name", "!=", "RON")])
        existing = {
            (r.currency_id.id, r.name): r
            for r in self.env["res.currency.rate"].search(
                [
                    ("company_id", "=", company.id),
                    ("currency_id", "in", currencies.ids),
                    ("name", ">=", since),
                    ("name", "<=", until),
                ]
            )
        }
        written = 0
        for day, rates in sorted(published.items()):
            if not since <= day <= until:
                continue
            for currency in currencies.filtered(lambda c, r=rates: c.name in r):
                value = float(rates[currency.name])
                rate = existing.get((currency.id, day))
                if rate and not float_compare(rate.inverse_company_rate, value, 6):
                    continue
                if rate:
                    rate.inverse_company_rate = value
                else:
                    self.env["res.currency.rate"].create(
                        {
                            "currency_id": currency.id,
                            "company_id": company.id,
                            "name": day,
                            "inverse_company_rate": value,
                        }
                    )
                written += 1
        return JobOutcome(
            f"{written} BNR rates written for {since} to {until}", {"updated": written}
        )

    def action_import_bnr_rates(self):
        for backend in self:
            backend.resync("rates", None)
        return self._notify_queued(self.env._("BNR rates import queued."))

    @api.model
    def _cron_import_bnr_rates(self):
        backends = self.search([("active", "=", True), ("company_id.currency_id.name", "=", "RON")])
        for company_backends in backends.grouped("company_id").values():
            company_backends[:1].resync("rates", None)
