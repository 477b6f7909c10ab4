from . import freshbooks_backend
