"""A throw-away OpenSearch node for tests (and local experiments), from Maven artifacts.

    python -m devtools.opensearch_node fetch      # download + build into ./.cache/opensearch (once)
    python -m devtools.opensearch_node start      # run a node in the foreground (Ctrl-C stops it)

`fetch` uses Maven (`mvn dependency:copy`) for the OpenSearch integration-test distribution
`org.opensearch.distribution.integ-test-zip:opensearch:2.19.6@zip` (the newest 2.x that runs on
this machine's Java 17) and `org.apache.lucene:lucene-analysis-nori:9.12.3` (the Lucene version
of that distribution). The `org.opensearch.plugin:analysis-nori` zip is not served by our Maven
registry (no version of it resolves), and the integ-test distribution carries no
analysis-common module, so `fetch` compiles jobs/opensearch_plugin/KrxAnalysisPlugin.java — a
small plugin registering nori_tokenizer / nori_part_of_speech / nori_readingform / nori and
lowercase / edge_ngram / keyword on Lucene's own classes — with the JDK's javac.

`Node` unpacks the distribution into a temporary folder, installs the plugin, and starts a
single-node cluster on free ports, as the unprivileged user `nobody` when run as root
(OpenSearch refuses to run as root).
"""

from __future__ import annotations

import logging
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile
from pathlib import Path

from devtools.embedded import free_port

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[1]
CACHE = REPO_ROOT / ".cache" / "opensearch"
OPENSEARCH_VERSION = "2.19.6"
LUCENE_VERSION = "9.12.3"
DIST_ARTIFACT = f"org.opensearch.distribution.integ-test-zip:opensearch:{OPENSEARCH_VERSION}:zip"
NORI_ARTIFACT = f"org.apache.lucene:lucene-analysis-nori:{LUCENE_VERSION}"
PLUGIN_SOURCE = Path(__file__).resolve().parent / "opensearch_plugin" / "KrxAnalysisPlugin.java"
PLUGIN_NAME = "krx-analysis"
RUN_AS = "nobody"


class NodeUnavailable(RuntimeError):
    """OpenSearch could not be fetched, built or started; the message says which step failed."""


def _java_home() -> str:
    for candidate in (
        os.environ.get("OPENSEARCH_JAVA_HOME"),
        os.environ.get("JAVA_HOME"),
        "/usr/lib/jvm/java-17-openjdk-amd64",
    ):
        if candidate and (Path(candidate) / "bin" / "java").exists():
            return candidate
    java = shutil.which("java")
    if java:
        return str(Path(os.path.realpath(java)).parents[1])
    raise NodeUnavailable("no Java found (set JAVA_HOME)")


def _mvn_copy(artifact: str, dest: Path) -> None:
    mvn = shutil.which("mvn")
    if not mvn:
        raise NodeUnavailable("Maven (mvn) is not installed")
    done = subprocess.run(
        [mvn, "-q", "-B", "dependency:copy", f"-Dartifact={artifact}", f"-DoutputDirectory={dest}"],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=dest,
    )
    if done.returncode != 0:
        tail = "\n".join(line for line in done.stdout.splitlines() if "ERROR" in line)[:1500]
        raise NodeUnavailable(f"mvn dependency:copy {artifact} failed:\n{tail}")


def fetch(cache: Path = CACHE) -> dict[str, Path]:
    """Download the artifacts and build the plugin jar, once; return their paths."""
    cache.mkdir(parents=True, exist_ok=True)
    dist = cache / f"opensearch-{OPENSEARCH_VERSION}.zip"
    nori = cache / f"lucene-analysis-nori-{LUCENE_VERSION}.jar"
    if not dist.exists():
        log.info("fetching %s with Maven", DIST_ARTIFACT)
        _mvn_copy(DIST_ARTIFACT, cache)
    if not nori.exists():
        log.info("fetching %s with Maven", NORI_ARTIFACT)
        _mvn_copy(NORI_ARTIFACT, cache)
    plugin_jar = cache / f"{PLUGIN_NAME}-{OPENSEARCH_VERSION}.jar"
    if not plugin_jar.exists() or plugin_jar.stat().st_mtime < PLUGIN_SOURCE.stat().st_mtime:
        with tempfile.TemporaryDirectory() as tmp:
            with zipfile.ZipFile(dist) as zf:
                libs = [
                    n
                    for n in zf.namelist()
                    if n.startswith(f"opensearch-{OPENSEARCH_VERSION}/lib/") and n.endswith(".jar")
                ]
                zf.extractall(tmp, libs)
            classes = Path(tmp) / "classes"
            classpath = os.pathsep.join([str(Path(tmp) / f"opensearch-{OPENSEARCH_VERSION}" / "lib" / "*"), str(nori)])
            java_home = _java_home()
            done = subprocess.run(
                [
                    f"{java_home}/bin/javac",
                    "-nowarn",
                    "--release",
                    "11",
                    "-d",
                    str(classes),
                    "-cp",
                    classpath,
                    str(PLUGIN_SOURCE),
                ],
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                raise NodeUnavailable(f"javac failed:\n{done.stderr[-1500:]}")
            done = subprocess.run(
                [f"{java_home}/bin/jar", "cf", str(plugin_jar), "-C", str(classes), "."], capture_output=True, text=True
            )
            if done.returncode != 0:
                raise NodeUnavailable(f"jar failed:\n{done.stderr[-800:]}")
    return {"dist": dist, "nori": nori, "plugin": plugin_jar}


class Node:
    """A single-node OpenSearch cluster on 127.0.0.1 in a temporary folder."""

    def __init__(self, cache: Path = CACHE, heap: str = "512m", http_port: int | None = None) -> None:
        self.cache, self.heap = cache, heap
        self.http_port = http_port  # given in advance when clients are configured before the node is up
        self.root: Path | None = None
        self.process: subprocess.Popen | None = None
        self.url = ""

    def start(self, timeout: float = 120.0) -> str:
        paths = fetch(self.cache)
        self.root = Path(tempfile.mkdtemp(prefix="krx-opensearch-"))
        with zipfile.ZipFile(paths["dist"]) as zf:
            zf.extractall(self.root)
        home = self.root / f"opensearch-{OPENSEARCH_VERSION}"
        for script in (home / "bin").iterdir():
            script.chmod(0o755)
        plugin_dir = home / "plugins" / PLUGIN_NAME
        plugin_dir.mkdir(parents=True)
        shutil.copy(paths["plugin"], plugin_dir)
        shutil.copy(paths["nori"], plugin_dir)
        (plugin_dir / "plugin-descriptor.properties").write_text(
            "description=Korean (nori) and prefix analysis for the KRX platform's test node\n"
            f"version={OPENSEARCH_VERSION}\nname={PLUGIN_NAME}\nclassname=krx.opensearch.KrxAnalysisPlugin\n"
            f"java.version=11\nopensearch.version={OPENSEARCH_VERSION}\n"
        )
        for d in ("data", "logs", "tmp"):
            (self.root / d).mkdir()
        http_port, transport_port = self.http_port or free_port(), free_port()
        env = {
            **os.environ,
            "OPENSEARCH_JAVA_HOME": _java_home(),
            "OPENSEARCH_TMPDIR": str(self.root / "tmp"),
            "OPENSEARCH_JAVA_OPTS": f"-Xms{self.heap} -Xmx{self.heap} -XX:-HeapDumpOnOutOfMemoryError",
        }
        env.pop("JAVA_TOOL_OPTIONS", None)
        kwargs: dict = {}
        if os.geteuid() == 0:
            user = pwd.getpwnam(RUN_AS)
            self.root.chmod(0o755)
            for path in [self.root, *self.root.rglob("*")]:
                os.chown(path, user.pw_uid, user.pw_gid, follow_symlinks=False)
            kwargs = {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}
            env["HOME"] = str(self.root)
        args = [
            str(home / "bin" / "opensearch"),
            "-Ediscovery.type=single-node",
            "-Enetwork.host=127.0.0.1",
            f"-Ehttp.port={http_port}",
            f"-Etransport.port={transport_port}",
            f"-Epath.data={self.root / 'data'}",
            f"-Epath.logs={self.root / 'logs'}",
            "-Ecluster.routing.allocation.disk.threshold_enabled=false",
            "-Eaction.auto_create_index=false",
            "-Ebootstrap.memory_lock=false",
        ]
        self.log_path = self.root / "node.log"
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            args,
            env=env,
            cwd=self.root,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            **kwargs,
        )
        self.url = f"http://127.0.0.1:{http_port}"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise NodeUnavailable(f"opensearch exited with {self.process.returncode}:\n{self.output()[-3000:]}")
            try:
                with urllib.request.urlopen(self.url + "/_cluster/health?wait_for_status=yellow&timeout=1s", timeout=3):
                    return self.url
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise NodeUnavailable(f"opensearch did not answer within {timeout}s:\n{self.output()[-3000:]}")

    def output(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if getattr(self, "_log", None):
            self._log.close()
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    command = sys.argv[1] if len(sys.argv) > 1 else "fetch"
    if command == "fetch":
        for name, path in fetch().items():
            print(f"{name}: {path}")
    elif command == "start":
        import signal

        def interrupt(*_) -> None:
            raise KeyboardInterrupt

        # Also when started in the background (where SIGINT is ignored) and on SIGTERM.
        signal.signal(signal.SIGINT, interrupt)
        signal.signal(signal.SIGTERM, interrupt)
        node = Node()
        try:
            print(f"OpenSearch {OPENSEARCH_VERSION} at {node.start()} (Ctrl-C stops it)", flush=True)
            node.process.wait()
        except KeyboardInterrupt:
            pass
        finally:
            node.stop()
    else:
        sys.exit("usage: python -m devtools.opensearch_node fetch|start")


if __name__ == "__main__":
    main()
