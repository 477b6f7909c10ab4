# The plain-Python layers (api/, efactura/) are importable without Odoo as
# ``connector_smartbill.api``; the Odoo parts load only when Odoo loads the addon.
if __name__.startswith("odoo.addons."):
    from . import components, models, wizards
