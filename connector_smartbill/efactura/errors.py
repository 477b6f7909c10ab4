"""What the e-Factura layer refuses, and the limits it reads within (no Odoo import)."""

MAX_BYTES = 20 * 1024 * 1024  # of an XML
MAX_ZIP_BYTES = 100 * 1024 * 1024  # inflated, of all the members of a zip
MAX_MEMBERS = 2000


class EFacturaError(ValueError):
    """The file is not a readable e-Factura invoice; the message says why and where."""

    retryable = False  # the same file gives the same error


class AnafRefusalError(EFacturaError):
    """ANAF's error file for an invoice it refused: ``index`` (ANAF's upload index) and
    ``errors`` (ANAF's messages) say which and why."""

    def __init__(self, index, errors):
        self.index = index
        self.errors = errors
        super().__init__(f"ANAF refused the invoice uploaded as {index}: {'; '.join(errors)}")


class SourceError(EFacturaError):
    """A source of documents (ANAF's SPV, a web folder) failed or refused; ``retryable``
    when trying later can help."""

    def __init__(self, message, retryable=False):
        super().__init__(message)
        self.retryable = retryable
