"""User-interface texts (English and French, following LibreOffice's user
interface language) and the small UNO helpers the commands share."""
import uno
from kpitools.office.session import props  # noqa: F401  (one implementation, shipped in the .oxt)

STRINGS = {
    "en": {
        "insert_title": "Insert a KPI",
        "search_label": "Search (any word, in English or French: lead, coût, e-mail, churn…):",
        "count": "{n} of {total} functions",
        "partial": "Closest matches (not all words)",
        "insert": "Insert",
        "wizard": "Function Wizard…",
        "close": "Close",
        "nothing_found": "No function matches these words.",
        "insert_no_cells": "Select a cell (or the ranges to compute on) before inserting a KPI.",
        "swap": "S~wap", "mapping": "Arguments: {}",
        "above_one": "{fn} gives {pct}: this rate is normally at most 100 % (a part of its whole). Check which "
                     "column is which: {mapping}. If they are the wrong way round, undo (Ctrl+Z) and insert it "
                     "again with Swap.",
        "audit_title": "KPI audit",
        "audit_not_sheet": "Audit this workbook works on a spreadsheet.",
        "audit_failed": "The audit could not run: {}",
        "audit_not_ours": "This workbook has a sheet named \u201c{}\u201d that the audit did not write: rename it, "
                          "and the audit will write its report beside it.",
        "audit_unavailable": "The workbook audit is not available in this version of the extension.",
        "portable_unavailable": "Save a portable copy is not available in this version of the extension.",
        "portable_title": "Save a portable copy",
        "portable_done": "Portable copy saved: {}",
        "portable_failed": "The portable copy could not be saved: {}",
        "portable_counts": "{rewritten} KPI formula(s) rewritten with native functions, {frozen} kept as values "
                           "(no native equivalent; each has a comment naming its formula).",
        "reference_missing": "The function reference is missing from the extension: {}",
        "reference_no_browser": "No web browser could open the function reference. Open this file in a "
                                "browser:\n{}",
        "error_title": "KPI functions",
        "internal": "Something went wrong in the KPI menu: {}",
        # The report sheet
        "report_heading": "KPI audit of {}",
        "report_when": "Run on {} by the KPI menu (the same rules as the kpi-audit command). "
                       "Re-run it after changes: this sheet and the frames around the cells are replaced.",
        "report_summary": "{sheets} sheet(s), {cells} cells, {kpi} KPI cell(s); {error} error(s), "
                          "{warning} warning(s), {info} info",
        "report_none": "No finding: nothing to report.",
        "report_cells": "{n} cells",
        "report_more": "… and {n} more finding(s), not listed: the report lists the first {listed} "
                       "(the summary above counts them all).",
        "report_more_kpi": "… and {n} more KPI cell(s), not listed: the report lists the first {listed}.",
        "report_marks_capped": "Frames drawn around the first {marked} cells with a finding (errors first, "
                               "then warnings); the other {rest} are listed below only.",
        "progress_read": "KPI audit: reading the workbook…",
        "progress_rules": "KPI audit: checking the KPI cells…",
        "progress_report": "KPI audit: writing the report…",
        "col_severity": "Severity", "col_cell": "Cell", "col_check": "Check",
        "col_message": "Explanation", "col_fix": "Suggested fix",
        "inventory": "KPI cells", "col_formula": "Formula", "col_result": "Result",
        "col_definition": "Definition",
        "sev_error": "error", "sev_warning": "warning", "sev_info": "info",
    },
    "fr": {
        "insert_title": "Insérer un KPI",
        "search_label": "Rechercher (n'importe quel mot, en français ou en anglais : lead, coût, e-mail, churn…) :",
        "count": "{n} fonctions sur {total}",
        "partial": "Résultats approchés (pas tous les mots)",
        "insert": "Insérer",
        "wizard": "Assistant Fonctions…",
        "close": "Fermer",
        "nothing_found": "Aucune fonction ne correspond à ces mots.",
        "insert_no_cells": "Sélectionnez une cellule (ou les plages à calculer) avant d'insérer un KPI.",
        "swap": "É~changer", "mapping": "Arguments : {}",
        "above_one": "{fn} donne {pct} : ce taux ne dépasse normalement pas 100 % (une partie de son total). "
                     "Vérifiez quelle colonne est laquelle : {mapping}. Si elles sont inversées, annulez (Ctrl+Z) "
                     "et insérez-la de nouveau avec « Échanger ».",
        "audit_title": "Audit KPI",
        "audit_not_sheet": "L'audit s'applique à un classeur.",
        "audit_failed": "L'audit n'a pas pu s'exécuter : {}",
        "audit_not_ours": "Ce classeur a une feuille nommée « {} » que l'audit n'a pas écrite : renommez-la, et "
                          "l'audit écrira son rapport à côté.",
        "audit_unavailable": "L'audit du classeur n'est pas disponible dans cette version de l'extension.",
        "portable_unavailable": "L'enregistrement d'une copie portable n'est pas disponible dans cette version "
                                "de l'extension.",
        "portable_title": "Enregistrer une copie portable",
        "portable_done": "Copie portable enregistrée : {}",
        "portable_failed": "La copie portable n'a pas pu être enregistrée : {}",
        "portable_counts": "{rewritten} formule(s) KPI réécrite(s) avec des fonctions natives, {frozen} gardée(s) "
                           "comme valeurs (sans équivalent natif ; chacune a un commentaire qui nomme sa formule).",
        "reference_missing": "La référence des fonctions manque dans l'extension : {}",
        "reference_no_browser": "Aucun navigateur web n'a pu ouvrir la référence des fonctions. Ouvrez ce "
                                "fichier dans un navigateur :\n{}",
        "error_title": "Fonctions KPI",
        "internal": "Une erreur est survenue dans le menu KPI : {}",
        "report_heading": "Audit KPI de {}",
        "report_when": "Exécuté le {} par le menu KPI (les mêmes règles que la commande kpi-audit). "
                       "Relancez-le après vos modifications : cette feuille et les cadres autour des cellules "
                       "sont remplacés.",
        "report_summary": "{sheets} feuille(s), {cells} cellules, {kpi} cellule(s) KPI ; {error} erreur(s), "
                          "{warning} avertissement(s), {info} info",
        "report_none": "Aucune constatation : rien à signaler.",
        "report_cells": "{n} cellules",
        "report_more": "… et {n} autre(s) constatation(s), non listée(s) : le rapport liste les {listed} "
                       "premières (le résumé ci-dessus les compte toutes).",
        "report_more_kpi": "… et {n} autre(s) cellule(s) KPI, non listée(s) : le rapport liste les {listed} "
                           "premières.",
        "report_marks_capped": "Cadres tracés autour des {marked} premières cellules concernées (erreurs "
                               "d'abord, puis avertissements) ; les {rest} autres sont seulement listées "
                               "ci-dessous.",
        "progress_read": "Audit KPI : lecture du classeur…",
        "progress_rules": "Audit KPI : contrôle des cellules KPI…",
        "progress_report": "Audit KPI : écriture du rapport…",
        "col_severity": "Gravité", "col_cell": "Cellule", "col_check": "Contrôle",
        "col_message": "Explication", "col_fix": "Correction proposée",
        "inventory": "Cellules KPI", "col_formula": "Formule", "col_result": "Résultat",
        "col_definition": "Définition",
        "sev_error": "erreur", "sev_warning": "avertissement", "sev_info": "info",
    },
}


def ui_language(ctx):
    """'fr' when LibreOffice's user interface is French, else 'en'."""
    try:
        cp = ctx.ServiceManager.createInstanceWithContext("com.sun.star.configuration.ConfigurationProvider", ctx)
        for path, prop in (("/org.openoffice.Office.Linguistic/General", "UILocale"),
                           ("/org.openoffice.Setup/L10N", "ooLocale")):
            node = cp.createInstanceWithArguments("com.sun.star.configuration.ConfigurationAccess",
                                                  props(nodepath=path))
            value = node.getPropertyValue(prop) if node.getPropertySetInfo().hasPropertyByName(prop) else ""
            if value:
                return "fr" if value.lower().startswith("fr") else "en"
    except Exception:
        pass
    return "en"


def tr(lang, key, *args, **kw):
    text = STRINGS.get(lang, STRINGS["en"]).get(key) or STRINGS["en"][key]
    return text.format(*args, **kw) if (args or kw) else text


def message(ctx, frame, title, text, error=False):
    """A message box over the document window (returns at once when headless)."""
    try:
        from com.sun.star.awt.MessageBoxType import ERRORBOX, INFOBOX
        toolkit = ctx.ServiceManager.createInstanceWithContext("com.sun.star.awt.Toolkit", ctx)
        parent = frame.getContainerWindow() if frame is not None else None
        box = toolkit.createMessageBox(parent, ERRORBOX if error else INFOBOX, 1, title, text)
        box.execute()
        box.dispose()
    except Exception:
        pass


def dispatch(ctx, frame, command, **args):
    helper = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
    return helper.executeDispatch(frame, command, "", 0, props(**args))


def file_url(path):
    return uno.systemPathToFileUrl(path)
