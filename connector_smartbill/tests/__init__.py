from . import test_backend, test_concurrency, test_master_data
from . import test_invoices
