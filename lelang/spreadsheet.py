"""Spreadsheets the app writes and reads, made safe for the people who open them.

Writing: a text that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is what spreadsheet programs take for a formula ("formula injection": a
program name ``=HYPERLINK("http://…")`` would become a live link in the reader's
Excel). :func:`protect_workbook` keeps every such text a text, byte for byte, in a
workbook written with openpyxl; :func:`csv_text` does the same for a CSV cell, where
there is no cell type and the accepted remedy is a leading apostrophe.

Reading: an .xlsx file is a zip archive, and a few hundred kilobytes can unpack to
gigabytes (a "zip bomb"). :func:`check_archive` looks at the archive's directory
before openpyxl opens it. Python's ``zipfile`` never returns more bytes than a
member's declared size, so the declared sizes it checks are real limits. Size alone
is not enough: openpyxl keeps the whole shared-string table and the whole style sheet
in memory, at 10–15 times their size for tiny entries, so every part other than the
sheets and the shared strings has a small limit of its own, and the shared strings
are counted (a streaming pass over the unpacked bytes, within the size limit).
"""

import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from lelang.numbers import format_number

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def protect_workbook(workbook) -> int:
    """Make every text cell of ``workbook`` that a spreadsheet would read as a formula
    a plain text (stored as a string and marked with Excel's "quote prefix", so editing
    the cell keeps it text). Returns how many cells were protected."""
    protected = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if looks_like_formula(cell.value):
                    cell.data_type = "s"  # openpyxl made "=…" a formula when it was set
                    cell.quotePrefix = True
                    protected += 1
    return protected


def csv_text(value):
    """A value for a CSV cell: a text that would start a formula gets a leading "'"."""
    return f"'{value}" if looks_like_formula(value) else value


@dataclass(frozen=True)
class ArchiveLimits:
    total_bytes: int  # all members together, unpacked
    ratio: int  # unpacked size / packed size, per member and in total
    members: int
    part_bytes: int  # any member other than a sheet or the shared strings, unpacked
    shared_strings: int  # "<si>" entries in the sheets and shared strings together


# Members that may be large: the sheets and the shared-string table (by their usual
# names; a part named otherwise is held to ``part_bytes``).
_DATA_PART = re.compile(r"(?:.*/)?(?:worksheets/[^/]+|sharedStrings)\.xml", re.IGNORECASE)
_SHARED_STRING = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s>/]")


class UnsafeArchive(Exception):
    """The archive would unpack to more than the limits allow; ``message`` says so."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def check_archive(fileobj, limits: ArchiveLimits) -> None:
    """Refuse (``UnsafeArchive``) a zip archive that unpacks beyond ``limits``.

    A file that is not a zip archive at all passes: the reader that follows says it
    cannot read it. ``fileobj`` is rewound.
    """
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            members = archive.infolist()
            _check_sizes(members, limits)
            count = _count_shared_strings(archive, members, limits.shared_strings)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return  # not a (readable) zip archive: openpyxl will say so
    finally:
        fileobj.seek(0)
    if count > limits.shared_strings:
        raise UnsafeArchive(
            _(
                "The file holds more than %(max)s different texts; a data room's workbook "
                "has far fewer. Remove the sheets that are not part of the template."
            )
            % {"max": format_number(limits.shared_strings)}
        )


def _count_shared_strings(archive: zipfile.ZipFile, members, stop_after: int) -> int:
    """Shared-string entries in the data parts, counted while unpacking in chunks."""
    count = 0
    for member in members:
        if not _DATA_PART.fullmatch(member.filename):
            continue
        with archive.open(member) as stream:
            tail = b""
            while chunk := stream.read(1024 * 1024):
                window = tail + chunk
                count += len(_SHARED_STRING.findall(window))
                # Keep the end of the chunk for a tag cut in two, without counting it twice.
                cut = max(window.rfind(b"<"), len(window) - 32)
                count -= len(_SHARED_STRING.findall(window[cut:]))
                tail = window[cut:]
                if count > stop_after:
                    return count
            count += len(_SHARED_STRING.findall(tail))
    return count


def _check_sizes(members, limits: ArchiveLimits) -> None:
    if len(members) > limits.members:
        raise UnsafeArchive(
            _("The file holds %(count)s parts; a workbook of this kind has at most %(max)s.")
            % {"count": len(members), "max": limits.members}
        )
    unpacked = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members)
    too_compressed = any(
        member.file_size > limits.ratio * max(member.compress_size, 1) for member in members
    )
    if unpacked > limits.total_bytes or too_compressed or unpacked > limits.ratio * max(packed, 1):
        raise UnsafeArchive(
            _(
                "The file unpacks to %(size)s MB, or is packed far more tightly than a "
                "workbook is; it is refused so that it cannot overload the server. A data "
                "room's workbook unpacks to at most %(max)s MB."
            )
            % {"size": _megabytes(unpacked), "max": _megabytes(limits.total_bytes)}
        )
    for member in members:
        if member.file_size > limits.part_bytes and not _DATA_PART.fullmatch(member.filename):
            raise UnsafeArchive(
                _(
                    "The part “%(part)s” of the file unpacks to %(size)s MB; in a workbook "
                    "it takes at most %(max)s MB. Save the workbook again from the template."
                )
                % {
                    "part": member.filename[:80],
                    "size": _megabytes(member.file_size),
                    "max": _megabytes(limits.part_bytes),
                }
            )


def _megabytes(size: int) -> str:
    return format_number(Decimal(size) / 1024 / 1024, 1)
