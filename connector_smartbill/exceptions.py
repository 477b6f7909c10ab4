# Copyright 2026 connector_smartbill contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""How a SmartBill job ends on SmartBill's, ANAF's, BNR's or a document source's
failure (the mapping itself is the base's: ``connector_accounting_base.exceptions``)."""

from odoo.addons.connector_accounting_base import exceptions

from .efactura import EFacturaError


def job_errors():
    """SmartBill's API errors told as "SmartBill: ...", e-Factura's as they say."""
    return exceptions.job_errors("SmartBill", also=(EFacturaError,))
