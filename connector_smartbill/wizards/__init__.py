from . import upload
from . import payment_report
from . import resync
