"""``python -m pdf2md.page_helper READ_FD WRITE_FD``: the entry point of a page helper.

Kept apart from :mod:`pdf2md.page_pool` so that module is never both imported and run as
``__main__``.
"""

from __future__ import annotations

import sys

from pdf2md.page_pool import helper_main

if __name__ == "__main__":
    helper_main(int(sys.argv[1]), int(sys.argv[2]))
