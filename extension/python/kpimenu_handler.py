"""The KPI menu's protocol handler: a Python UNO component in the .oxt.

LibreOffice asks it for every dispatch URL of the protocol "org.kpifunctions:"
(ProtocolHandler.xcu): the menu items of Addons.xcu, a key binding, a toolbar
button, a macro, a test, and hyperlinks in cells: Calc hands a Ctrl+clicked
link whose address matches a registered protocol handler to the frame's
dispatch (measured with LibreOffice 7.4.7), so the templates' About sheets link
to org.kpifunctions:reference?fn=KPI.CPL. A command may carry arguments after
"?" (name=value pairs, URL-encoded). The commands themselves are in pythonpath/kpimenu
(LibreOffice puts the pythonpath folder next to a Python component on
sys.path). Runs in LibreOffice's own Python (bundled on Windows and macOS;
Debian's python3-uno).
"""
import unohelper
from com.sun.star.frame import XDispatch, XDispatchProvider, XNotifyingDispatch
from com.sun.star.frame.DispatchResultState import FAILURE, SUCCESS
from com.sun.star.lang import XInitialization, XServiceInfo

PROTOCOL = "org.kpifunctions:"
IMPLEMENTATION = "org.kpifunctions.calc.MenuHandler"
SERVICES = ("com.sun.star.frame.ProtocolHandler",)


class MenuHandler(unohelper.Base, XInitialization, XDispatchProvider, XNotifyingDispatch, XDispatch,
                  XServiceInfo):
    def __init__(self, ctx, *args):
        self.ctx = ctx
        self.frame = None

    # XInitialization: the frame the handler serves.
    def initialize(self, args):
        if args:
            self.frame = args[0]

    # XDispatchProvider
    def queryDispatch(self, url, target, flags):
        if url.Protocol == PROTOCOL and self._name(url) in _commands():
            return self
        return None

    def queryDispatches(self, requests):
        return tuple(self.queryDispatch(r.FeatureURL, r.FrameName, r.SearchFlags) for r in requests)

    # XDispatch / XNotifyingDispatch
    def dispatch(self, url, args):
        self._run(url, args)

    def dispatchWithNotification(self, url, args, listener):
        ok, text = self._run(url, args)
        if listener is not None:
            from com.sun.star.frame import DispatchResultEvent
            ev = DispatchResultEvent()
            ev.Source, ev.State, ev.Result = self, SUCCESS if ok else FAILURE, text
            listener.dispatchFinished(ev)

    def addStatusListener(self, listener, url):
        pass  # every command is always enabled

    def removeStatusListener(self, listener, url):
        pass

    # XServiceInfo
    def getImplementationName(self):
        return IMPLEMENTATION

    def supportsService(self, name):
        return name in SERVICES

    def getSupportedServiceNames(self):
        return SERVICES

    @staticmethod
    def _name(url):
        rest = url.Complete[len(PROTOCOL):] if url.Complete.startswith(PROTOCOL) else url.Path
        return rest.partition("?")[0]

    @staticmethod
    def _query(url):
        """The arguments after "?": org.kpifunctions:reference?fn=KPI.CPL gives {"fn": "KPI.CPL"}."""
        from urllib.parse import parse_qsl
        rest = url.Complete[len(PROTOCOL):] if url.Complete.startswith(PROTOCOL) else url.Path
        return dict(parse_qsl(rest.partition("?")[2]))

    def _run(self, url, args=()):
        try:
            from kpimenu import commands
            named = self._query(url)
            named.update({a.Name: a.Value for a in (args or ()) if getattr(a, "Name", "")})
            return commands.run(self.ctx, self.frame, self._name(url), named)
        except Exception as e:  # even an import failure must not reach LibreOffice
            return False, f"{type(e).__name__}: {e}"


def _commands():
    return ("insert", "audit", "portable", "reference", "templates")


g_ImplementationHelper = unohelper.ImplementationHelper()
g_ImplementationHelper.addImplementation(MenuHandler, IMPLEMENTATION, SERVICES)
