from . import connector_vault, connector_alert
