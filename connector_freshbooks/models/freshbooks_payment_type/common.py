# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

# freshbooks.com/api/payments: the types a payment may have ("Credit" is a payment made
# from a client's credit, booked as the credit applied, not in a journal)
PAYMENT_TYPES = (
    "Check", "Cash", "Bank Transfer", "Credit Card", "Debit", "PayPal", "2Checkout", "VISA",
    "MASTERCARD", "DISCOVER", "AMEX", "DINERS", "JCB", "ACH", "Other",
)  # fmt: skip


class FreshBooksPaymentType(models.Model):
    """In which journal a FreshBooks payment of each type is booked, per backend:
    pre-filled when the backend is made (cash in the company's cash journal, the rest in
    the backend's payment journal), for a person to adjust."""

    _name = "freshbooks.payment.type"
    _description = "FreshBooks payment type"
    _order = "backend_id, sequence, id"

    backend_id = fields.Many2one(
        "freshbooks.backend", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="backend_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    name = fields.Char("FreshBooks payment type", required=True)
    journal_id = fields.Many2one(
        "account.journal",
        required=True,
        domain="[('type', 'in', ('bank', 'cash', 'credit')), ('company_id', '=', company_id)]",
    )

    _type_uniq = models.Constraint(
        "unique(backend_id, name)", "A FreshBooks payment type is mapped once per backend."
    )

    @api.model
    def _prefill(self, backends):
        """Every FreshBooks type of ``backends`` that has no journal yet gets one."""
        for backend in backends:
            known = set(backend.payment_type_ids.mapped("name"))
            cash = self.env["account.journal"].search(
                [("type", "=", "cash"), ("company_id", "=", backend.company_id.id)], limit=1
            )
            self.create(
                [
                    {
                        "backend_id": backend.id,
                        "sequence": index,
                        "name": name,
                        "journal_id": (
                            cash if name == "Cash" and cash else backend._payment_journal()
                        ).id,
                    }
                    for index, name in enumerate(PAYMENT_TYPES)
                    if name not in known and backend._payment_journal()
                ]
            )


class FreshBooksBackend(models.Model):
    _inherit = "freshbooks.backend"

    payment_type_ids = fields.One2many(
        "freshbooks.payment.type", "backend_id", "Payment types", copy=False
    )

    @api.model_create_multi
    def create(self, vals_list):
        backends = super().create(vals_list)
        self.env["freshbooks.payment.type"].sudo()._prefill(backends)
        return backends

    def _journal_of_payment(self, payment_type):
        """The journal of a FreshBooks payment of ``payment_type`` (the backend's payment
        journal for a type not in the map)."""
        mapped = self.payment_type_ids.filtered(lambda t: t.name == payment_type)[:1]
        return mapped.journal_id or self._payment_journal()
