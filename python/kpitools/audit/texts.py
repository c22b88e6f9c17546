"""The rules' messages and fixes, English and French: the audit's strings table.

A rule writes T("key", name=..., value=...) where it used to write an
f-string. A T is a str (its English text, exactly as kpi-audit has always
written it: the JSON, the text and HTML reports, the grouping of identical
findings read it unchanged) that also remembers its key and parameters, so
that the KPI menu's report renders the same finding in the UI language with
the numbers in the document's locale (render()).

Parameters: a number is formatted by the renderer's number function; a
result (("value", 0.5), ("error", "#DIV/0!")) as the result it is; W("cost")
is a word of the table WORDS (an input kind, a formula's kind); a nested T
is rendered in the same language; any other text (a cell address, a
formula, a function's name, the user's header) is kept as written.
"""
from kpitools.audit import model
from kpitools.audit.model import fmt_num

TEXTS = {
    # calls.py
    "revenue_based": {"en": "{name} without {arg}: a revenue-based figure, not a margin-based value",
                      "fr": "{name} sans {arg} : un chiffre fondé sur le chiffre d'affaires, pas une valeur fondée "
                            "sur la marge"},
    "revenue_based_fix": {"en": "give the {arg} as the last argument, or label the cell as revenue-based",
                          "fr": "donnez {arg} comme dernier argument, ou indiquez que la cellule est fondée sur le "
                                "chiffre d'affaires"},
    "percent_typed": {"en": "{name}: {arg} is {value}, above 1: a percentage typed as a whole number?",
                      "fr": "{name} : {arg} vaut {value}, plus que 1 : un pourcentage tapé comme un nombre entier ?"},
    "percent_typed_fix": {"en": "type 10 % as 0.1 or 10%", "fr": "tapez 10 % comme 0,1 ou 10%"},
    "count_not_whole": {"en": "{name}: {arg} is {value}, not a whole count: a rate typed in place of a count?",
                        "fr": "{name} : {arg} vaut {value}, pas un nombre entier : un taux tapé à la place d'un "
                              "effectif ?"},
    "count_not_whole_fix": {"en": "give the counts of visitors and conversions",
                            "fr": "donnez les nombres de visiteurs et de conversions"},
    "roi_on_revenue": {"en": "KPI.ROI's return is under '{label}': revenue ÷ spend − 1 is ROAS − 1, not ROI",
                       "fr": "le retour de KPI.ROI est sous « {label} » : chiffre d'affaires ÷ dépense − 1 est le "
                             "ROAS − 1, pas le ROI"},
    "roi_on_revenue_fix": {"en": "give the margin the investment brought (KPI.ROMI with the gross margin), "
                                 "or use KPI.ROAS",
                           "fr": "donnez la marge que l'investissement a rapportée (KPI.ROMI avec la marge brute), "
                                 "ou utilisez KPI.ROAS"},
    "large_range": {"en": "{name} over {cells} cells in {arg} ({text}): slow to recalculate",
                    "fr": "{name} sur {cells} cellules dans {arg} ({text}) : lent à recalculer"},
    "large_range_fix": {"en": "write SUM({text}) as the argument: same value at native speed "
                              "(text cells are then ignored)",
                        "fr": "écrivez SOMME({text}) comme argument : même valeur à la vitesse native "
                              "(les cellules de texte sont alors ignorées)"},
    # dates.py
    "end_before_start": {"en": "end date {end} is before start date {start}",
                         "fr": "la date de fin {end} précède la date de début {start}"},
    "end_before_start_fix": {"en": "swap or correct the dates", "fr": "échangez ou corrigez les dates"},
    "series_rising": {"en": "date in {cell} comes before the one above it in a rising series under '{label}'",
                      "fr": "la date de {cell} précède celle du dessus dans une série croissante "
                            "sous « {label} »"},
    "series_falling": {"en": "date in {cell} comes after the one above it in a falling series under '{label}'",
                       "fr": "la date de {cell} suit celle du dessus dans une série décroissante sous « {label} »"},
    "series_fix": {"en": "sort the rows by date, or correct the date",
                   "fr": "triez les lignes par date, ou corrigez la date"},
    # handwritten.py, gains.py, averages.py
    "agrees": {"en": "hand-written {kpi} agrees with {name} ({hand})",
               "fr": "le {kpi} écrit à la main est égal à {name} ({hand})"},
    "states_definition": {"en": "{fix} states the definition", "fr": "{fix} énonce la définition"},
    "named_differs": {"en": "{what}: the cell shows {hand}, {name} gives {expected}",
                      "fr": "{what} : la cellule affiche {hand}, {name} donne {expected}"},
    "differs": {"en": "hand-written {kpi} ({kind}) shows {hand}, {name} gives {expected}{why}",
                "fr": "le {kpi} écrit à la main ({kind}) affiche {hand}, {name} donne {expected}{why}"},
    "why": {"en": " ({why})", "fr": " ({why})"},
    "upside_down": {"en": "{kpi} computed as {a} ÷ {b}, upside down",
                    "fr": "{kpi} calculé comme {a} ÷ {b}, à l'envers"},
    "investment_over_profit": {"en": "{kpi} computed as investment ÷ profit",
                               "fr": "{kpi} calculé comme investissement ÷ bénéfice"},
    "investment_over_return": {"en": "{kpi} computed as investment ÷ return",
                               "fr": "{kpi} calculé comme investissement ÷ recettes"},
    "roi_is_roas": {"en": "ROI computed as revenue ÷ investment, which is ROAS (ROI + 1)",
                    "fr": "ROI calculé comme chiffre d'affaires ÷ investissement, c'est-à-dire le ROAS (ROI + 1)"},
    "roi_or_roas_fix": {"en": "={name}({x};{y}) (or =KPI.ROAS({x};{y}) if ROAS was meant)",
                        "fr": "={name}({x};{y}) (ou =KPI.ROAS({x};{y}) si c'est le ROAS qui était voulu)"},
    "average_of_ratios": {"en": "average of {n} {kpi}s where a sum over a sum was meant",
                          "fr": "moyenne de {n} {kpi} là où une somme divisée par une somme était voulue"},
    "whole_period_fix": {"en": "={name}(numerators;denominators) over the whole period",
                         "fr": "={name}(numérateurs;dénominateurs) sur toute la période"},
    # iferror.py
    "iferror_hides": {"en": "IFERROR hides {inner}: the cell shows {now} where the {kpi} is undefined",
                      "fr": "SIERREUR masque {inner} : la cellule affiche {now} là où le {kpi} n'est pas défini"},
    "iferror_fix": {"en": "{fix} (shows the error instead of hiding it)",
                    "fr": "{fix} (affiche l'erreur au lieu de la masquer)"},
    # inputs.py
    "negative": {"en": "negative {kind} ({value}) under '{label}': a count or amount cannot be negative",
                 "fr": "{kind} négatif ({value}) sous « {label} » : un nombre ou un montant ne peut pas être "
                       "négatif"},
    "negative_fix": {"en": "enter the figure as a positive number (a refund or correction belongs elsewhere)",
                     "fr": "saisissez le chiffre en positif (un remboursement ou une correction va ailleurs)"},
    "part_above_whole": {"en": "{part} ({pv}) above {whole} ({wv} in {where})",
                         "fr": "{part} ({pv}) au-dessus de {whole} ({wv} en {where})"},
    "part_above_whole_fix": {"en": "check both figures: {part} cannot exceed {whole}",
                             "fr": "vérifiez les deux chiffres : {part} ne peut pas dépasser {whole}"},
    "part_above_whole_maybe": {"en": "check both figures: {part} above {whole} happens when the platform counts "
                                     "them differently (total vs unique)",
                               "fr": "vérifiez les deux chiffres : {part} au-dessus de {whole} arrive quand la "
                                     "plateforme les compte différemment (total ou uniques)"},
    # kpi_errors.py
    "kpi_error": {"en": "{name} shows {shown}: {why}", "fr": "{name} affiche {shown} : {why}"},
    "kpi_error_fix": {"en": "check the input cells of this KPI", "fr": "vérifiez les cellules d'entrée de ce KPI"},
    "why_div0": {"en": "the denominator is 0 or blank", "fr": "le dénominateur vaut 0 ou est vide"},
    "why_num": {"en": "an input is negative, or a part exceeds its whole",
                "fr": "une entrée est négative, ou une partie dépasse son total"},
    "why_value": {"en": "an input is text", "fr": "une entrée est du texte"},
    "why_na": {"en": "a required input is blank (no data yet)",
               "fr": "une entrée obligatoire est vide (pas encore de données)"},
    "why_504": {"en": "an argument is missing, or a range contains an error cell",
                "fr": "un argument manque, ou une plage contient une cellule en erreur"},
    "why_name": {"en": "the extension is not installed or the name is misspelt",
                 "fr": "l'extension n'est pas installée ou le nom est mal orthographié"},
    "why_other": {"en": "see the function's errors", "fr": "voyez les erreurs de la fonction"},
    # percent_scale.py
    "times_100": {"en": "{kpi} written ×100 ({hand}): the KPI functions return a fraction ({fraction}) to "
                        "format as %, and sums or charts mixing both go wrong",
                  "fr": "{kpi} écrit ×100 ({hand}) : les fonctions KPI renvoient une fraction ({fraction}) à "
                        "formater en %, et les sommes ou graphiques qui mélangent les deux sont faux"},
    "formatted_as_percent": {"en": "{fix} with the cell formatted as %", "fr": "{fix} avec la cellule au format %"},
    # rates.py
    "rate_above": {"en": "{kpi} of {pct} % {above}{what}", "fr": "{kpi} de {pct} % {above}{what}"},
    "cannot_exceed": {"en": "cannot exceed 100 %", "fr": "ne peut pas dépasser 100 %"},
    "is_above": {"en": "is above 100 % (possible when the platform counts the part differently, e.g. total opens; "
                       "check the inputs)",
                 "fr": "dépasse 100 % (possible quand la plateforme compte la partie autrement, par ex. les "
                       "ouvertures totales ; vérifiez les entrées)"},
    "a_above_b": {"en": ": {a} > {b}", "fr": " : {a} > {b}"},
    "a_above_b_paren": {"en": " ({a} > {b})", "fr": " ({a} > {b})"},
    "rate_fix": {"en": "check the inputs: the part is counted differently from the whole (e.g. total vs unique "
                       "opens)",
                 "fr": "vérifiez les entrées : la partie est comptée autrement que le total (par ex. ouvertures "
                       "totales ou uniques)"},
    "rate_fix_hand": {"en": "check the inputs: the part is counted differently from the whole",
                      "fr": "vérifiez les entrées : la partie est comptée autrement que le total"},
    # inventory.py
    "unknown_function": {"en": "{name} is not a function of this version of the KPI extension",
                         "fr": "{name} n'est pas une fonction de cette version de l'extension KPI"},
    "unknown_function_fix": {"en": "check the spelling; see docs/functions.md for the list",
                             "fr": "vérifiez l'orthographe ; la liste est dans KPI ▸ Référence des fonctions"},
    "invalid_stored": {"en": "the file stores {stored} as this cell's value, which Calc never writes (a damaged "
                             "file, or edited by another tool); {name} computes {now} now",
                       "fr": "le fichier enregistre {stored} comme valeur de cette cellule, ce que Calc n'écrit "
                             "jamais (un fichier abîmé, ou modifié par un autre outil) ; {name} calcule {now} "
                             "maintenant"},
    "stale": {"en": "the file stores {stored} but {name} computes {now} now (saved by an older version, or never "
                    "recalculated)",
              "fr": "le fichier enregistre {stored} mais {name} calcule {now} maintenant (enregistré par une "
                    "version antérieure, ou jamais recalculé)"},
    "recalculate_fix": {"en": "recalculate (Ctrl+Shift+F9) and save the file",
                        "fr": "recalculez (Ctrl+Maj+F9) et enregistrez le fichier"},
    "no_stored": {"en": "{n} KPI cell(s) have no value stored in the file (never calculated and saved by Calc): "
                        "their stale-value check was not possible",
                  "fr": "{n} cellule(s) KPI sans valeur enregistrée dans le fichier (jamais calculé et enregistré "
                        "par Calc) : leur contrôle de valeur périmée n'a pas été possible"},
    "no_stored_fix": {"en": "open the file in Calc with the extension, recalculate (Ctrl+Shift+F9) and save",
                      "fr": "ouvrez le fichier dans Calc avec l'extension, recalculez (Ctrl+Maj+F9) et "
                            "enregistrez"},
}

# Words put into the messages: the input kinds of the catalogue's tables and the formulas' kinds.
WORDS = {
    "fr": {"bounces": "rebonds", "clicks": "clics", "conversions": "conversions", "cost": "coût",
           "customers": "clients", "customers_lost": "clients perdus", "customers_start": "clients au début",
           "delivered": "délivrés", "impressions": "impressions", "leads": "leads", "mqls": "MQL",
           "opens": "ouvertures", "orders": "commandes", "profit": "bénéfice", "revenue": "chiffre d'affaires",
           "sent": "envoyés", "sqls": "SQL", "unsubscribes": "désinscriptions", "visitors": "visiteurs",
           "average": "moyenne"},
}

# The checks' names in the report (the IDs stay in kpi-audit's JSON).
CHECKS = {
    "percent-scale": ("Rate written ×100", "Taux écrit ×100"),
    "rate-above-100": ("Rate above 100 %", "Taux au-dessus de 100 %"),
    "kpi-error": ("KPI shows an error", "KPI en erreur"),
    "handwritten-kpi": ("Hand-written KPI", "KPI écrit à la main"),
    "handwritten-kpi-differs": ("Hand-written KPI differs", "KPI écrit à la main différent"),
    "inverted-ratio": ("Ratio upside down", "Ratio à l'envers"),
    "average-of-ratios": ("Average of ratios", "Moyenne de ratios"),
    "revenue-based-value": ("Revenue-based value", "Valeur sur le chiffre d'affaires"),
    "percent-typed-whole": ("Percentage typed as a whole number", "Pourcentage tapé comme un nombre entier"),
    "count-not-whole": ("Count that is not whole", "Effectif non entier"),
    "roi-on-revenue": ("ROI computed on revenue", "ROI calculé sur le chiffre d'affaires"),
    "large-range-call": ("Very large range", "Très grande plage"),
    "dates-out-of-order": ("Dates out of order", "Dates dans le désordre"),
    "roi-inverted": ("ROI upside down", "ROI à l'envers"),
    "growth-inverted": ("Growth upside down", "Croissance à l'envers"),
    "roi-is-roas": ("ROI that is a ROAS", "ROI qui est un ROAS"),
    "iferror-hides-error": ("IFERROR hides an error", "SIERREUR masque une erreur"),
    "negative-input": ("Negative input", "Entrée négative"),
    "count-above-total": ("Part above its whole", "Partie au-dessus du total"),
    "unknown-function": ("Unknown function", "Fonction inconnue"),
    "stale-value": ("Stale stored value", "Valeur enregistrée périmée"),
    "invalid-stored-value": ("Invalid stored value", "Valeur enregistrée invalide"),
    "no-stored-values": ("No stored values", "Aucune valeur enregistrée"),
}


def check_name(check, lang):
    pair = CHECKS.get(check)
    return (pair[1] if lang == "fr" else pair[0]) if pair else check


class W(str):
    """A word of WORDS, translated when rendered."""


class Pct(float):
    """A percentage shown to 4 significant digits (rates.py)."""


class Count(int):
    """A count shown with thousands separators (calls.py)."""


def english_number(x):
    if isinstance(x, Pct):
        return f"{x:.4g}"
    if isinstance(x, Count):
        return f"{x:,}"
    return fmt_num(x)


def result_text(res, num):
    """A result as kpi-audit writes it, its number by num."""
    if res is not None and res[0] == "value":
        return num(res[1])
    return model.result_text(res)


class T(str):
    """A message of TEXTS with its parameters; the str is its English text."""

    def __new__(cls, key, **params):
        self = super().__new__(cls, render(key, params, "en", english_number))
        self.key, self.params = key, params
        return self

    def render(self, lang, num):
        return render(self.key, self.params, lang, num)


def render(key, params, lang, num):
    def one(v):
        if isinstance(v, T):
            return v.render(lang, num)
        if isinstance(v, W):
            return WORDS.get(lang, {}).get(str(v), str(v))
        if isinstance(v, bool):
            return str(v)
        if isinstance(v, (int, float)):
            return num(v)
        if isinstance(v, tuple):
            return result_text(v, num)
        return str(v)
    table = TEXTS[key]
    return (table.get(lang) or table["en"]).format(**{k: one(v) for k, v in params.items()})


def localised(text, lang, num):
    """A finding's message or fix in lang: a T is rendered again, a plain text kept."""
    return text.render(lang, num) if isinstance(text, T) else text


def number_function(decimal=".", group=","):
    """The renderer's number function for a locale's separators."""
    def num(x):
        t = english_number(x)
        return t.translate(str.maketrans({".": decimal, ",": group}))
    return num
