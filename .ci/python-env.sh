#!/usr/bin/env bash
# Creates or updates the repository's Python environment, .venv/ (gitignored): Airflow with the Spark provider,
# PySpark 4.2.0 (whose wheel carries the Spark runtime the cluster tests start), pytest, and the notebook stack.
#
#   .ci/python-env.sh                        # install when the requirement files changed; fast no-op otherwise
#   .ci/python-env.sh --refresh-constraints  # resolve afresh without constraints, then rewrite the constraints file
#
# Pins: airflow-dags/requirements.txt and notebooks/requirements.txt, installed together under
# airflow-dags/constraints.txt (a `pip freeze` of a working install; Airflow's published constraints are on GitHub,
# which CI cannot reach). The stamp file .venv/.kindred-stamp holds the hash of those three files and the Python
# version: when it matches, nothing is installed. Environment: PYTHON (default python3, must be 3.10-3.12).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
stamp="$venv/.kindred-stamp"
constraints="$root/airflow-dags/constraints.txt"
requirements=("$root/airflow-dags/requirements.txt" "$root/notebooks/requirements.txt")
python="${PYTHON:-python3}"

refresh=false
case "${1:-}" in
  --refresh-constraints) refresh=true ;;
  "") ;;
  *) echo "usage: $0 [--refresh-constraints]" >&2; exit 2 ;;
esac

command -v "$python" >/dev/null || { echo "python-env: $python not found; Python 3.11 is needed" >&2; exit 1; }
"$python" - <<'EOF' || { echo "python-env: Airflow 3.3 needs Python 3.10 to 3.12, found $("$python" -V 2>&1)" >&2; exit 1; }
import sys
sys.exit(0 if (3, 10) <= sys.version_info[:2] <= (3, 12) else 1)
EOF

if ! $refresh && [ ! -f "$constraints" ]; then
  echo "python-env: ${constraints#$root/} is missing; create it with $0 --refresh-constraints" >&2
  exit 1
fi

key() {
  { "$python" -V 2>&1; cat "${requirements[@]}" "$constraints"; } | sha256sum | cut -d' ' -f1
}

if ! $refresh && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$(key)" ] && [ -x "$venv/bin/python" ]; then
  exit 0
fi

start=$(date +%s)
if [ ! -x "$venv/bin/python" ]; then
  echo "python-env: creating $venv" >&2
  "$python" -m venv "$venv"
fi
rm -f "$stamp"
pip=("$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input)
args=()
for r in "${requirements[@]}"; do args+=(-r "$r"); done

if $refresh; then
  echo "python-env: resolving ${requirements[*]#$root/} without constraints" >&2
  "${pip[@]}" "${args[@]}"
  "$venv/bin/python" -m pip check
  {
    echo "# Constraints for .venv/: \`pip freeze\` of a working install of airflow-dags/requirements.txt and"
    echo "# notebooks/requirements.txt ($("$venv/bin/python" -V), $(date -u +%Y-%m-%d)). Regenerate with"
    echo "# .ci/python-env.sh --refresh-constraints after changing a requirement; review the diff."
    "$venv/bin/python" -m pip freeze --all --exclude-editable | grep -viE '^(pip|setuptools|wheel)=='
  } > "$constraints"
  echo "python-env: wrote ${constraints#$root/}" >&2
else
  echo "python-env: installing ${requirements[*]#$root/} under ${constraints#$root/}" >&2
  "${pip[@]}" -c "$constraints" "${args[@]}"
  "$venv/bin/python" -m pip check
fi
key > "$stamp"
echo "python-env: ready in $(( $(date +%s) - start )) s" >&2
