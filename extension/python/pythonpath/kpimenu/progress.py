"""A progress window with a Cancel button for the menu's long commands
(issue 27, item 4): the portable copy and the audit.

The menu's commands run on Calc's own thread: while one works, the window
cannot repaint and no click is seen. A long portable copy froze Calc for
minutes, and the user's only way out was to kill LibreOffice and lose
unsaved work. The work now calls this object every few cells; at most ten
times a second it updates the bar and lets LibreOffice handle its pending
events (XToolkitExperimental.processEventsToIdle), so the window repaints
and the Cancel button answers. A click, or the time limit, raises Stopped
from inside the work, which then discards the copy: the open document is
never touched by the command, so stopping loses nothing.
"""
import time

import unohelper
from com.sun.star.awt import XActionListener

TEXT = {
    "en": {"title": "Save a portable copy", "copy": "Copying the workbook…", "plan": "Reading the KPI formulas…",
           "write": "Writing the native formulas…", "save": "Saving the copy…", "cancel": "Cancel",
           "cancelled": "cancelled: no copy was written",
           "busy": "Another KPI command is still working: wait for it to finish, or cancel it.",
           "timeout": "stopped after {s:.0f} s (the limit): no copy was written. kpi-portable, the command line, "
                      "has no such limit (--timeout)",
           # KPI ▸ Audit this workbook (kind "audit")
           "audit_title": "KPI audit", "audit_read": "Reading the workbook…", "audit_rules": "Checking the KPI cells…",
           "audit_cancelled": "cancelled: the workbook is unchanged",
           "audit_timeout": "stopped after {s:.0f} s (the limit): the workbook is unchanged. kpi-audit, the command "
                            "line, audits large workbooks (--timeout)"},
    "fr": {"title": "Enregistrer une copie portable", "copy": "Copie du classeur…", "plan": "Lecture des formules KPI…",
           "write": "Écriture des formules natives…", "save": "Enregistrement de la copie…", "cancel": "Annuler",
           "cancelled": "annulé : aucune copie n'a été écrite",
           "busy": "Une autre commande KPI est en cours : attendez qu'elle se termine, ou annulez-la.",
           "timeout": "arrêté après {s:.0f} s (la limite) : aucune copie n'a été écrite. kpi-portable, en ligne "
                      "de commande, n'a pas cette limite (--timeout)",
           "audit_title": "Audit KPI", "audit_read": "Lecture du classeur…", "audit_rules": "Contrôle des cellules KPI…",
           "audit_cancelled": "annulé : le classeur n'a pas été modifié",
           "audit_timeout": "arrêté après {s:.0f} s (la limite) : le classeur n'a pas été modifié. kpi-audit, en "
                            "ligne de commande, audite les grands classeurs (--timeout)"},
}


_OPEN = []  # the Progress objects at work (one at most: see progress_open)


def progress_open():
    """Whether a command is at work behind a progress window."""
    return bool(_OPEN)


def busy_text(lang):
    return TEXT.get(lang, TEXT["en"])["busy"]


class Stopped(Exception):
    """The user cancelled, or the time limit passed: str() says which."""


class _Click(unohelper.Base, XActionListener):
    def __init__(self, owner):
        self.owner = owner

    def actionPerformed(self, event):
        self.owner.cancelled = True

    def disposing(self, event):
        pass


class Progress:
    """progress = Progress(ctx, parent, lang, limit_s); progress(stage, done,
    total) from the work; progress.close() at the end. Without a parent
    window (a test's hidden document) there is no window, only the limit."""

    TICK = 0.1  # seconds between two updates: the events handled, the bar moved

    def __init__(self, ctx, parent, lang, limit_s, cancel_after=None, kind="portable"):
        text = TEXT.get(lang, TEXT["en"])
        # kind "audit": the audit's words (its keys without their "audit_").
        self.text = dict(text, **{k[6:]: v for k, v in text.items() if k.startswith("audit_")}) \
            if kind == "audit" else text
        self.first = "read" if kind == "audit" else "copy"  # the first stage's words
        self.limit = limit_s
        self.start = self.last = time.monotonic()
        self.cancelled = False
        # cancel_after: a click simulated after that many seconds (a macro's
        # or a test's way to press Cancel without a pointer).
        self.cancel_after = cancel_after
        self.dialog = self.toolkit = None
        _OPEN.append(self)
        try:
            self._open(ctx, parent)
        except Exception:
            self.dialog = None  # no window: the limit still holds

    def _open(self, ctx, parent):
        if parent is None or not parent.isVisible():  # XWindow2: a hidden document shows no window
            return
        smgr = ctx.ServiceManager
        model = smgr.createInstanceWithContext("com.sun.star.awt.UnoControlDialogModel", ctx)
        model.Width, model.Height, model.Title = 200, 56, self.text["title"]
        label = model.createInstance("com.sun.star.awt.UnoControlFixedTextModel")
        label.PositionX, label.PositionY, label.Width, label.Height = 8, 6, 184, 10
        label.Label = self.text[self.first]
        model.insertByName("label", label)
        bar = model.createInstance("com.sun.star.awt.UnoControlProgressBarModel")
        bar.PositionX, bar.PositionY, bar.Width, bar.Height = 8, 20, 184, 10
        bar.ProgressValueMin, bar.ProgressValueMax = 0, 1000
        model.insertByName("bar", bar)
        button = model.createInstance("com.sun.star.awt.UnoControlButtonModel")
        button.PositionX, button.PositionY, button.Width, button.Height = 142, 36, 50, 14
        button.Label = self.text["cancel"]
        model.insertByName("cancel", button)
        dialog = smgr.createInstanceWithContext("com.sun.star.awt.UnoControlDialog", ctx)
        dialog.setModel(model)
        dialog.getControl("cancel").addActionListener(_Click(self))
        self.toolkit = smgr.createInstanceWithContext("com.sun.star.awt.Toolkit", ctx)
        dialog.createPeer(self.toolkit, parent)
        # Centred over the document's window (a peer starts at its parent's corner).
        from com.sun.star.awt.PosSize import POS
        outer, own = parent.getPosSize(), dialog.getPosSize()
        dialog.setPosSize(max(0, (outer.Width - own.Width) // 2), max(0, (outer.Height - own.Height) // 3), 0, 0, POS)
        dialog.setVisible(True)
        self.dialog, self.model = dialog, model
        self._events()

    def _events(self):
        try:
            self.toolkit.processEventsToIdle()  # XToolkitExperimental (LibreOffice 5.2 and later)
        except Exception:
            pass

    def __call__(self, stage, done=0, total=0):
        now = time.monotonic()
        if now - self.last >= self.TICK or stage == "save":
            self.last = now
            if self.dialog is not None:
                self.model.getByName("label").Label = self.text.get(stage, "")
                self.model.getByName("bar").ProgressValue = int(1000 * done / total) if total else 0
                self._events()
        # Asked at every call (a clock read): a short command is stopped too.
        if self.cancel_after is not None and now - self.start >= self.cancel_after:
            self.cancelled = True
        if self.cancelled:
            raise Stopped(self.text["cancelled"])
        if now - self.start > self.limit:
            raise Stopped(self.text["timeout"].format(s=self.limit))

    def close(self):
        if self in _OPEN:
            _OPEN.remove(self)
        if self.dialog is not None:
            try:
                self.dialog.setVisible(False)
                self.dialog.dispose()
            except Exception:
                pass
            self.dialog = None
