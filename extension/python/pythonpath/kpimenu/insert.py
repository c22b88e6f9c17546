"""KPI ▸ Insert a KPI…: a searchable list of every function in plain words;
the chosen one goes into the sheet with the selected ranges as arguments,
or into Calc's function wizard."""
import unohelper
from com.sun.star.awt import XActionListener, XItemListener, XTextListener

from . import finder
from .ui import dispatch, message, tr

OK, CANCEL, STANDARD = 1, 2, 0  # com.sun.star.awt.PushButtonType
WIZARD = 3                      # our own result: the "Function Wizard…" button


class _Listener(unohelper.Base, XTextListener, XItemListener, XActionListener):
    def __init__(self, dialog):
        self.d = dialog

    def textChanged(self, ev):
        self.d.refill()

    def itemStateChanged(self, ev):
        self.d.show_details()

    def actionPerformed(self, ev):
        # The list's action is a double click: insert it. The wizard button ends
        # the dialog with its own result; Swap only exchanges the arguments.
        if ev.ActionCommand == "swap":
            self.d.swapped = not self.d.swapped
            self.d.show_mapping()
            self.d.dialog.getControl("Search").setFocus()  # Enter inserts, as before the swap
            return
        self.d.result = WIZARD if ev.ActionCommand == "wizard" else OK
        self.d.dialog.endExecute()

    def disposing(self, ev):
        pass


class InsertDialog:
    def __init__(self, ctx, parent_window, lang, entries, selection=None):
        self.ctx, self.lang, self.entries = ctx, lang, entries
        self.selection = selection  # read_selection(): the ranges and their headers
        self.swapped = False
        self.shown = list(entries)
        self.result = None
        smgr = ctx.ServiceManager
        m = smgr.createInstanceWithContext("com.sun.star.awt.UnoControlDialogModel", ctx)
        m.Width, m.Height, m.Title = 390, 282, tr(lang, "insert_title")
        self.model = m
        self._add("SearchLabel", "FixedText", 6, 6, 378, 10, Label=tr(lang, "search_label"))
        self._add("Search", "Edit", 6, 18, 230, 13)
        self._add("Count", "FixedText", 242, 20, 142, 10, Label="", Align=2)
        self._add("List", "ListBox", 6, 36, 160, 186, Dropdown=False, MultiSelection=False)
        self._add("Details", "Edit", 172, 36, 212, 186, MultiLine=True, ReadOnly=True, VScroll=True,
                  AutoVScroll=True)
        # Which selected cells become which argument, before inserting (from the header row when
        # there is one); "Swap" exchanges them.
        self._add("Mapping", "FixedText", 6, 228, 300, 30, Label="", MultiLine=True)
        self._add("Swap", "Button", 312, 228, 72, 14, Label=tr(lang, "swap"), PushButtonType=STANDARD,
                  Enabled=False)
        self._add("Insert", "Button", 172, 262, 66, 14, Label=tr(lang, "insert"), PushButtonType=OK,
                  DefaultButton=True)
        self._add("Wizard", "Button", 242, 262, 78, 14, Label=tr(lang, "wizard"), PushButtonType=STANDARD)
        self._add("Close", "Button", 324, 262, 60, 14, Label=tr(lang, "close"), PushButtonType=CANCEL)
        self.dialog = smgr.createInstanceWithContext("com.sun.star.awt.UnoControlDialog", ctx)
        self.dialog.setModel(m)
        toolkit = smgr.createInstanceWithContext("com.sun.star.awt.Toolkit", ctx)
        self.dialog.createPeer(toolkit, parent_window)
        self._centre(parent_window)
        listener = _Listener(self)
        self.dialog.getControl("Search").addTextListener(listener)
        lst = self.dialog.getControl("List")
        lst.addItemListener(listener)
        lst.addActionListener(listener)
        wiz = self.dialog.getControl("Wizard")
        wiz.setActionCommand("wizard")
        wiz.addActionListener(listener)
        swap = self.dialog.getControl("Swap")
        swap.setActionCommand("swap")
        swap.addActionListener(listener)
        self.refill()

    def _centre(self, parent):
        try:
            p, d = parent.getPosSize(), self.dialog.getPosSize()
            self.dialog.setPosSize(max(0, (p.Width - d.Width) // 2), max(0, (p.Height - d.Height) // 3), 0, 0,
                                   3)  # PosSize.POS: move only
        except Exception:
            pass  # a dialog in the corner still works

    def _add(self, name, kind, x, y, w, h, **kw):
        c = self.model.createInstance(f"com.sun.star.awt.UnoControl{kind}Model")
        c.Name, c.PositionX, c.PositionY, c.Width, c.Height = name, x, y, w, h
        for k, v in kw.items():
            setattr(c, k, v)
        self.model.insertByName(name, c)

    def refill(self):
        query = self.dialog.getControl("Search").getText()
        self.shown = finder.search(self.entries, query)
        lst = self.dialog.getControl("List")
        lst.removeItems(0, lst.getItemCount())
        lst.addItems(tuple(finder.label(e, self.lang) for e in self.shown), 0)
        partial = bool(self.shown) and not finder.exact(self.shown[0], query)
        self.dialog.getControl("Count").setText(
            tr(self.lang, "partial") if partial else tr(self.lang, "count", n=len(self.shown), total=len(self.entries)))
        if self.shown:
            lst.selectItemPos(0, True)
        self.show_details()

    def selected(self):
        pos = self.dialog.getControl("List").getSelectedItemPos()
        return self.shown[pos] if 0 <= pos < len(self.shown) else None

    def show_details(self):
        e = self.selected()
        text = finder.details(e, self.lang) if e else tr(self.lang, "nothing_found")
        self.dialog.getControl("Details").setText(text)
        self.show_mapping()

    def arguments(self):
        """(refs, headers, target) for the selected function, or None."""
        e = self.selected()
        if e is None or self.selection is None:
            return None
        return prepare(e, self.selection, self.swapped)

    def show_mapping(self):
        e, plan = self.selected(), self.arguments()
        refs, heads = (plan[0], plan[1]) if plan else ([], [])
        text = tr(self.lang, "mapping", finder.mapping(e, refs, heads, self.lang)) if refs else ""
        self.dialog.getControl("Mapping").setText(text)
        self.dialog.getControl("Swap").setEnable(len(refs) >= 2)

    def run(self):
        """(entry, wizard?, (refs, headers, target) or None) or (None, False, None) when closed."""
        code = self.dialog.execute()
        result = self.result if self.result is not None else code
        entry = self.selected() if result in (OK, WIZARD) else None
        plan = self.arguments() if entry is not None else None
        self.dialog.dispose()
        return entry, result == WIZARD, plan


def selection_ranges(controller):
    """The selected ranges of the active sheet as (c1, r1, c2, r2), or None
    when the selection is not cells (a shape, a chart)."""
    sel = controller.getSelection()
    if sel is None:
        return None
    if sel.supportsService("com.sun.star.sheet.SheetCellRanges"):
        addrs = sel.getRangeAddresses()
    elif sel.supportsService("com.sun.star.sheet.SheetCellRange"):
        addrs = (sel.getRangeAddress(),)
    else:
        return None
    return [(a.StartColumn, a.StartRow, a.EndColumn, a.EndRow) for a in addrs]


def _text(cell):
    from com.sun.star.table.CellContentType import TEXT
    return cell.getString().strip() if cell.getType() == TEXT else None


def read_selection(doc):
    """The selection as the Insert dialog uses it: {"ranges": [(c1, r1, c2, r2)],
    "headers": one header text (or None) per column of a single range, or
    per range of a Ctrl+click selection}, or None when no cells are selected.
    The header row is the selection's first row when it is all text above
    numbers (A1:B4 with Sent | Opens in row 1; it is then left out of the
    ranges), else the row just above the selection."""
    controller = doc.getCurrentController()
    sheet = controller.getActiveSheet()
    ranges = selection_ranges(controller)
    if ranges is None:
        return None
    if len(ranges) == 1:
        c1, r1, c2, r2 = ranges[0]
        cols = range(c1, min(c2, c1 + 20) + 1)
        first = [_text(sheet.getCellByPosition(c, r1)) for c in cols]
        if r2 > r1 and c2 - c1 < 20 and all(first):
            return {"ranges": [(c1, r1 + 1, c2, r2)], "headers": first}
        above = [_text(sheet.getCellByPosition(c, r1 - 1)) if r1 > 0 else None for c in cols]
        return {"ranges": ranges, "headers": above if c2 - c1 < 20 and any(above) else None}
    above = [_text(sheet.getCellByPosition(r[0], r[1] - 1)) if r[1] > 0 else None for r in ranges]
    return {"ranges": ranges, "headers": above if any(above) else None}


def prepare(entry, selection, swapped=False):
    """(references in argument order, their headers, target cell or None):
    finder.plan's columns put in order by their headers (finder.arrange),
    the first two exchanged when the user asked for it."""
    refs, target = finder.plan(entry, selection["ranges"])
    heads = selection.get("headers")
    if not heads or len(heads) != len(refs) or len(refs) < 2:
        heads = [None] * len(refs)
    refs, heads = finder.arrange(entry, refs, heads)
    if swapped and len(refs) >= 2:
        refs[0], refs[1] = refs[1], refs[0]
        heads[0], heads[1] = heads[1], heads[0]
    return refs, heads, target


def insert(ctx, frame, doc, entry, wizard, plan=None, lang="en"):
    """Writes the formula (see prepare) and selects its cell; gives it the
    function's number format; says when a rate comes out above 100 % where
    the function's domain says it cannot; opens the function wizard on it
    when asked or when a required argument is missing."""
    from com.sun.star.table.CellContentType import EMPTY
    controller = doc.getCurrentController()
    sheet = controller.getActiveSheet()
    selection = read_selection(doc)
    if selection is None:
        return None
    ranges = selection["ranges"]
    refs, heads, target = plan if plan is not None else prepare(entry, selection)
    if target is None:
        col, row = ranges[0][0], ranges[0][1]
    else:
        col, row = target
        if finder.single_row(ranges) and refs and sheet.getCellByPosition(col, row).getType() != EMPTY:
            col, row = ranges[0][0], ranges[0][1] + 1  # the right of the row is filled: below it
        # Never overwrite: the first empty cell from there down.
        while row < 1048575 and sheet.getCellByPosition(col, row).getType() != EMPTY:
            row += 1
    cell = sheet.getCellByPosition(col, row)
    text, complete = finder.formula(entry, refs)
    if cell.getType() == EMPTY or target is None:
        cell.setFormula(text)
        key = finder.number_format(entry, doc.NumberFormats, doc.CharLocale)
        if key is not None:
            cell.NumberFormat = key
    controller.select(cell)
    if wizard or not complete:
        open_wizard(ctx, frame, doc, cell)
    elif refs and cell.getError() == 0 and finder.above_one(entry, cell.getValue()):
        message(ctx, frame, tr(lang, "error_title"), tr(lang, "above_one", fn=entry["name"],
                pct=percent(cell.getValue(), doc), mapping=finder.mapping(entry, refs, heads, lang)))
    return cell.AbsoluteName


def percent(value, doc):
    """405.4 %, with the document's decimal separator."""
    from .report import numbers
    num, _group = numbers(doc)
    return num(round(value * 100, 1)) + "\u00a0%"


def open_wizard(ctx, frame, doc, cell):
    """Calc's Function Wizard on the cell's function, with its arguments' boxes.

    On a cell that holds a formula, the wizard opens with the whole formula
    selected in its Formula box and shows no argument box (LibreOffice 7.4:
    formula/source/ui/dlg/formula.cxx shows a function's arguments when the
    cursor of that box stands inside the call). The cursor is put there, as
    a click would: before the call's closing parenthesis, through
    LibreOffice's own UI automation service (com.sun.star.ui.test.UITest, in
    every build), once the wizard has the focus. Without it the wizard still
    opens, as before."""
    dispatch(ctx, frame, ".uno:FunctionDialog")
    import threading
    # From another thread, as a user's click comes from outside: the wizard is built and takes the
    # focus on Calc's thread once this command has returned (each UNO call takes Calc's lock).
    threading.Thread(target=_cursor_in_wizard, args=(ctx,), daemon=True).start()


def _cursor_in_wizard(ctx, seconds=5.0):
    import time
    try:
        from kpitools.office.session import props
        ui = ctx.ServiceManager.createInstanceWithContext("com.sun.star.ui.test.UITest", ctx)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            time.sleep(0.3)
            top = ui.getTopFocusWindow()
            if top is not None and "ed_formula" in top.getChildren():
                box = top.getChild("ed_formula")
                box.executeAction("TYPE", props(KEYCODE="END"))
                box.executeAction("TYPE", props(KEYCODE="LEFT"))
                return
    except Exception:
        pass  # the wizard is open; only its argument boxes wait for a click
