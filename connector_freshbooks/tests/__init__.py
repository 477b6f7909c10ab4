from . import (
    test_connect,
    test_tokens,
    test_sync,
    test_exact,
    test_payments,
    test_webhooks,
    test_hostile,
    test_tour,
)
