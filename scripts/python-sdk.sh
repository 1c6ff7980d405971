#!/usr/bin/env bash
# Installs the official `openai` Python SDK into .tools/python-openai (a venv) from pip's configured
# package index, so test/simulator/python-sdk.test.ts can judge the gateway with it. Without python3,
# its venv module or a reachable index, it says so and exits 0: the Python SDK tests then report
# themselves skipped with the reason. The version is pinned so every run is judged by the same SDK.
set -uo pipefail
cd "$(dirname "$0")/.."
version="${AOAI_FLEET_PYTHON_OPENAI:-3.22.1}"
venv=".tools/python-openai"
if ! command -v python3 >/dev/null 2>&1; then
  echo "python-sdk: no python3 on PATH; the Python SDK tests will be skipped"
  exit 0
fi
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import openai, sys; sys.exit(openai.__version__ != '$version')" 2>/dev/null; then
  echo "python-sdk: openai $version already in $venv"
  exit 0
fi
if ! python3 -m venv "$venv" >/dev/null 2>&1; then
  echo "python-sdk: python3 cannot create a venv (install python3-venv); the Python SDK tests will be skipped"
  exit 0
fi
# --retries 0 / short timeout: an unreachable index fails fast instead of retrying for minutes.
if "$venv/bin/pip" install --quiet --disable-pip-version-check --retries 0 --timeout 20 "openai==$version" >/dev/null 2>"$venv/install.log"; then
  echo "python-sdk: installed openai $("$venv/bin/python" -c 'import openai; print(openai.__version__)') into $venv"
else
  echo "python-sdk: could not install openai==$version from pip's index (see $venv/install.log); the Python SDK tests will be skipped"
fi
exit 0
