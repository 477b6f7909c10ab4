from . import common, oauth, health
