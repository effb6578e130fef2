"""The security commands of the CLI against a real server: users, login and logout,
tokens, grants, classify, mask, detokenize, audit list/anchor/verify and keys."""
import json
import os
import sqlite3
import subprocess

from harness import BIN, Server, ServerTest, id_number


class CliSecurityTest(ServerTest):
    def setUp(self):
        super().setUp()
        self.server.cli("depts", "add", "mzj", "市民政局")
        self.ids = [id_number("11010519800101%03d" % i) for i in range(200)]
        rows = ["order_no,xm,lxdh,district"]
        for i, ident in enumerate(self.ids):
            rows.append(f"{ident},张{'伟芳'[i % 2]},1391234{i:04d},{'东城区' if i % 2 else '西城区'}")
        self.server.ingest(self.write("people.csv", "\n".join(rows) + "\n"), "people")

    def as_user(self, *args, stdin=None, config="user.json"):
        """Runs the CLI with its own settings file and no token from the environment."""
        env = {k: v for k, v in os.environ.items() if k not in ("CITYDATA_TOKEN",)}
        env["CITYDATA_CONFIG"] = os.path.join(self.files, config)
        env["CITYDATA_SERVER"] = self.server.url
        return subprocess.run([BIN, *args], capture_output=True, text=True, env=env,
                              input=stdin, timeout=120)

    def add_consumer(self, name="amy"):
        # --password-stdin reads the password from standard input.
        env = dict(os.environ, CITYDATA_CONFIG=self.server.config, CITYDATA_SERVER=self.server.url,
                   CITYDATA_TOKEN=self.server.token)
        proc = subprocess.run([BIN, "users", "add", name, "--dept", "mzj", "--role", "consumer",
                               "--password-stdin"], capture_output=True, text=True, env=env,
                              input="s3cret-pass\n", timeout=60)
        self.assertEqual(proc.returncode, 0, proc.stderr)

    def test_login_query_masked_and_logout(self):
        self.add_consumer()
        users = self.server.cli_json("users")["items"]
        self.assertEqual({u["name"]: u["role"] for u in users}, {"admin": "admin", "amy": "consumer"})
        self.server.cli("grants", "add", "amy", "raw.people", "--purpose", "核查")
        login = self.as_user("login", "amy", "--password-stdin", stdin="s3cret-pass\n")
        self.assertEqual(login.returncode, 0, login.stderr)
        self.assertIn("as amy (consumer, clearance general-1)", login.stdout)
        with open(os.path.join(self.files, "user.json")) as f:
            settings = json.load(f)
        self.assertTrue(settings["token"].startswith("cdt_"))
        self.assertEqual(os.stat(os.path.join(self.files, "user.json")).st_mode & 0o777, 0o600)
        out = self.as_user("query", "SELECT order_no, lxdh FROM raw.people LIMIT 1", "--format",
                           "json")
        self.assertEqual(out.returncode, 0, out.stderr)
        row = json.loads(out.stdout)["rows"][0]
        self.assertEqual(row[0], self.ids[0][:6] + "********" + self.ids[0][14:])
        self.assertEqual(row[1], "139****0000")
        logout = self.as_user("logout")
        self.assertEqual(logout.returncode, 0, logout.stderr)
        again = self.as_user("query", "SELECT 1")
        self.assertEqual(again.returncode, 1)
        self.assertIn("token", again.stderr)
        wrong = self.as_user("login", "amy", "--password-stdin", stdin="wrong-pass\n")
        self.assertEqual(wrong.returncode, 1)
        self.assertIn("wrong user name or password", wrong.stderr)

    def test_tokens_grants_and_disable(self):
        self.add_consumer()
        created = self.server.cli_json("tokens", "create", "--name", "etl")
        self.assertTrue(created["token"].startswith("cdt_"))
        listed = self.server.cli_json("tokens", "list")["items"]
        self.assertIn(created["id"], [t["id"] for t in listed])
        self.server.cli("tokens", "revoke", created["id"])
        status, _, _ = self.server.request("GET", "/api/v1/session", token=created["token"])
        self.assertEqual(status, 401)
        grant = self.server.cli_json("grants", "add", "amy", "raw.people", "--columns",
                                     "district")
        self.assertEqual(grant["columns"], ["district"])
        self.assertEqual(len(self.server.cli_json("grants", "--user", "amy")["items"]), 1)
        self.as_user("login", "amy", "--password-stdin", stdin="s3cret-pass\n")
        hidden = self.as_user("query", "SELECT lxdh FROM raw.people")
        self.assertEqual(hidden.returncode, 1)
        self.server.cli("grants", "revoke", grant["id"])
        refused = self.as_user("query", "SELECT district FROM raw.people")
        self.assertEqual(refused.returncode, 1)
        self.assertIn("may not read raw.people", refused.stderr)
        self.server.cli("users", "disable", "amy")
        self.assertEqual(self.as_user("query", "SELECT 1").returncode, 1)

    def test_classify_mask_and_detokenize(self):
        result = self.server.cli_json("classify", "raw.people")
        self.assertEqual(result["dataset"], "raw.people")
        self.assertEqual(result["grade"], "general-4")
        categories = {c["name"]: c["category"] for c in result["columns"]}
        self.assertEqual(categories["order_no"], "id_card")
        self.assertEqual(categories["lxdh"], "mobile")
        for c in result["columns"]:
            self.assertTrue({"name", "category", "level", "confidence"} <= set(c))
        decided = self.server.cli_json("classify", "raw.people", "--column", "district",
                                       "--category", "address", "--reason", "行政区划属地址")
        district = next(c for c in decided["columns"] if c["name"] == "district")
        self.assertEqual((district["category"], district["source"]), ("address", "steward"))
        missing_reason = self.server.cli("classify", "raw.people", "--column", "district",
                                         "--category", "none", check=False)
        self.assertEqual(missing_reason.returncode, 1)
        masked = self.server.cli_json("mask", "raw.people", "--to", "std.people_masked")
        self.assertEqual(masked["rows"], 200)
        values = [v for row in self.server.query("SELECT * FROM std.people_masked") for v in row]
        self.assertFalse(set(self.ids) & set(values))
        # A tokenizing masking policy makes reversible tokens only an admin can reverse.
        policy = {"version": 2, "rules": [{"category": "id_card", "operator": "tokenize"},
                                          {"category": "*", "operator": "nullify"}]}
        path = self.write("policy.json", json.dumps(policy))
        self.server.cli("policies", "masking", "--set", path)
        tokens = self.server.cli_json("mask", "raw.people", "--to", "std.people_tokens")
        self.assertEqual(tokens["columns"][0]["operator"], "tokenize")
        token = self.server.query("SELECT order_no FROM std.people_tokens LIMIT 1")[0][0]
        self.assertTrue(token.startswith("tk"))
        back = self.server.cli_json("detokenize", token)["items"][0]
        self.assertEqual(back["value"], self.ids[0])
        self.server.cli("keys", "rotate")
        again = self.server.cli_json("detokenize", token)["items"][0]
        self.assertEqual(again["value"], self.ids[0])


class CliAuditTest(ServerTest):
    def test_verify_anchor_and_tampering(self):
        self.server.cli("users", "add", "ann", "--role", "auditor")
        listed = self.server.cli_json("audit", "list", "--user", "admin")["items"]
        self.assertTrue(any(r["action"] == "manage_users" for r in listed))
        ok = self.server.cli("audit", "verify")
        self.assertIn("audit trail intact", ok.stdout)
        anchor = os.path.join(self.files, "anchor.json")
        self.server.cli("audit", "anchor", "-o", anchor)
        self.server.cli("audit", "verify", "--anchor", anchor)
        exported = self.server.cli("audit", "export").stdout.splitlines()
        with open(anchor) as f:
            self.assertGreaterEqual(len(exported), json.load(f)["seq"])
        # Someone edits the store file directly while the server is down.
        data_dir = self.server.data_dir
        self.server.stop()
        db = sqlite3.connect(os.path.join(data_dir, "audit.db"))
        for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"):
            db.execute(f'DROP TRIGGER "{name}"')
        db.execute("UPDATE audit_log SET actor = 'nobody' WHERE seq = 2")
        db.commit()
        db.close()
        restarted = Server(data_dir=data_dir).start()
        self.addCleanup(restarted.cleanup)
        broken = restarted.cli("audit", "verify", check=False)
        self.assertEqual(broken.returncode, 1)
        self.assertIn("broken at record 2", broken.stderr)
