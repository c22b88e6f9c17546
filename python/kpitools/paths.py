"""Where the source tree's files are, for the maintainer commands run from a
checkout (templates, example, benchmark): python/kpitools/ is two folders
below the root. The installed auditor does not use it."""
import os

SOURCE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def source_path(*parts):
    return os.path.join(SOURCE_ROOT, *parts)
