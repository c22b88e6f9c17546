"""The CDNOW sample's raw transactions turned into the customer table the
BG/NBD and Gamma-Gamma models take (as in Fader, Hardie & Lee 2005):

  - purchases on the same day are one purchase (their values added);
  - calibration period: first purchases (January-March 1997) to 1997-09-30;
  - x = repeat purchases (purchase days after the first), t_x = weeks from
    the first to the last purchase, T = weeks from the first purchase to the
    end of the calibration period (days / 7, unrounded), zbar = average value
    of the repeat purchases (0 when x = 0).

Run as a script it writes data/cdnow/cdnow_customers_exact.csv."""
import collections
import datetime
import os
import sys

from kpitools.paths import source_path

DATA = source_path("data", "cdnow")
CALIBRATION_END = datetime.date(1997, 9, 30)


def transactions(path=os.path.join(DATA, "CDNOW_sample.txt")):
    """[(customer, date, value)] for every row of the raw file."""
    out = []
    for line in open(path):
        _master, cust, day, _cds, value = line.split()
        out.append((int(cust), datetime.date(int(day[:4]), int(day[4:6]), int(day[6:])), float(value)))
    return out


def daily(rows, end=CALIBRATION_END):
    """{customer: {date: value}} for the purchase days up to `end`."""
    by = collections.defaultdict(lambda: collections.defaultdict(float))
    for cust, day, value in rows:
        if day <= end:
            by[cust][day] += value
    return by


def customers(rows, end=CALIBRATION_END):
    """[(customer, x, t_x, T, zbar)] sorted by customer."""
    out = []
    for cust, days in sorted(daily(rows, end).items()):
        dates = sorted(days)
        first, x = dates[0], len(dates) - 1
        zbar = sum(days[d] for d in dates[1:]) / x if x else 0.0
        out.append((cust, x, (dates[-1] - first).days / 7, (end - first).days / 7, zbar))
    return out


def main():
    path = os.path.join(DATA, "cdnow_customers_exact.csv")
    with open(path, "w") as f:
        f.write("ID,x,t_x,T,zbar\n")
        for row in customers(transactions()):
            f.write("%d,%d,%.17g,%.17g,%.17g\n" % row)
    print(path)


if __name__ == "__main__":
    sys.exit(main())
