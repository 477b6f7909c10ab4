from . import upload
from . import payment_report
