"""deploy/nginx.conf without Docker: N replicas (python app.py) and nginx, all on 127.0.0.1.

    python deploy/loopback.py [--replicas 2] [--port 8080]       # then open http://127.0.0.1:8080/classroom/

The nginx.conf is the shipped one with two kinds of lines changed: its `server appN:7860` lines become one per
replica on a free loopback port, and `listen 8080` the loopback port given; nginx runs in the foreground with a
prefix directory of its own (pid, temp files). tests/test_proxy.py and bench/proxy.py run the classroom this way.
Needs Debian's nginx (/usr/sbin/nginx) on the PATH. Ctrl-C stops everything.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
CONF = Path(__file__).with_name("nginx.conf")
SUB_PATH = "/classroom"
UPSTREAM = re.compile(r"^(\s*)server app\d+:7860( [^;]*)?;\n", re.M)
LISTEN = re.compile(r"^(\s*)listen 8080;$", re.M)


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def render(conf: str, replica_ports: list[int], listen_port: int) -> str:
    """The shipped conf with its upstream servers on loopback ports and its listen address on ``listen_port``."""
    lines = UPSTREAM.findall(conf)
    if not lines or LISTEN.search(conf) is None:
        raise ValueError("deploy/nginx.conf has no `server appN:7860` lines or no `listen 8080;`")
    indent, params = lines[0]
    servers = "".join(f"{indent}server 127.0.0.1:{port}{params};\n" for port in replica_ports)
    first = UPSTREAM.search(conf).start()
    conf = UPSTREAM.sub("", conf)
    conf = conf[:first] + servers + conf[first:]
    return LISTEN.sub(lambda m: f"{m[1]}listen 127.0.0.1:{listen_port};", conf)


def get(url: str, timeout: float = 5.0) -> tuple[int, bytes]:
    """(status, body) of a GET; (0, b"") when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except OSError:
        return 0, b""


@dataclass
class Replica:
    name: str
    port: int
    process: subprocess.Popen
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Classroom:
    """Replicas and the nginx in front of them; ``url`` is the proxy's address of the app (ends with /)."""
    dir: Path
    port: int
    replicas: dict[str, Replica] = field(default_factory=dict)
    nginx: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{SUB_PATH}/"

    def start_replica(self, name: str, port: int, env: dict[str, str] | None = None) -> Replica:
        log = self.dir / f"{name}.log"
        env = {**os.environ, "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1"), **(env or {}),
               "GRADIO_SERVER_NAME": "127.0.0.1", "GRADIO_SERVER_PORT": str(port), "GRADIO_ROOT_PATH": SUB_PATH,
               "CLASSROOM_REPLICA": name, "GRADIO_ANALYTICS_ENABLED": "False", "PYTHONUNBUFFERED": "1"}
        with open(log, "wb") as out:
            proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        self.replicas[name] = Replica(name, port, proc, log)
        return self.replicas[name]

    def wait_healthy(self, name: str, timeout: float = 600.0) -> None:
        r = self.replicas[name]
        end = time.monotonic() + timeout
        while get(f"{r.url}/healthz", 2)[0] != 200:
            if r.process.poll() is not None or time.monotonic() > end:
                raise RuntimeError(f"replica {name} did not start:\n{r.log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.25)

    def start_nginx(self) -> None:
        conf = self.dir / "nginx.conf"
        conf.write_text(render(CONF.read_text(encoding="utf-8"), [r.port for r in self.replicas.values()], self.port),
                        encoding="utf-8")
        with open(self.dir / "nginx.log", "wb") as out:
            self.nginx = subprocess.Popen([nginx_binary(), "-p", str(self.dir), "-c", str(conf), "-g", "daemon off;"],
                                          stdout=out, stderr=subprocess.STDOUT)
        end = time.monotonic() + 20
        while get(f"http://127.0.0.1:{self.port}{SUB_PATH}/healthz", 2)[0] != 200:
            if self.nginx.poll() is not None or time.monotonic() > end:
                raise RuntimeError(f"nginx did not start:\n{(self.dir / 'nginx.log').read_text(errors='replace')}")
            time.sleep(0.1)

    def stop(self) -> None:
        procs = [r.process for r in self.replicas.values()] + ([self.nginx] if self.nginx else [])
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGQUIT if p is self.nginx else signal.SIGKILL)
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()


@contextmanager
def classroom(n: int = 2, port: int | None = None, env: dict[str, str] | None = None) -> Iterator[Classroom]:
    """N replicas named r1..rN (started at once, in parallel) behind the shipped nginx.conf, on loopback."""
    room = Classroom(Path(tempfile.mkdtemp(prefix="classroom-nginx-")), port or free_port())
    room.dir.chmod(0o755)                       # nginx's workers (nobody, when started as root) use its temp dirs
    try:
        for i in range(1, n + 1):
            room.start_replica(f"r{i}", free_port(), env)
        for name in room.replicas:
            room.wait_healthy(name)
        room.start_nginx()
        yield room
    finally:
        room.stop()
        shutil.rmtree(room.dir, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replicas", type=int, default=2)
    ap.add_argument("--port", type=int, default=8080)
    args = ap.parse_args()
    if nginx_binary() is None:
        raise SystemExit("nginx is not installed (Debian: apt-get install nginx)")
    with classroom(args.replicas, args.port) as room:
        print(f"{args.replicas} replicas behind nginx: {room.url}   (logs in {room.dir}; Ctrl-C stops)", flush=True)
        try:
            while all(r.process.poll() is None for r in room.replicas.values()):
                time.sleep(1)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
