#!/usr/bin/env bash
# Install the runtime and start the dashboard on the bundled sample book (http://localhost:8501).
# Usage: ./run.sh [-- --data PATH | --db book.duckdb]
set -euo pipefail
cd "$(dirname "$0")"
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
exec .venv/bin/streamlit run app.py --server.address "${MONITOR_ADDRESS:-127.0.0.1}" "$@"
