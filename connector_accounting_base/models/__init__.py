from . import (
    connector_vault,
    connector_alert,
    connector_backend,
    queue_job,
    connector_sync_run,
    connector_binding,
    connector_reconciliation,
    connector_webhook_event,
    connector_checkpoint,
    connector_polling,
    connector_oauth,
    ir_http,
)
