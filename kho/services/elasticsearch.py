"""Elasticsearch from Maven Central's integ-test-zip, run as a non-root user on 127.0.0.1:9200."""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

from kho.errors import ServiceUnavailableError
from kho.services.base import ServiceStatus
from kho.services.endpoints import ES_PORT
from kho.services.process import (
    RunAs,
    chown_tree,
    http_ok,
    log_tail,
    read_pid,
    require_tool,
    run_checked,
    service_account,
    service_cache_dir,
    spawn,
    stop_pid,
    wait_until,
)

ES_GROUP_ARTIFACT = "org.elasticsearch.distribution.integ-test-zip:elasticsearch"
ES_VERSION = "9.2.4"
# Only when no Java 21+ exists: the 8.x server runs on Java 17 (and needs the 8.x Python client).
ES_FALLBACK_VERSION = "8.19.21"
HEAP = "1g"
JAVA_CANDIDATES = ("/usr/lib/jvm/*/bin/java", "/opt/java/*/bin/java", "/usr/local/*/bin/java")


def java_major(java: str) -> int:
    """The major version of a ``java`` executable (0 if it does not run)."""
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return 0
    return parse_java_major(out.stderr + out.stdout)


def parse_java_major(version_output: str) -> int:
    """Parse ``java -version`` output: '17.0.15' -> 17, '1.8.0' -> 8, '25' -> 25."""
    match = re.search(r'version "(\d+)(?:\.(\d+))?', version_output)
    if not match:
        return 0
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def find_java_home(minimum: int) -> Path | None:
    """A JDK home whose java is at least ``minimum``, preferring the newest."""
    candidates = [os.environ.get("ES_JAVA_HOME", ""), os.environ.get("JAVA_HOME", "")]
    homes = [Path(c) for c in candidates if c]
    homes += [Path(p).parent.parent for p in sorted(glob.glob(JAVA_CANDIDATES[0]))]
    homes += [Path(p).parent.parent for g in JAVA_CANDIDATES[1:] for p in sorted(glob.glob(g))]
    which = shutil.which("java")
    if which:
        homes.append(Path(os.path.realpath(which)).parent.parent)
    best: tuple[int, Path] | None = None
    for home in homes:
        major = java_major(str(home / "bin" / "java"))
        if major >= minimum and (best is None or major > best[0]):
            best = (major, home)
    return best[1] if best else None


def server_settings(data: Path, logs: Path) -> list[str]:
    """The ``-E`` settings of a single loopback node for tests (security and watermarks off)."""
    values = {
        "discovery.type": "single-node",
        "network.host": "127.0.0.1",
        "http.port": str(ES_PORT),
        "transport.port": "9300",
        "path.data": str(data),
        "path.logs": str(logs),
        "xpack.security.enabled": "false",
        "cluster.routing.allocation.disk.threshold_enabled": "false",
        "action.destructive_requires_name": "false",
    }
    return [f"-E{key}={value}" for key, value in values.items()]


class ElasticsearchService:
    """The project's Elasticsearch node."""

    name = "elasticsearch"

    def __init__(self) -> None:
        self.java_home = find_java_home(21)
        self.version = ES_VERSION if self.java_home else ES_FALLBACK_VERSION
        self._account: RunAs | None = None
        self.health_url = f"http://127.0.0.1:{ES_PORT}/_cluster/health?wait_for_status=yellow&timeout=1s"

    @property
    def account(self) -> RunAs:
        """The non-root account Elasticsearch runs as (created on first use when we are root)."""
        if self._account is None:
            self._account = service_account()
        return self._account

    @property
    def root(self) -> Path:
        """Where the node lives: under the service account's cache (root cannot run it)."""
        return service_cache_dir() / "elasticsearch"

    @property
    def home(self) -> Path:
        return self.root / f"elasticsearch-{self.version}"

    @property
    def log(self) -> Path:
        return self.root / "elasticsearch.log"

    @property
    def pid_file(self) -> Path:
        return self.root / "elasticsearch.pid"

    def _zip_path(self) -> Path:
        group, artifact = ES_GROUP_ARTIFACT.split(":")
        m2 = Path(os.environ.get("KHO_M2_REPO") or Path.home() / ".m2" / "repository")
        return m2 / group.replace(".", "/") / artifact / self.version / f"{artifact}-{self.version}.zip"

    def install(self) -> None:
        """Fetch the zip with Maven (cached in ~/.m2) and unpack it once."""
        if (self.home / "bin" / "elasticsearch").exists():
            return
        zip_path = self._zip_path()
        if not zip_path.exists():
            mvn = require_tool("mvn", "install Maven to fetch Elasticsearch from Maven Central")
            run_checked([mvn, "-q", "-B", "dependency:get", f"-Dartifact={ES_GROUP_ARTIFACT}:{self.version}:zip",
                         "-Dtransitive=false"], what=f"fetch Elasticsearch {self.version} with mvn")
        self.root.mkdir(parents=True, exist_ok=True)
        staging = self.root / f".unpack-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        try:
            with zipfile.ZipFile(zip_path) as zf:
                zf.extractall(staging)
        except (OSError, zipfile.BadZipFile) as e:
            raise ServiceUnavailableError(f"cannot unpack {zip_path}: {e}", subject="elasticsearch") from e
        for script in (staging / f"elasticsearch-{self.version}" / "bin").iterdir():
            script.chmod(0o755)
        (staging / f"elasticsearch-{self.version}").rename(self.home)
        shutil.rmtree(staging, ignore_errors=True)

    def start(self) -> ServiceStatus:
        """Start the node unless it already answers, then wait for yellow health."""
        if http_ok(self.health_url):
            return self.status()
        self.install()
        data, logs = self.root / "data", self.root / "logs"
        for d in (data, logs):
            d.mkdir(parents=True, exist_ok=True)
        chown_tree(self.root, self.account)
        java_home = self.java_home or find_java_home(17)
        if java_home is None:
            raise ServiceUnavailableError("no Java 17+ found to run Elasticsearch", subject="elasticsearch")
        env = dict(os.environ, ES_JAVA_HOME=str(java_home), ES_JAVA_OPTS=f"-Xms{HEAP} -Xmx{HEAP}",
                   HOME=str(self.account.home), ES_TMPDIR=str(self.root / "tmp"))
        (self.root / "tmp").mkdir(exist_ok=True)
        chown_tree(self.root / "tmp", self.account)
        argv = [str(self.home / "bin" / "elasticsearch"), *server_settings(data, logs)]
        spawn(argv, log=self.log, pid_file=self.pid_file, env=env, account=self.account, cwd=self.root)
        if not wait_until(lambda: http_ok(self.health_url, timeout=5), timeout=240,
                          alive=lambda: read_pid(self.pid_file) is not None):
            raise ServiceUnavailableError(
                f"did not become healthy: {log_tail(self.log)}; log: {self.log}", subject="elasticsearch")
        return self.status()

    def stop(self) -> bool:
        """Stop the node if we started it."""
        return stop_pid(self.pid_file, grace=60)

    def status(self) -> ServiceStatus:
        """Whether the node answers with yellow or green health."""
        running = http_ok(self.health_url)
        pid = read_pid(self.pid_file)
        detail = self.version if pid or not running else f"{self.version}; not started by kho"
        return ServiceStatus(self.name, running, f"http://127.0.0.1:{ES_PORT}", pid, detail)
