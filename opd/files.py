"""Evidence files: which kinds may be uploaded, and the names they are kept under.

The kind of a file is read from its content (``filetype``), never from its name, and
the stored file and the name it is downloaded under carry the extension of that kind:
a PNG uploaded as ``laporan.pdf`` is kept and served as ``laporan.png``, so the
browser and the reader's computer open it for what it is. (Refusing it instead would
make a clerk rename a scan they see nothing wrong with.) Names lose the characters
that can disguise them: right-to-left overrides (``gnp.exe`` shown as ``exe.png``),
zero-width and other invisible format characters, and control characters.
"""

import unicodedata

import filetype

# Content type -> (what people call it, the extension it is stored with, other
# extensions that mean the same kind).
ALLOWED = {
    "application/pdf": ("PDF", "pdf", ()),
    "image/jpeg": ("JPG", "jpg", ("jpeg", "jpe", "jfif")),
    "image/png": ("PNG", "png", ()),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("XLSX", "xlsx", ()),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (
        "DOCX",
        "docx",
        (),
    ),
}
MAX_NAME_LENGTH = 255  # Attachment.original_name
FALLBACK_STEM = "berkas"
# Unicode categories dropped from names and single-line texts: control characters
# (Cc), format characters (Cf: bidi overrides and isolates, zero-width spaces and
# joiners, the byte-order mark, soft hyphens), line and paragraph separators, and
# private-use or unassigned code points.
_INVISIBLE = {"Cc", "Cf", "Zl", "Zp", "Co", "Cn", "Cs"}


def kinds_text() -> str:
    """The allowed kinds for a message: "PDF, JPG, PNG, XLSX, DOCX"."""
    return ", ".join(label for label, _ext, _aliases in ALLOWED.values())


def detect_content_type(upload) -> str | None:
    """The content type found in the file's bytes (None when unknown); rewinds it."""
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None:
        return None
    if kind.mime == "application/zip":
        # Office files are zip archives; look deeper for their inner structure.
        kind = filetype.guess(upload.read())
        upload.seek(0)
    return kind.mime if kind else None


def clean_text(text: str, *, multiline: bool = False) -> str:
    """``text`` without invisible and control characters, in composed (NFC) form.

    Line breaks and tabs stay in a ``multiline`` text; elsewhere they become spaces.
    """
    text = unicodedata.normalize("NFC", str(text))
    kept = []
    for ch in text:
        if multiline and ch in "\n\t":
            kept.append(ch)
        elif ch in "\t\n\r\u2028\u2029":
            kept.append(" ")
        elif unicodedata.category(ch) not in _INVISIBLE:
            kept.append(ch)
    return "".join(kept)


def extension_for(content_type: str) -> str:
    return ALLOWED[content_type][1] if content_type in ALLOWED else "bin"


def stored_name(original: str, content_type: str) -> str:
    """The name a file is kept and downloaded under: ``original`` cleaned (see the
    module doc), its extension that of the detected ``content_type``."""
    name = " ".join(clean_text(original).replace("/", " ").replace("\\", " ").split())
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    wanted = extension_for(content_type)
    _label, _ext, aliases = ALLOWED.get(content_type, ("", wanted, ()))
    given = ext.casefold()
    if given == wanted or given in aliases:
        wanted = ext  # "Foto.JPEG" stays as it is
    elif not (given.isascii() and given.isalpha() and len(given) <= 5):
        stem = name  # "Laporan v1.2": the dot is part of the name, not an extension
    # No hidden files and no "..": the name is a label only, but it is saved on PCs.
    stem = stem.strip(". ") or FALLBACK_STEM
    stem = stem[: MAX_NAME_LENGTH - len(wanted) - 1].rstrip(". ") or FALLBACK_STEM
    return f"{stem}.{wanted}"
