"""A1-style cell addresses, 0-based rows and columns."""


def col_name(c):
    """0 -> 'A', 25 -> 'Z', 26 -> 'AA'."""
    s = ""
    c += 1
    while c:
        c, rem = divmod(c - 1, 26)
        s = chr(65 + rem) + s
    return s


def col_index(name):
    """'A' -> 0, 'AA' -> 26 (case-insensitive)."""
    n = 0
    for ch in name.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def addr(r, c):
    """(4, 1) -> 'B5'."""
    return f"{col_name(c)}{r + 1}"


def parse_addr(a):
    """'B5' -> (col, row), 0-based."""
    i = 0
    while a[i].isalpha():
        i += 1
    return col_index(a[:i]), int(a[i:]) - 1
