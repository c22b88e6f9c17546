"""What a rewritten formula must never hold: a call that reaches outside the
workbook when it is computed (issue 27).

kpi-portable sets each rewritten formula as new text, and a new formula
escapes the check LibreOffice makes on a document's own links when it
loads it (UpdateDocMode, the "update links?" question): measured in
LibreOffice 7.4, a new =WEBSERVICE("http://…") is fetched as soon as it is
set in a document whose file held no such call, and so are DDE, INDIRECT of
"'http://host/book.ods'#$Sheet1.A1" and a reference to another file. Excel
and Gnumeric fetch the same calls where their own link settings allow. A
KPI formula holding one of these keeps its value, with the comment, as the
calls without a native formula do. Decided on Calc's own tokens of the
cell, not on its text:

- WEBSERVICE, DDE, and INDIRECT (its text may name another file or a URL,
  known only once computed). FILTERXML fetches nothing by itself: over
  WEBSERVICE it is caught by WEBSERVICE;
- a reference to another file ('file:///…'#$Sheet1.A1, 'http://…'#…);
- a call of a macro (Basic code may do anything);
- a named expression holding any of these (names are followed);
- a name LibreOffice does not know: printed back and parsed again it may
  become a function that fetches. =webservice("http://…") in an .xlsx
  (whose own spelling is _xlfn.WEBSERVICE) reads #NAME?, and WEBSERVICE
  once set again as text.
HYPERLINK stays: it fetches nothing when computed, only when clicked.
"""

FETCHING = ("WEBSERVICE", "DDE", "INDIRECT")
EXTERNAL_REFERENCE = "com.sun.star.sheet.ExternalReference"


class Fetching:
    """why(tokens): None, or why a formula made of these tokens must not be
    rewritten."""

    def __init__(self, doc, mapper):
        from com.sun.star.sheet.FormulaLanguage import API
        from com.sun.star.sheet.FormulaMapGroup import SPECIAL
        from com.sun.star.sheet.FormulaMapGroupSpecialOffset import BAD, MACRO, NAME, NO_NAME
        special = mapper.getAvailableMappings(API, SPECIAL)
        self.name_op = special[NAME].Token.OpCode
        self.macro_op = special[MACRO].Token.OpCode
        self.unknown_ops = {special[BAD].Token.OpCode, special[NO_NAME].Token.OpCode}
        self.fetching_ops = {t.OpCode: name for name, t in zip(FETCHING, mapper.getMappings(FETCHING, API))
                             if t.OpCode >= 0}
        self.doc = doc
        self.names = None   # {(sheet or -1, index): (name, tokens)}, read when a formula first uses one
        self.verdicts = {}  # (sheet or -1, index) -> why, or None

    def why(self, tokens, in_name=False):
        for t in tokens:
            op = t.OpCode
            if op in self.fetching_ops:
                return f"it calls {self.fetching_ops[op]}, which fetches from the network or other files"
            if getattr(t.Data, "typeName", None) == EXTERNAL_REFERENCE:
                return "it refers to another file, which a new formula would fetch"
            if op == self.macro_op:
                return f"it calls the macro {t.Data}"
            if op in self.unknown_ops and not in_name:
                # A named expression's own text is never printed again: only
                # the cell's is.
                return (f"it holds a name LibreOffice does not know ({t.Data}): set again as text, it could "
                        "become a function that fetches")
            if op == self.name_op:
                why = self._name(t.Data)
                if why:
                    return why
        return None

    def _name(self, ref):
        key = (ref.Sheet, ref.Index)
        if key not in self.verdicts:
            self.verdicts[key] = None  # a name that refers back to itself adds nothing more
            name, tokens = self._read_names().get(key, (None, None))
            if tokens is None:
                why = "it uses a named expression that could not be read"
            else:
                why = self.why(tokens, in_name=True)
                why = why and f"{why} (through the named expression {name})"
            self.verdicts[key] = why
        return self.verdicts[key]

    def _read_names(self):
        if self.names is None:
            self.names = {}
            scopes = [(-1, self.doc.NamedRanges)]
            sheets = self.doc.Sheets
            scopes += [(i, sheets.getByIndex(i).NamedRanges) for i in range(sheets.getCount())]
            for scope, ranges in scopes:
                for name in ranges.ElementNames:
                    r = ranges.getByName(name)
                    self.names[(scope, r.TokenIndex)] = (name, r.getTokens())
        return self.names
