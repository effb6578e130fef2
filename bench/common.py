"""Shared by the benchmark drivers: running a citydata server on a free loopback port."""
import os
import re
import subprocess


class CitydataServer:
    """`citydata serve --data DATA` on 127.0.0.1 with a free port; a context manager."""

    def __init__(self, binary, data, env):
        self.binary, self.data, self.env = binary, data, dict(env)

    def __enter__(self):
        self.proc = subprocess.Popen([self.binary, "serve", "--data", self.data, "--listen",
                                      "127.0.0.1:0"], stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True, env=self.env)
        for line in self.proc.stdout:
            m = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
            if m:
                self.url = m.group(1)
                break
        else:
            raise RuntimeError("citydata serve exited before listening")
        self.token = open(os.path.join(self.data, "admin.token")).read().strip()
        self.env.update(CITYDATA_SERVER=self.url, CITYDATA_TOKEN=self.token)
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(timeout=60)
