"""A real Spark standalone cluster on 127.0.0.1: one master and one worker, from the pinned PySpark wheel.

The wheel ships ``bin/spark-class`` but no ``sbin/start-master.sh``, so the daemons are started the way those scripts
would: ``spark-class org.apache.spark.deploy.master.Master`` and ``...worker.Worker``, each in a session of its own,
on free ports, with pid files and logs in one state directory. ``start`` returns once the worker is registered with
the master (polled on the master UI's ``/json/``); ``stop`` ends both daemons, and only them: a pid is signalled only
while its command line is still that daemon's.

    python -m kindred_harness.standalone start --dir /tmp/kindred-spark     # prints MASTER_URL=spark://127.0.0.1:N
    python -m kindred_harness.standalone status --dir /tmp/kindred-spark
    python -m kindred_harness.standalone stop --dir /tmp/kindred-spark
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

from kindred_harness.paths import spark_env, spark_home

MASTER_CLASS = "org.apache.spark.deploy.master.Master"
WORKER_CLASS = "org.apache.spark.deploy.worker.Worker"
STATE_FILE = "cluster.json"


def free_port() -> int:
    """A port nobody listens on right now on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class ClusterState:
    """What ``start`` leaves in ``<dir>/cluster.json`` for ``status``, ``stop`` and the tests."""

    master_url: str
    master_ui: str
    master_pid: int
    worker_pid: int | None
    worker_cores: int
    worker_memory: str


class StandaloneCluster:
    """One master and one worker on 127.0.0.1; a context manager that always stops both."""

    def __init__(self, state_dir: Path, worker_cores: int = 1, worker_memory: str = "2g",
                 daemon_memory: str = "512m", timeout_s: float = 120.0):
        self.dir = Path(state_dir).resolve()
        self.worker_cores = worker_cores
        self.worker_memory = worker_memory
        self.daemon_memory = daemon_memory
        self.timeout_s = timeout_s
        self.state: ClusterState | None = None
        self._procs: dict[str, subprocess.Popen] = {}

    # -- lifecycle ----------------------------------------------------------------------------------------------

    def start(self) -> ClusterState:
        """Starts the master, then the worker, and waits until the worker is ALIVE in the master's view."""
        self.dir.mkdir(parents=True, exist_ok=True)
        if (self.dir / STATE_FILE).exists() and self.status()["master_alive"]:
            raise RuntimeError(f"a cluster from {self.dir} is still running: stop it first")
        try:
            master_port, ui_port = free_port(), free_port()
            master_url = f"spark://127.0.0.1:{master_port}"
            master_ui = f"http://127.0.0.1:{ui_port}"
            master_pid = self._spawn("master", [MASTER_CLASS, "--host", "127.0.0.1", "--port", str(master_port),
                                                "--webui-port", str(ui_port)])
            self.state = ClusterState(master_url, master_ui, master_pid, None, self.worker_cores, self.worker_memory)
            self._save()
            self._wait(lambda j: j.get("status") == "ALIVE", "the master to be ALIVE", "master")
            work_dir = self.dir / "worker-work"
            work_dir.mkdir(exist_ok=True)
            self.state.worker_pid = self._spawn("worker", [
                WORKER_CLASS, master_url, "--host", "127.0.0.1", "--port", str(free_port()),
                "--webui-port", str(free_port()), "--cores", str(self.worker_cores),
                "--memory", self.worker_memory, "--work-dir", str(work_dir)])
            self._save()
            self._wait(lambda j: any(w.get("state") == "ALIVE" for w in j.get("workers", [])),
                       "the worker to register with the master", "worker")
            return self.state
        except BaseException:
            self.stop()
            raise

    def stop(self) -> list[str]:
        """Stops the worker, then the master, whatever state they are in; returns what it stopped."""
        state = self.state or self._load()
        stopped = []
        if state is not None:
            for role, pid, cls in (("worker", state.worker_pid, WORKER_CLASS),
                                   ("master", state.master_pid, MASTER_CLASS)):
                if pid is not None and _terminate(pid, cls):
                    stopped.append(f"{role} (pid {pid})")
        for name in (STATE_FILE, "master.pid", "worker.pid"):
            (self.dir / name).unlink(missing_ok=True)
        self.state = None
        return stopped

    def status(self) -> dict:
        state = self.state or self._load()
        if state is None:
            return {"running": False, "master_alive": False}
        out = asdict(state)
        out["master_alive"] = _is_daemon(state.master_pid, MASTER_CLASS)
        out["worker_alive"] = state.worker_pid is not None and _is_daemon(state.worker_pid, WORKER_CLASS)
        try:
            out["master_json"] = master_json(state.master_ui)
        except OSError as e:
            out["master_json"] = f"unreachable: {e}"
        return out

    def __enter__(self) -> ClusterState:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- what the tests read ------------------------------------------------------------------------------------

    def applications(self) -> list[dict]:
        """Running and completed applications, as the master reports them."""
        j = master_json(self._require().master_ui)
        return j.get("activeapps", []) + j.get("completedapps", [])

    def log(self, role: str) -> str:
        path = self.dir / f"{role}.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""

    # -- internals ----------------------------------------------------------------------------------------------

    def _require(self) -> ClusterState:
        state = self.state or self._load()
        if state is None:
            raise RuntimeError(f"no cluster recorded in {self.dir}")
        return state

    def _spawn(self, role: str, args: list[str]) -> int:
        log = open(self.dir / f"{role}.log", "ab")
        env = spark_env(SPARK_DAEMON_MEMORY=self.daemon_memory, SPARK_NO_DAEMONIZE="1",
                        SPARK_WORKER_DIR=str(self.dir / "worker-work"), SPARK_LOCAL_DIRS=str(self.dir / "local"),
                        # Client mode only: no REST submission server (it would take the fixed port 6066).
                        SPARK_MASTER_OPTS="-Dspark.master.rest.enabled=false")
        # spark-class ends in `exec java ...`: the pid is the daemon's JVM. A session of its own keeps it out of
        # the caller's terminal signals; stop() ends it by pid.
        proc = subprocess.Popen([str(spark_home() / "bin" / "spark-class"), *args], stdin=subprocess.DEVNULL,
                                stdout=log, stderr=subprocess.STDOUT, env=env, cwd=self.dir, start_new_session=True)
        log.close()
        (self.dir / f"{role}.pid").write_text(f"{proc.pid}\n")
        self._procs[role] = proc
        return proc.pid

    def _wait(self, ready, what: str, role: str) -> None:
        deadline = time.monotonic() + self.timeout_s
        last = "no answer yet"
        while time.monotonic() < deadline:
            proc = self._procs[role]
            if proc.poll() is not None:
                raise RuntimeError(f"the Spark {role} exited with code {proc.returncode} while waiting for {what}; "
                                   f"its log ({self.dir / (role + '.log')}) ends:\n{_tail(self.log(role))}")
            try:
                j = master_json(self.state.master_ui)
                if ready(j):
                    return
                last = json.dumps({k: j.get(k) for k in ("status", "workers")})[:400]
            except OSError as e:
                last = str(e)
            time.sleep(0.5)
        raise TimeoutError(f"timed out after {self.timeout_s:.0f} s waiting for {what} (last: {last}); "
                           f"{role} log ends:\n{_tail(self.log(role))}")

    def _save(self) -> None:
        (self.dir / STATE_FILE).write_text(json.dumps(asdict(self.state), indent=2) + "\n")

    def _load(self) -> ClusterState | None:
        path = self.dir / STATE_FILE
        if path.exists():
            return ClusterState(**json.loads(path.read_text()))
        # A start that died before writing the state still leaves pid files.
        pids = {role: _read_pid(self.dir / f"{role}.pid") for role in ("master", "worker")}
        if pids["master"] is None and pids["worker"] is None:
            return None
        return ClusterState("", "", pids["master"], pids["worker"], 0, "")


def master_json(master_ui: str, timeout_s: float = 5.0) -> dict:
    """The master UI's JSON view: status, workers, active and completed applications."""
    with urllib.request.urlopen(f"{master_ui}/json/", timeout=timeout_s) as response:
        return json.load(response)


def _read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def _is_daemon(pid: int | None, cls: str) -> bool:
    """Whether ``pid`` is still a JVM running ``cls`` (a recycled pid is someone else's process)."""
    if pid is None:
        return False
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return cls.encode() in cmdline


def _terminate(pid: int, cls: str, grace_s: float = 20.0) -> bool:
    """SIGTERM, then SIGKILL after ``grace_s``; only while ``pid`` is still the daemon. Reaps it if it is our child."""
    if not _is_daemon(pid, cls):
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline:
        _reap(pid)
        if not _is_daemon(pid, cls):
            return True
        time.sleep(0.2)
    if _is_daemon(pid, cls):
        os.kill(pid, signal.SIGKILL)
        for _ in range(50):
            _reap(pid)
            if not _is_daemon(pid, cls):
                break
            time.sleep(0.1)
    return True


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def _tail(text: str, lines: int = 30) -> str:
    return "\n".join(text.splitlines()[-lines:])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="spark-standalone", description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["start", "stop", "status"])
    parser.add_argument("--dir", required=True, type=Path, help="state directory: pid files, logs, cluster.json")
    parser.add_argument("--worker-cores", type=int, default=1)
    parser.add_argument("--worker-memory", default="2g")
    args = parser.parse_args(argv)
    cluster = StandaloneCluster(args.dir, worker_cores=args.worker_cores, worker_memory=args.worker_memory)
    if args.action == "start":
        started = time.monotonic()
        state = cluster.start()
        print(f"MASTER_URL={state.master_url}")
        print(f"MASTER_UI={state.master_ui}")
        print(f"started master (pid {state.master_pid}) and worker (pid {state.worker_pid}) in "
              f"{time.monotonic() - started:.1f} s; logs in {cluster.dir}", file=sys.stderr)
    elif args.action == "stop":
        stopped = cluster.stop()
        print("stopped " + (", ".join(stopped) if stopped else "nothing (no daemon running)"), file=sys.stderr)
    else:
        status = cluster.status()
        print(json.dumps(status, indent=2, default=str))
        return 0 if status.get("master_alive") else 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
