#!/usr/bin/env bash
# Set up a fresh machine for pdf2md: system packages, a virtual environment with every extra,
# and the KaTeX renderer used by `pdf2md eval` and the math tests. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  # TeX Live builds the math test PDFs; node runs KaTeX for `pdf2md eval` and the math tests;
  # DejaVu gives one Unicode math test a font with the glyphs it needs.
  if ! command -v pdflatex >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1 \
      || [ ! -d /usr/share/fonts/truetype/dejavu ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      texlive-latex-base texlive-latex-recommended texlive-fonts-recommended \
      fonts-dejavu-core nodejs npm >/dev/null
  fi
fi

PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
# torch is pinned in the same command as everything that needs it (a CPU wheel; see docs).
.venv/bin/python -m pip install -q -e '.[dev]'
# torchvision breaks transformers' image processors here; make sure nothing pulled it in.
.venv/bin/python -m pip uninstall -y -q torchvision >/dev/null 2>&1 || true

# surya needs torchvision, which breaks the main environment (above): it gets its own, where
# torch 2.14.1 and torchvision 0.29.1 work together. Optional: without it the surya test skips.
if [ "${PDF2MD_SKIP_SURYA:-0}" != 1 ] && [ ! -x .venv-surya/bin/surya_detect ]; then
  ( [ -x .venv-surya/bin/python ] || "$PY" -m venv .venv-surya ) \
    && .venv-surya/bin/python -m pip install -q torch==2.14.1 torchvision==0.29.1 \
    && .venv-surya/bin/python -m pip install -q -e '.[surya]' \
    || echo "surya environment not built (.venv-surya): its test will be skipped" >&2
fi

if command -v npm >/dev/null 2>&1 && [ -f pdf2md/eval/katex/package-lock.json ]; then
  npm ci --prefix pdf2md/eval/katex --silent --no-audit --no-fund >/dev/null
fi
echo "pdf2md is set up in .venv"
