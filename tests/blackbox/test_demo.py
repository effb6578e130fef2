"""`citydata demo`: a synthetic city generated, ingested through the API and catalogued."""
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from harness import BIN


class DemoTest(unittest.TestCase):
    def test_demo_loads_a_city(self):
        tmp = tempfile.mkdtemp(prefix="citydata_demo_")
        self.addCleanup(shutil.rmtree, tmp, True)
        env = dict(os.environ, CITYDATA_CONFIG=os.path.join(tmp, "cli.json"))
        proc = subprocess.run([BIN, "demo", "--persons", "3000", "--data", os.path.join(tmp, "d"),
                               "--listen", "127.0.0.1:0", "--exit-after-load"],
                              capture_output=True, text=True, env=env, timeout=600)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("log in as admin / citydata-demo", proc.stdout)
        for user in ("steward", "gaj_provider", "mzj_consumer", "auditor"):
            self.assertIn("  " + user + "  ", proc.stdout)
        loaded = re.findall(r"raw\.(\w+) .*: (\d+) rows loaded, (\d+) rejected", proc.stdout)
        self.assertGreaterEqual(len(loaded), 7)
        self.assertTrue(all(int(n) > 0 for _, n, _ in loaded))
        self.assertTrue(any(line for line in proc.stdout.splitlines() if "gb18030" in line))
        settings = json.load(open(os.path.join(tmp, "cli.json")))
        self.assertTrue(settings["token"].startswith("cdt_"))
        self.assertEqual(os.stat(os.path.join(tmp, "cli.json")).st_mode & 0o777, 0o600)
        self.assertEqual(os.stat(os.path.join(tmp, "d", "data", "admin.token")).st_mode & 0o777, 0o600)
        # A second run rebuilds the demo directory; a foreign directory is refused.
        foreign = os.path.join(tmp, "foreign")
        os.makedirs(foreign)
        open(os.path.join(foreign, "keep.txt"), "w").write("mine")
        proc = subprocess.run([BIN, "demo", "--persons", "100", "--data", foreign,
                               "--exit-after-load", "--listen", "127.0.0.1:0"],
                              capture_output=True, text=True, env=env, timeout=600)
        self.assertNotEqual(proc.returncode, 0)
        self.assertTrue(os.path.exists(os.path.join(foreign, "keep.txt")))


if __name__ == "__main__":
    unittest.main()
