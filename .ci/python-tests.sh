#!/usr/bin/env bash
# The Python tests: the jar on a real Spark standalone cluster (jobs/src/test/python/cluster) and the Airflow DAGs (airflow-dags/tests).
#
#   .ci/python-tests.sh [pytest args...]      e.g. .ci/python-tests.sh -k contract
#
# Sets up .venv/ (.ci/python-env.sh: a no-op when the pins are unchanged), builds the jar when it is missing or stale, and runs
# pytest. The tests start their own standalone master and worker on free 127.0.0.1 ports and stop them; this script
# also stops them on its way out, whatever happened. Exit codes: 0 all passed, 1 tests failed, 3 environment setup
# failed, 6 the jar could not be built, other = pytest's own (2 interrupted, 4 usage, 5 no tests).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

"$root/.ci/python-env.sh" || { echo "python-tests: setting up .venv failed" >&2; exit 3; }

# The jar is built when missing or older than a source (the same rule as ./kindred); .ci/run builds it first anyway.
jar="$root/jobs/target/kindred-jobs.jar"
stale=$([ -f "$jar" ] && find "$root/pom.xml" "$root/common" "$root/jobs" "$root/conf" -type f -newer "$jar" \
  \( -name '*.java' -o -name 'pom.xml' -o -name '*.conf' -o -name '*.properties' -o -name '*.csv' \) \
  -not -path '*/target/*' -not -path '*/src/test/*' -print -quit || echo missing)
if [ -n "$stale" ]; then
  echo "python-tests: building the jar (mvn -q -DskipTests package; $stale)..." >&2
  mvn -q -B -o -DskipTests package || mvn -q -B -DskipTests package \
    || { echo "python-tests: building the jar failed" >&2; exit 6; }
fi

spark_dir="$(mktemp -d "${TMPDIR:-/tmp}/kindred-spark-test.XXXXXX")"
cleanup() {
  PYTHONPATH="$root/jobs/src/test/python" "$root/.venv/bin/python" -m kindred_harness.standalone stop --dir "$spark_dir" \
    2>/dev/null || true
  rm -rf "$spark_dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export KINDRED_TEST_SPARK_DIR="$spark_dir"
start=$(date +%s)
PYTHONPATH="$root/jobs/src/test/python${PYTHONPATH:+:$PYTHONPATH}" "$root/.venv/bin/python" -m pytest -c "$root/.ci/pytest.ini" --rootdir "$root" "$@"   # the ini adds the plugins and test paths
status=$?
echo "python-tests: pytest exited $status after $(( $(date +%s) - start )) s" >&2
exit $status
