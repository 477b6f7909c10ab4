from . import test_ledgerly
