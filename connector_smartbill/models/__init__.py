from . import smartbill_backend
from . import smartbill_binding
from . import smartbill_tax_map
from . import smartbill_uom_map
from . import res_partner
from . import product_product
from . import smartbill_workpoint
from . import smartbill_series
