from . import connector_vault, connector_alert, connector_backend
