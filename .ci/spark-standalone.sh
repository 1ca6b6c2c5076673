#!/usr/bin/env bash
# A real Spark standalone cluster on 127.0.0.1 (one master, one worker) from the pinned PySpark in .venv/.
#
#   .ci/spark-standalone.sh start  [--dir DIR] [--worker-cores N] [--worker-memory 2g]   # prints MASTER_URL=...
#   .ci/spark-standalone.sh status [--dir DIR]
#   .ci/spark-standalone.sh stop   [--dir DIR]
#
# DIR (default: $KINDRED_SPARK_DIR, else /tmp/kindred-spark-$USER) holds pid files, logs and cluster.json. Ports are
# free ones picked at start. The tests start their own cluster (a pytest session fixture); this script is for a
# manual run, e.g.:  eval "$(.ci/spark-standalone.sh start)"; spark-submit --master "$MASTER_URL" ...; .ci/spark-standalone.sh stop
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
action="${1:?usage: $0 start|stop|status [--dir DIR]}"; shift
"$root/.ci/python-env.sh"
dir="${KINDRED_SPARK_DIR:-/tmp/kindred-spark-${USER:-$(id -un)}}"
case " $* " in *" --dir "*) dir_arg=() ;; *) dir_arg=(--dir "$dir") ;; esac
PYTHONPATH="$root/jobs/src/test/python${PYTHONPATH:+:$PYTHONPATH}" exec "$root/.venv/bin/python" -m kindred_harness.standalone \
  "$action" "${dir_arg[@]}" "$@"
