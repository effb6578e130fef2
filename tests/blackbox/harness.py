"""Black-box harness: starts the real `citydata` binary on a free port and talks to it.

Every test server gets its own temporary data directory and CLI settings file, and
listens on 127.0.0.1 only. Nothing here reaches beyond this machine.
"""
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

BIN = os.environ.get("CITYDATA_BIN", os.path.join(os.path.dirname(__file__), "../../build/citydata"))


def id_number(body17):
    """A GB 11643 ID number: the 17 digits and their check character."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(c) * w for c, w in zip(body17, weights))
    return body17 + "10X98765432"[total % 11]


class Server:
    """A `citydata serve` process on a free port."""

    def __init__(self, data_dir=None, extra_args=()):
        self.tmp = tempfile.mkdtemp(prefix="citydata_bb_")
        self.data_dir = data_dir or os.path.join(self.tmp, "data")
        self.config = os.path.join(self.tmp, "cli.json")
        self.extra_args = list(extra_args)
        self.proc = None
        self.port = None
        self.token = None

    def start(self):
        env = dict(os.environ, CITYDATA_CONFIG=self.config)
        self.proc = subprocess.Popen(
            [BIN, "serve", "--data", self.data_dir, "--listen", "127.0.0.1:0", *self.extra_args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        deadline = time.time() + 30
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("server exited: " + self.proc.stderr.read())
            m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
            if m:
                self.port = int(m.group(1))
                break
        with open(os.path.join(self.data_dir, "admin.token")) as f:
            self.token = f.read().strip()
        return self

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=timeout)
        return self.proc.returncode if self.proc else None

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.close_pipes()

    def close_pipes(self):
        if self.proc:
            for pipe in (self.proc.stdout, self.proc.stderr):
                if pipe and not pipe.closed:
                    pipe.close()

    def cleanup(self):
        self.kill()
        shutil.rmtree(self.tmp, ignore_errors=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def request(self, method, path, body=None, token="default", headers=None, timeout=60):
        """Returns (status, headers, parsed JSON or raw text)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        h = dict(headers or {})
        if token == "default":
            token = self.token
        if token:
            h["Authorization"] = "Bearer " + token
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            h.setdefault("Content-Type", "application/json")
        conn.request(method, path, body=body, headers=h)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        ctype = resp.getheader("Content-Type", "")
        if "json" in ctype:
            return resp.status, dict(resp.getheaders()), json.loads(data)
        return resp.status, dict(resp.getheaders()), data.decode("utf-8", "replace")

    def cli(self, *args, check=True, input_bytes=None):
        """Runs a CLI command against this server; returns CompletedProcess (text)."""
        env = dict(os.environ, CITYDATA_CONFIG=self.config, CITYDATA_SERVER=self.url,
                   CITYDATA_TOKEN=self.token)
        proc = subprocess.run([BIN, *args], capture_output=True, text=True, env=env, timeout=600)
        if check and proc.returncode != 0:
            raise AssertionError(f"citydata {' '.join(args)} failed ({proc.returncode}): "
                                 f"{proc.stderr}")
        return proc

    def cli_json(self, *args):
        return json.loads(self.cli(*args, "--format", "json").stdout)

    def ingest(self, path, dataset, *args, dept="gaj"):
        return self.cli_json("ingest", path, "--dataset", dataset, "--dept", dept, *args)

    def query(self, sql):
        out = self.cli_json("query", sql)
        return out["rows"]


class ServerTest(unittest.TestCase):
    """A test case with one running server and a department `gaj`."""

    def setUp(self):
        self.server = Server().start()
        self.addCleanup(self.server.cleanup)
        self.server.cli("depts", "add", "gaj", "市公安局")
        self.files = tempfile.mkdtemp(prefix="citydata_files_")
        self.addCleanup(shutil.rmtree, self.files, True)

    def write(self, name, data):
        path = os.path.join(self.files, name)
        mode = "wb" if isinstance(data, bytes) else "w"
        with open(path, mode, **({} if mode == "wb" else {"encoding": "utf-8", "newline": ""})) as f:
            f.write(data)
        return path
