"""Running the shaded jar: its own argument check, and spark-submit to a cluster, the way production does."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from kindred_harness.paths import JAR, MAIN_CLASS, spark_env, spark_home, spark_jvm_flags


def require_jar() -> Path:
    if not JAR.is_file():
        raise RuntimeError(f"{JAR} is missing: build it with `mvn -q -o -DskipTests package` (.ci/python-tests.sh "
                           "does it for you)")
    return JAR


def kindred(*args: str, timeout_s: float = 120) -> subprocess.CompletedProcess:
    """``java -cp <jar>:<Spark's jars> io.kindred.jobs.Kindred <args>``: for --help and --check-args, which parse and
    validate with the jar's own parser and never start Spark."""
    classpath = f"{require_jar()}{os.pathsep}{spark_home() / 'jars'}/*"
    return subprocess.run(["java", *spark_jvm_flags(), "-cp", classpath, MAIN_CLASS, *args], env=spark_env(),
                          capture_output=True, text=True, timeout=timeout_s)


def check_args(args: list[str]) -> subprocess.CompletedProcess:
    """The jar's verdict on a command line: exit 0 and ``ok: ...`` when it would run it."""
    return kindred("--check-args", *args)


def commands() -> list[str]:
    """The commands the jar has, from its own ``--help``."""
    result = kindred("--help")
    if result.returncode != 0:
        raise RuntimeError(f"kindred --help exited {result.returncode}: {result.stderr}")
    # JCommander's Unix-style usage lists each command indented under "Commands:".
    listing = result.stdout.split("Commands:", 1)[1] if "Commands:" in result.stdout else ""
    return re.findall(r"^ {4}(\S+)", listing, flags=re.MULTILINE)


def spark_submit(master: str, args: list[str], conf: dict[str, str] | None = None,
                 timeout_s: float = 900) -> subprocess.CompletedProcess:
    """``spark-submit --master <master> --deploy-mode client --class io.kindred.jobs.Kindred <jar> <args>``."""
    cmd = [str(spark_home() / "bin" / "spark-submit"), "--master", master, "--deploy-mode", "client",
           "--class", MAIN_CLASS]
    for key, value in {"spark.ui.enabled": "false", "spark.executor.memory": "1g", **(conf or {})}.items():
        cmd += ["--conf", f"{key}={value}"]
    cmd += [str(require_jar()), *args]
    return subprocess.run(cmd, env=spark_env(), capture_output=True, text=True, timeout=timeout_s)
