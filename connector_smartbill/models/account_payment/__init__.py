from . import common, payment_status, backend
