"""Labels: which KPI a row or column header names, and what an input counts."""
import functools
import re
import unicodedata


def norm(text):
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    return " " + re.sub(r"[^a-z0-9%]+", " ", text).strip() + " "


# KPI names as people write them in headers, English and French.
KPI_WORDS = {
    "CPL": ["cpl", "cost per lead", "cout par lead", "cout par contact", "cout par prospect"],
    "CPA": ["cpa", "cost per acquisition", "cout par acquisition", "cost per action"],
    "CAC": ["cac", "customer acquisition cost", "cout d acquisition client", "cout d acquisition"],
    "CPC": ["cpc", "cost per click", "cout par clic"],
    "CPM": ["cpm", "cost per mille", "cost per thousand", "cout pour mille", "cout par mille"],
    "CTR": ["ctr", "click through rate", "clickthrough rate", "taux de clic", "taux de clics"],
    "CONVRATE": ["conversion rate", "conv rate", "taux de conversion", "tx de conversion", "tx conversion"],
    "ROI": ["roi", "return on investment", "retour sur investissement", "rsi"],
    "ROAS": ["roas", "return on ad spend", "retour sur depenses publicitaires"],
    "GROWTH": ["growth", "croissance", "evolution", "variation"],
    "OPENRATE": ["open rate", "taux d ouverture", "tx d ouverture", "tx ouverture"],
    "CTOR": ["ctor", "click to open", "click to open rate", "taux de reactivite"],
    "UNSUBRATE": ["unsubscribe rate", "unsub rate", "taux de desabonnement", "taux de desinscription"],
    "BOUNCERATE": ["bounce rate", "taux de rebond", "taux de rebonds"],
    "ENGAGEMENT": ["engagement rate", "taux d engagement"],
    "MQL2SQL": ["mql2sql", "mql sql", "mql to sql", "taux mql sql"],
    "CHURN": ["churn", "churn rate", "taux d attrition", "attrition", "taux de churn"],
    "RETENTION": ["retention", "retention rate", "taux de retention"],
    "AOV": ["aov", "average order value", "panier moyen", "valeur moyenne de commande"],
    "ARPU": ["arpu", "average revenue per user", "revenu moyen par utilisateur"],
    "LTV2CAC": ["ltv cac", "ltv to cac", "clv cac", "ltv2cac"],
}
# Rates of a part to its whole: above 100 % they reveal inconsistent inputs.
PART_RATES = {"CTR", "CONVRATE", "OPENRATE", "CTOR", "UNSUBRATE", "BOUNCERATE", "MQL2SQL", "CHURN", "RETENTION",
              "SHARE"}
RATIO_KPIS = {"CPL", "CPA", "CAC", "CPC", "CPM", "CTR", "CONVRATE", "OPENRATE", "CTOR", "UNSUBRATE", "BOUNCERATE",
              "ENGAGEMENT", "MQL2SQL", "CHURN", "ROAS", "AOV", "ARPU", "LTV2CAC", "SHARE"}
GAIN_KPIS = {"ROI", "GROWTH"}

# What an input cell counts, from its header; (label words, kind).
INPUT_WORDS = [
    ("impressions", ["impressions", "impr", "vues", "affichages"]),
    ("clicks", ["clicks", "clics", "clic", "click"]),
    ("opens", ["opens", "ouvertures", "ouverts", "emails opened"]),
    ("delivered", ["delivered", "delivres", "recus", "distribues"]),
    ("sent", ["sent", "envoyes", "envois"]),
    ("visitors", ["visitors", "visiteurs", "sessions", "visits", "visites"]),
    ("conversions", ["conversions", "conv"]),
    ("leads", ["leads", "prospects", "contacts"]),
    ("mqls", ["mqls", "mql"]),
    ("sqls", ["sqls", "sql"]),
    ("orders", ["orders", "commandes"]),
    ("bounces", ["bounces", "rebonds"]),
    ("unsubscribes", ["unsubscribes", "desabonnements", "desinscriptions"]),
    ("customers", ["customers", "new customers", "clients", "nouveaux clients"]),
    ("cost", ["cost", "costs", "cout", "couts", "spend", "ad spend", "depenses", "budget", "investment",
              "investissement", "invested", "investi"]),
    ("revenue", ["revenue", "revenues", "return", "chiffre d affaires", "ca", "ventes", "sales", "recettes"]),
    ("profit", ["profit", "profits", "gain", "gains", "benefice", "benefices", "marge", "net profit"]),
]
COUNT_KINDS = {"impressions", "clicks", "opens", "delivered", "sent", "visitors", "conversions", "leads", "mqls",
               "sqls", "orders", "bounces", "unsubscribes", "customers", "cost"}
# (part, whole): the part cannot exceed the whole in the same row (or column).
PART_OF = [("clicks", "impressions"), ("opens", "delivered"), ("delivered", "sent"), ("bounces", "sent"),
           ("unsubscribes", "delivered"), ("conversions", "visitors"), ("sqls", "mqls")]
START_WORDS = ["start", "start date", "debut", "date de debut", "date debut", "first contact", "premier contact"]
END_WORDS = ["end", "end date", "fin", "date de fin", "date fin", "close date", "closing date", "date de signature"]
# Short words that name a date column only when they are the whole header.
START_ONLY = ["from", "du", "begin"]
END_ONLY = ["to", "au", "close", "closed", "signature"]
DATE_SERIES_WORDS = ["date", "month", "mois", "week", "semaine", "day", "jour", "period", "periode"]


def has_words(label, words):
    n = norm(label)
    return any(f" {w} " in n for w in words)


def exact_words(label, words):
    return norm(label).strip() in words


@functools.lru_cache(maxsize=4096)
def kpi_of_label(label):
    n = norm(label)
    best = None
    for k, words in KPI_WORDS.items():
        for w in words:
            if f" {w} " in n and (best is None or len(w) > best[1]):
                best = (k, len(w))
    return best[0] if best else None


@functools.lru_cache(maxsize=4096)
def input_kind(label):
    if kpi_of_label(label):
        return None  # "Cost per lead" is a KPI, not a cost
    n = norm(label)
    best = None
    for kind, words in INPUT_WORDS:
        for w in words:
            if f" {w} " in n and (best is None or len(w) > best[1]):
                best = (kind, len(w))
    return best[0] if best else None
