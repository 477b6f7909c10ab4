"""The shared connector base's plain-Python layer under the name it has where this one is
loaded: ``odoo.addons.connector_accounting_base.api`` inside Odoo, the checkout's
``connector_accounting_base.api`` for the plain-Python tests. One name per process, so
that an error class raised by the base is the one caught here."""

if __name__.startswith("odoo.addons."):
    from odoo.addons.connector_accounting_base.api import client, errors, http, limiter
else:
    from connector_accounting_base.api import client, errors, http, limiter

__all__ = ["client", "errors", "http", "limiter"]
