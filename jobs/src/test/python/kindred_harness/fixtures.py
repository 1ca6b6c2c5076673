"""pytest fixtures shared by the cluster tests and the DAG tests (loaded by .ci/pytest.ini with -p kindred_harness.fixtures).

Importing this module points Airflow at a fresh AIRFLOW_HOME with a SQLite metadata database in a temp directory,
before any test imports Airflow, and makes the DAG folder the repository's airflow-dags/.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from kindred_harness.jar import require_jar
from kindred_harness.paths import DAGS, spark_env
from kindred_harness.standalone import StandaloneCluster

_AIRFLOW_HOME = Path(tempfile.mkdtemp(prefix="kindred-airflow-"))
# The DAG folder Airflow runs from: the nightly DAG and the run tests' probe DAGs (links to the repository's files).
_DAG_FOLDER = _AIRFLOW_HOME / "dags"
_DAG_FOLDER.mkdir()
(_DAG_FOLDER / "kindred_nightly.py").symlink_to(DAGS / "kindred_nightly.py")
(_DAG_FOLDER / "kindred_probes.py").symlink_to(DAGS / "tests" / "dags" / "kindred_probes.py")
os.environ.update({
    "AIRFLOW_HOME": str(_AIRFLOW_HOME),
    "AIRFLOW__CORE__DAGS_FOLDER": str(_DAG_FOLDER),
    "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{_AIRFLOW_HOME / 'airflow.db'}",
    "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
    "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(_AIRFLOW_HOME / "logs"),
})
# Spark's scripts (spark-submit for SparkSubmitOperator) from the pinned pyspark, loopback only.
for key in ("SPARK_HOME", "PATH", "SPARK_LOCAL_IP", "SPARK_LOCAL_HOSTNAME"):
    os.environ[key] = spark_env()[key]
os.environ.pop("KINDRED_CONFIG", None)


def pytest_unconfigure(config):
    from kindred_harness import lake

    if lake.session.cache_info().currsize:  # the reader's local Spark, when a test started it
        lake.session().stop()
    shutil.rmtree(_AIRFLOW_HOME, ignore_errors=True)


@pytest.fixture(scope="session")
def jar() -> Path:
    return require_jar()


@pytest.fixture(scope="session")
def spark_cluster(tmp_path_factory):
    """A standalone master and one worker (1 core, 2 GiB) on 127.0.0.1 for the whole session; always stopped.

    $KINDRED_TEST_SPARK_DIR, when set, is where its pid files and logs go (.ci/python-tests.sh sets it, so that its
    own exit trap can stop the daemons even if pytest itself is killed).
    """
    state_dir = Path(os.environ.get("KINDRED_TEST_SPARK_DIR") or tmp_path_factory.mktemp("spark-standalone"))
    cluster = StandaloneCluster(state_dir, worker_cores=1, worker_memory="2g")
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def airflow_db() -> Path:
    """``airflow db migrate`` into the session's SQLite database; returns AIRFLOW_HOME."""
    result = subprocess.run([str(Path(sys.executable).parent / "airflow"), "db", "migrate"], env=dict(os.environ),
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"airflow db migrate failed:\n{result.stdout}\n{result.stderr}"
    return _AIRFLOW_HOME
