"""The XML files of an upload or a download: the file itself, or the invoice XMLs of a
zip, read under budgets whatever the zip's headers claim (no Odoo import)."""

import io
import zipfile
import zlib

from .errors import MAX_BYTES, MAX_MEMBERS, MAX_ZIP_BYTES, EFacturaError


def read_files(content, filename):
    """The XML files in an upload: the file itself, or the invoice XMLs of a zip as SPV
    and SmartBill serve them (ANAF's ``semnatura_*`` signature files are skipped; a zip
    in the zip is read one level deep). Yields ``(name, bytes)``; a member's name is its
    file name, or its path in the zip when two members share a file name.

    Every byte is counted as it is inflated, whatever the zip's headers claim: at most
    :data:`MAX_BYTES` per member and :data:`MAX_ZIP_BYTES` per archive, at most
    :data:`MAX_MEMBERS` members. A bad, encrypted or truncated zip, or one without an
    invoice, is an :class:`EFacturaError` naming the file."""
    if len(content) > MAX_BYTES and not filename.lower().endswith(".zip"):
        raise EFacturaError(f"{filename} is too large ({len(content)} bytes, at most {MAX_BYTES})")
    if not filename.lower().endswith(".zip"):
        yield filename, content
        return
    found = list(_zip_members(content, filename, nested=True))
    if not found:
        raise EFacturaError(f"{filename} holds no invoice XML")
    counts = {}
    for path, _xml in found:
        base = path.rsplit("/", 1)[-1]
        counts[base] = counts.get(base, 0) + 1
    for path, xml in found:
        base = path.rsplit("/", 1)[-1]
        yield (base if counts[base] == 1 else path), xml


def _zip_members(content, filename, nested):
    """``(path, bytes)`` of the invoice XMLs of the zip ``content``."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise EFacturaError(f"{filename} is not a readable zip file") from None
    if len(infos) > MAX_MEMBERS:
        raise EFacturaError(f"{filename} has {len(infos)} members (at most {MAX_MEMBERS})")
    budget = MAX_ZIP_BYTES
    with archive:
        for info in infos:
            path = "/".join(p for p in info.filename.split("/") if p not in ("", ".", ".."))
            base = path.rsplit("/", 1)[-1].lower()
            if info.is_dir() or base.startswith("semnatura"):
                continue
            if base.endswith(".zip") and nested:
                inner = _inflate(archive, info, f"{filename}/{path}", min(budget, MAX_ZIP_BYTES))
                budget -= len(inner)
                for inner_path, xml in _zip_members(inner, f"{filename}/{path}", nested=False):
                    yield f"{path}/{inner_path}", xml
            elif base.endswith(".zip"):
                raise EFacturaError(f"{filename}/{path}: a zip in a zip in a zip is refused")
            elif base.endswith(".xml"):
                xml = _inflate(archive, info, f"{filename}/{path}", budget)
                budget -= len(xml)
                yield path, xml


def _inflate(archive, info, where, budget):
    """The bytes of member ``info``, counted as they are inflated: at most
    :data:`MAX_BYTES` and ``budget``, whatever the header says."""
    limit = min(MAX_BYTES, budget)
    chunks, size = [], 0
    try:
        with archive.open(info) as member:
            while chunk := member.read(64 * 1024):
                size += len(chunk)
                if size > limit:
                    raise EFacturaError(
                        f"{where} inflates to more than {limit} bytes: refused"
                        if limit == MAX_BYTES
                        else f"{where}: the zip inflates to more than {MAX_ZIP_BYTES} bytes"
                    )
                chunks.append(chunk)
    except EFacturaError:
        raise
    except RuntimeError as err:  # encrypted
        raise EFacturaError(f"{where}: {err}") from None
    except NotImplementedError:
        raise EFacturaError(f"{where}: compression method not supported") from None
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as err:
        raise EFacturaError(f"{where} is damaged: {err}") from None
    return b"".join(chunks)
