from . import common, oauth
