"""Server behaviour: crash safety, concurrency, keep-alive, limits, graceful shutdown."""
import http.client
import os
import signal
import socket
import threading
import time
import unittest

from harness import Server, ServerTest


def big_csv(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        f.write("id,name,addr,code\n")
        for i in range(rows):
            f.write(f"{i},居民{i % 977},浙江省杭州市西湖区文三路{i % 500}号,{i % 100:04d}\n")


class CrashTest(ServerTest):
    def test_kill_9_during_ingest_leaves_previous_version(self):
        small = self.write("small.csv", "id,name,addr,code\n1,a,b,0001\n")
        self.server.ingest(small, "victim")
        big = os.path.join(self.files, "big.csv")
        big_csv(big, 1_500_000)
        env = dict(os.environ, CITYDATA_SERVER=self.server.url, CITYDATA_TOKEN=self.server.token,
                   CITYDATA_CONFIG=self.server.config)
        import subprocess
        from harness import BIN
        client = subprocess.Popen([BIN, "ingest", big, "--dataset", "victim", "--mode", "replace"],
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # Wait until the server has the upload and is loading, then kill it hard.
        deadline = time.time() + 60
        spool = os.path.join(self.server.data_dir, "spool")
        while time.time() < deadline and not os.listdir(spool):
            time.sleep(0.01)
        time.sleep(1.0)
        self.server.kill()
        client.wait(timeout=60)
        restarted = Server(data_dir=self.server.data_dir)
        restarted.config = self.server.config
        restarted.start()
        self.addCleanup(restarted.kill)
        self.server.port = restarted.port
        rows = self.server.query("SELECT count(*), min(code) FROM raw.victim")
        self.assertIn(rows, ([[1, "0001"]], [[1_500_000, "0000"]]))
        jobs = self.server.cli_json("jobs", "raw.victim")["items"]
        self.assertIn(jobs[0]["state"], ("interrupted", "succeeded"))


class ServingTest(ServerTest):
    def test_keep_alive_and_many_connections_with_slow_clients(self):
        slow = []
        for _ in range(20):
            s = socket.create_connection(("127.0.0.1", self.server.port))
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # never finishes its header
            slow.append(s)
        results = []

        def worker():
            conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
            ok = 0
            for _ in range(3):  # three requests on one kept-alive connection
                conn.request("GET", "/api/v1/departments",
                             headers={"Authorization": "Bearer " + self.server.token})
                r = conn.getresponse()
                r.read()
                ok += r.status == 200
            conn.close()
            results.append(ok)

        threads = [threading.Thread(target=worker) for _ in range(200)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        for s in slow:
            s.close()
        self.assertEqual(len(results), 200)
        self.assertEqual(sum(results), 600)

    def test_one_server_per_data_directory(self):
        second = Server(data_dir=self.server.data_dir)
        self.addCleanup(second.cleanup)
        with self.assertRaises(RuntimeError) as refused:
            second.start()
        self.assertIn("another citydata server", str(refused.exception))

    def test_body_limit(self):
        status, _, body = self.server.request("POST", "/api/v1/departments",
                                              body=b"{" + b" " * (9 << 20) + b"}",
                                              headers={"Content-Type": "application/json"})
        self.assertEqual(status, 413)

    def test_sigterm_finishes_in_flight_work(self):
        big = os.path.join(self.files, "mid.csv")
        big_csv(big, 300_000)
        done = {}

        def ingest():
            done["result"] = self.server.cli("ingest", big, "--dataset", "inflight", "--dept", "gaj",
                                             "--format", "json", check=False)

        t = threading.Thread(target=ingest)
        t.start()
        spool = os.path.join(self.server.data_dir, "spool")
        deadline = time.time() + 60
        while time.time() < deadline and not os.listdir(spool):
            time.sleep(0.01)
        time.sleep(0.3)
        code = self.server.stop(signal.SIGTERM, timeout=120)
        t.join(timeout=120)
        self.assertEqual(code, 0)
        self.assertEqual(done["result"].returncode, 0, done["result"].stderr)
        restarted = Server(data_dir=self.server.data_dir)
        restarted.config = self.server.config
        restarted.start()
        self.addCleanup(restarted.kill)
        self.server.port = restarted.port
        self.assertEqual(self.server.query("SELECT count(*) FROM raw.inflight"), [[300_000]])


if __name__ == "__main__":
    unittest.main()
