from . import smartbill_backend
