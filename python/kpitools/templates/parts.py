"""What the template workbooks share: colours, KPI calls, month headers and
the month-by-month KPI rows (a month without inputs shows nothing)."""
import math

from kpitools.sheet.addresses import col_name
from kpitools.templates.engine import Book, Fn, Op, Ref, Rng


BLUE, ORANGE, GREEN, GREY, TEAL, RED = "#2f5597", "#ed7d31", "#70ad47", "#a5a5a5", "#4bacc6", "#c00000"
MONTHS = {"en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
          "fr": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]}
B2B_MONTHS = MONTHS["en"]


def one_sheet_book(lang, t):
    """A workbook whose main sheet opens with a title and two notes (t: the
    template's texts: title, description, sheet, widths, heading, note1, note2)."""
    b = Book(lang, t["title"], t["description"])
    s = b.sheet(t["sheet"], t["widths"], landscape=True)
    s.text("A1", t["heading"], "title")
    s.row_height(1, 0.9)
    s.text("A2", t["note1"], "note")
    s.text("A3", t["note2"], "note")
    return b, s


def K(name, *args):
    return Fn("KPI." + name, *args)


def wiggle(i, j, amp):
    """A deterministic month-to-month variation (no random numbers)."""
    return 1 + amp * math.sin(2.3 * i + 1.7 * j + 0.5)


def month_header(s, row, title, months, year="Year"):
    s.text(f"A{row}", title, "head_l")
    for m, name in enumerate(months):
        s.text(f"{col_name(1 + m)}{row}", name, "head")
    s.text(f"N{row}", year, "head")


def month_filled(c, r1, r2):
    """True when month column c has any input in rows r1..r2: the months to come show nothing."""
    return Op(">", Fn("COUNT", Rng(f"{c}{r1}", f"{c}{r2}")), 0)


def monthly_kpis(s, first_row, rows, inputs):
    """Rows of KPIs with months in columns B..M and the year in N. Each row:
    (label, make, format[, year formula]); make(R) builds the formula from
    R(input_row), a cell for a month and, by default, the B..M range for the
    year: the year is a sum over a sum (blank months are skipped). A month
    without any input in rows inputs=(r1, r2) shows nothing."""
    for i, (label, make, fmt, *year) in enumerate(rows):
        r = first_row + i
        s.text(f"A{r}", label)
        for m in range(12):
            c = col_name(1 + m)
            s.formula(f"{c}{r}", Fn("IF", month_filled(c, *inputs), make(lambda rr, c=c: Ref(f"{c}{rr}")), ""),
                      f"out_{fmt}")
        s.formula(f"N{r}", year[0] if year else make(lambda rr: Rng(f"B{rr}", f"M{rr}")), f"tot_{fmt}")
