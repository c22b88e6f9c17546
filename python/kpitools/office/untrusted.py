"""A workbook from outside, opened in LibreOffice without reaching outside
(issues 18 and 27). kpi-audit, kpi-portable and the KPI menu's Save a
portable copy all open a user's file this one way:

1. its copy is written by the bounded, streaming pass over the file
   (kpitools.audit.readers: Reading for kpi-audit, which keeps the values
   stored in the file, neutral_copy for the others), without any link to
   the outside: linked images and OLE objects, linked sheets,
   the files external references name. LibreOffice fetches linked images
   and objects on load whatever UpdateDocMode says, so the copy must not
   have them;
2. the soffice kpi-audit and kpi-portable start has a profile that blocks
   linked images besides (watchdog.Session(block_links=True)); the menu runs
   in the user's own soffice, where step 1 is what keeps the copy quiet;
3. open_copy loads that copy hidden, macros never run, links never
   updated (WEBSERVICE, DDE and references to other files read on load are
   not fetched), and every question (a password, a repair) answered Abort.

What a command then writes into the document is its own business: see
kpitools.portable.fetch for the formulas kpi-portable sets.
"""
from kpitools.office.watchdog import AbortHandler

NEVER_EXECUTE = 0  # com.sun.star.document.MacroExecMode.NEVER_EXECUTE
NO_UPDATE = 0      # com.sun.star.document.UpdateDocMode.NO_UPDATE


class OpenFailed(Exception):
    """The copy could not be opened; the message is one line for the user."""


def open_copy(desktop, copy, filter_name, read_only=True, original=None):
    """The document loaded from copy (written by step 1), or OpenFailed.
    original: the user's file, whose bytes tell an encrypted workbook
    (kpitools.audit.readers.looks_encrypted). read_only: kpi-audit's copy
    is read only; kpi-portable's is changed (setFormulaArray needs it
    writable)."""
    from com.sun.star.io import IOException
    from com.sun.star.lang import IllegalArgumentException
    from kpitools.audit.readers import looks_encrypted
    from kpitools.office.session import file_url, props
    handler = AbortHandler.make()
    detail = ""
    try:
        doc = desktop.loadComponentFromURL(
            file_url(copy), "_blank", 0,
            props(Hidden=True, ReadOnly=read_only, FilterName=filter_name, InteractionHandler=handler,
                  MacroExecutionMode=NEVER_EXECUTE, UpdateDocMode=NO_UPDATE))
    except (IllegalArgumentException, IOException) as e:
        doc, detail = None, f": {type(e).__name__}: {e.Message or 'no detail'}"
    if doc is None:
        if handler.asked or looks_encrypted(original or copy):
            raise OpenFailed("password-protected or damaged (LibreOffice asked for a password or a repair)")
        raise OpenFailed(f"LibreOffice could not load it (damaged, or not a spreadsheet{detail})")
    if not doc.supportsService("com.sun.star.sheet.SpreadsheetDocument"):
        doc.close(True)
        raise OpenFailed("not a spreadsheet")
    return doc
