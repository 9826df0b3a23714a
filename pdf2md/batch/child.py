"""``python -m pdf2md.batch.child``: the entry point of a worker process.

Kept apart from :mod:`pdf2md.batch.worker` so that module is never both imported (by the
package) and run as ``__main__``.
"""

from __future__ import annotations

import sys

from pdf2md.batch.worker import main

if __name__ == "__main__":
    sys.exit(main())
