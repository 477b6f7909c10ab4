from . import test_connect, test_tokens, test_sync
