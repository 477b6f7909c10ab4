from . import test_backend, test_concurrency, test_master_data
from . import test_invoices
from . import test_operations
from . import test_dashboard_tour
from . import test_real_documents
from . import test_hostile_uploads
from . import test_security
from . import test_reconciliation, test_alerts
