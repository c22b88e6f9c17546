"""KPI ▸ Insert a KPI…: a searchable list of every function in plain words;
the chosen one goes into the sheet with the selected ranges as arguments,
or into Calc's function wizard."""
import unohelper
from com.sun.star.awt import XActionListener, XItemListener, XTextListener

from . import finder
from .ui import dispatch, tr

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
        # the dialog with its own result.
        self.d.result = WIZARD if ev.ActionCommand == "wizard" else OK
        self.d.dialog.endExecute()

    def disposing(self, ev):
        pass


class InsertDialog:
    def __init__(self, ctx, parent_window, lang, entries):
        self.ctx, self.lang, self.entries = ctx, lang, entries
        self.shown = list(entries)
        self.result = None
        smgr = ctx.ServiceManager
        m = smgr.createInstanceWithContext("com.sun.star.awt.UnoControlDialogModel", ctx)
        m.Width, m.Height, m.Title = 390, 250, tr(lang, "insert_title")
        self.model = m
        self._add("SearchLabel", "FixedText", 6, 6, 378, 10, Label=tr(lang, "search_label"))
        self._add("Search", "Edit", 6, 18, 230, 13)
        self._add("Count", "FixedText", 242, 20, 142, 10, Label="", Align=2)
        self._add("List", "ListBox", 6, 36, 160, 186, Dropdown=False, MultiSelection=False)
        self._add("Details", "Edit", 172, 36, 212, 186, MultiLine=True, ReadOnly=True, VScroll=True,
                  AutoVScroll=True)
        self._add("Insert", "Button", 172, 230, 66, 14, Label=tr(lang, "insert"), PushButtonType=OK,
                  DefaultButton=True)
        self._add("Wizard", "Button", 242, 230, 78, 14, Label=tr(lang, "wizard"), PushButtonType=STANDARD)
        self._add("Close", "Button", 324, 230, 60, 14, Label=tr(lang, "close"), PushButtonType=CANCEL)
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

    def run(self):
        """(entry, wizard?) or (None, False) when closed."""
        code = self.dialog.execute()
        result = self.result if self.result is not None else code
        entry = self.selected() if result in (OK, WIZARD) else None
        self.dialog.dispose()
        return entry, result == WIZARD


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


def insert(ctx, frame, doc, entry, wizard):
    """Writes the formula (see finder.plan) and selects its cell; opens the
    function wizard on it when asked or when a required argument is missing."""
    from com.sun.star.table.CellContentType import EMPTY
    controller = doc.getCurrentController()
    sheet = controller.getActiveSheet()
    ranges = selection_ranges(controller)
    if ranges is None:
        return None
    refs, target = finder.plan(entry, ranges)
    if target is None:
        col, row = ranges[0][0], ranges[0][1]
    else:
        col, row = target
        # Never overwrite: the first empty cell from there down.
        while row < 1048575 and sheet.getCellByPosition(col, row).getType() != EMPTY:
            row += 1
    cell = sheet.getCellByPosition(col, row)
    text, complete = finder.formula(entry, refs)
    if cell.getType() == EMPTY or target is None:
        cell.setFormula(text)
    controller.select(cell)
    if wizard or not complete:
        dispatch(ctx, frame, ".uno:FunctionDialog")
    return cell.AbsoluteName
