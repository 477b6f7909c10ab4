"""The shared connector base's plain-Python layer under the name it has where this one is
loaded (see ``connector_smartbill/api/base.py``): one name per process, so that an error
class raised by the base is the one caught here."""

if __name__.startswith("odoo.addons."):
    from odoo.addons.connector_accounting_base.api import client, errors, http, limiter, oauth
else:
    from connector_accounting_base.api import client, errors, http, limiter, oauth

__all__ = ["client", "errors", "http", "limiter", "oauth"]
