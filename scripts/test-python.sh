#!/usr/bin/env bash
# pytest of the training package with Debian's torch (/usr/bin/python3, not the python3 on PATH).
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2}
/usr/bin/python3 -m pytest -q training/tests "$@"
