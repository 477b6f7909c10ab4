# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The backend's core: what every capability shares (the SmartBill company, its Odoo
company, the API clients, Test connection, sync runs). Each capability adds its own
fields and methods from its own folder (``_inherit = "smartbill.backend"``) and says what
it syncs in :meth:`SmartBillBackend._sync_entities`."""

import re
from dataclasses import replace

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ...api import (
    DEFAULT_BASE_URL,
    V1_LIMIT,
    V3_LIMIT,
    AuthenticationError,
    PermissionDeniedError,
    SmartBillError,
    SmartBillV1Client,
    SmartBillV3Client,
)

MANAGER = "connector_smartbill.group_smartbill_manager"
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
    _inherit = ["connector.accounting.backend", "mail.thread", "connector.job.mixin"]
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
    email = fields.Char("V1 e-mail", help="The SmartBill user of the V1 API token.")
    # credentials: stored encrypted (vault.py), shown to managers only
    v1_token = fields.Char(
        "V1 API token",
        groups=MANAGER,
        compute="_compute_v1_token",
        inverse="_inverse_v1_token",
        help="SmartBill > Contul Meu > Integrari > API (looks like 003|5088...).",
    )
    v3_token = fields.Char(
        "V3 API token",
        groups=MANAGER,
        compute="_compute_v3_token",
        inverse="_inverse_v3_token",
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
    http_timeout = fields.Integer(
        "Answer timeout (s)",
        default=30,
        groups=MANAGER,
        help="Seconds a server (SmartBill, ANAF, BNR, the folder) has to answer a call; "
        "the call is tried again later when it does not.",
    )
    connection_state = fields.Selection(
        [("unknown", "Not tested"), ("ok", "Connected"), ("failed", "Failed")],
        default="unknown",
        readonly=True,
        copy=False,
    )
    connection_message = fields.Text("Connection answer", readonly=True, copy=False)
    connection_refused = fields.Boolean(
        readonly=True, copy=False, help="SmartBill refused the e-mail and token, or the CIF."
    )
    connection_checked_at = fields.Datetime("Connection checked", readonly=True, copy=False)
    entity_ids = fields.One2many(
        "smartbill.backend.entity", "backend_id", "What is synchronised", readonly=True
    )

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
                vals.setdefault("name", f"SmartBill {vals['company_vat_code']}")
        backends = super().create(vals_list)
        self.env["smartbill.backend.entity"].ensure(backends)
        return backends

    def write(self, vals):
        if "company_vat_code" in vals:
            vals = {**vals, "company_vat_code": normalize_cif(vals["company_vat_code"])}
        return super().write(vals)

    @api.model
    def _by_cif(self, cif):
        """The backends of SmartBill company ``cif``, however it is written."""
        return self.search([("company_vat_code", "=", normalize_cif(cif))])

    def _direction_of(self, doc):
        """ "sale" when this backend's company issued ``doc`` (an e-Factura document),
        "purchase" when it received it, None when it is neither's."""
        cif = self.company_vat_code.removeprefix("RO")
        if doc.seller.cui == cif:
            return "sale"
        if doc.buyer.cui == cif:
            return "purchase"
        return None

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
    def _limits(self, published, calls):
        """The clients' limiter settings: SmartBill's limit, the margin, and the window
        kept in this database, shared by every Odoo process that runs SmartBill jobs."""
        backend = self.sudo()
        return {
            "limit": replace(published, calls=calls, window=backend.rate_limit_window),
            "margin": backend.rate_limit_margin,
            "limiter_connect": self._rate_budget_connect(),
        }

    def _timeout(self):
        """The clients' (connect, read) timeouts."""
        return (5.0, float(self.sudo().http_timeout or 30))

    def _v1_client(self):
        """The V1 client of this backend. Tokens are read with sudo (jobs run as any
        user) and never leave this method except inside the client."""
        self.ensure_one()
        backend = self.sudo()
        token = self._secret("v1_token")
        if not token or not backend.email:
            raise UserError(self.env._("Backend %s has no V1 e-mail and token.", self.name))
        return SmartBillV1Client(
            self.email,
            token,
            self.company_vat_code,
            base_url=self.base_url,
            timeout=self._timeout(),
            **self._limits(V1_LIMIT, backend.v1_rate_limit),
        )

    def _v3_client(self):
        self.ensure_one()
        backend = self.sudo()
        token = self._secret("v3_token")
        if not token:
            raise UserError(self.env._("Backend %s has no V3 API token.", self.name))
        return SmartBillV3Client(
            token,
            self.company_vat_code,
            base_url=self.base_url,
            timeout=self._timeout(),
            **self._limits(V3_LIMIT, backend.v3_rate_limit),
        )

    # -- Test connection ----------------------------------------------------------------
    def _check_connection(self):
        """Call each configured API once; return ``(ok, message, refused)``, ``refused``
        when SmartBill refused the credentials (not when it could not be reached)."""
        self.ensure_one()
        try:
            lines = [self.env._("V1: connected, %s VAT rates.", len(self._v1_client().taxes()))]
            if self.sudo().v3_token_secret:
                client = self._v3_client()
                client.page_size = 1
                next(iter(client.warehouses()), None)
                lines.append(self.env._("V3: connected."))
        except (SmartBillError, UserError) as err:
            return False, str(err), isinstance(err, AuthenticationError | PermissionDeniedError)
        return True, "\n".join(lines), False

    def _record_connection(self):
        """Test the connection and keep the answer on the backend; return it."""
        ok, message, refused = self._check_connection()
        self.write(
            {
                "connection_state": "ok" if ok else "failed",
                "connection_refused": refused,
                "connection_message": message,
                "connection_checked_at": fields.Datetime.now(),
            }
        )
        return ok, message

    def action_test_connection(self):
        self.ensure_one()
        self._check_manager()
        ok, message = self._record_connection()
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

    def _wizard(self, model_name, name, **defaults):
        """A wizard of ``model_name`` for this backend (``defaults``: its default values)."""
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model_name,
            "view_mode": "form",
            "target": "new",
            "context": {"default_backend_id": self.id, **defaults},
        }
