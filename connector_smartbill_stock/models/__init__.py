from . import smartbill_stock_level
