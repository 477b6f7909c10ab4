from . import test_connect, test_tokens, test_sync, test_webhooks
