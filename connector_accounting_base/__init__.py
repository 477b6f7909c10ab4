# The plain-Python layer (api/) is importable without Odoo as
# ``connector_accounting_base.api``; the Odoo parts load only when Odoo loads the addon.
if __name__.startswith("odoo.addons."):
    from . import components, controllers, models
