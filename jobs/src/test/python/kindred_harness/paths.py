"""Where things are: the repository, the jar, the Spark runtime inside the pinned PySpark wheel."""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[5]
JAR = REPO / "jobs" / "target" / "kindred-jobs.jar"
MAIN_CLASS = "io.kindred.jobs.Kindred"
DAGS = REPO / "airflow-dags"


@cache
def spark_home() -> Path:
    """The Spark runtime the pinned ``pyspark`` wheel ships (``bin/spark-submit``, ``bin/spark-class``, ``jars/``)."""
    import pyspark

    home = Path(pyspark.__file__).resolve().parent
    if not (home / "bin" / "spark-class").is_file():
        raise RuntimeError(f"{home} has no bin/spark-class: is pyspark installed from the wheel (.ci/python-env.sh)?")
    return home


@cache
def spark_jvm_flags() -> list[str]:
    """The JVM flags Spark's launcher adds on Java 17, read from the one place the build keeps them (pom.xml)."""
    match = re.search(r"<spark.jvm.flags>(.*?)</spark.jvm.flags>", (REPO / "pom.xml").read_text(encoding="utf-8"))
    if not match:
        raise RuntimeError(f"no <spark.jvm.flags> in {REPO / 'pom.xml'}")
    return match.group(1).split()


def spark_env(**extra: str) -> dict[str, str]:
    """The environment for Spark's scripts: this Spark as SPARK_HOME, its bin/ first on PATH, loopback only."""
    env = dict(os.environ)
    home = spark_home()
    env["SPARK_HOME"] = str(home)
    env["PATH"] = os.pathsep.join([str(home / "bin"), env.get("PATH", "")])
    env["SPARK_LOCAL_IP"] = "127.0.0.1"
    env["SPARK_LOCAL_HOSTNAME"] = "127.0.0.1"
    env.pop("KINDRED_CONFIG", None)
    env.update(extra)
    return env
