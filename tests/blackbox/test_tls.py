"""HTTPS: `citydata serve --tls-cert --tls-key` with a self-signed certificate made here."""
import http.client
import os
import re
import shutil
import socket
import ssl
import subprocess
import tempfile
import unittest
import warnings

from harness import BIN, Server


def make_certificate(directory):
    """A self-signed P-256 certificate for 127.0.0.1; returns (cert, key) paths."""
    cert, key = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert],
                   check=True, capture_output=True)
    return cert, key


class TlsServer(Server):
    """A `citydata serve` over HTTPS; the harness's Server reads only http:// URLs."""

    def start(self):
        args = [BIN, "serve", "--data", self.data_dir, "--listen", "127.0.0.1:0", *self.extra_args]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, env=dict(os.environ, CITYDATA_CONFIG=self.config))
        banner = next((line for line in self.proc.stdout if "listening on" in line), "")
        found = re.search(r"listening on https://127\.0\.0\.1:(\d+)", banner)
        if not found:
            raise RuntimeError(f"no HTTPS banner ({banner!r}): {self.proc.stderr.read()}")
        self.port = int(found.group(1))
        with open(os.path.join(self.data_dir, "admin.token")) as f:
            self.token = f.read().strip()
        return self


class TlsTest(unittest.TestCase):
    def setUp(self):
        self.certs = tempfile.mkdtemp(prefix="citydata_tls_")
        self.addCleanup(shutil.rmtree, self.certs, True)
        self.cert, self.key = make_certificate(self.certs)
        self.server = TlsServer(extra_args=["--tls-cert", self.cert, "--tls-key", self.key]).start()
        self.addCleanup(self.server.cleanup)
        self.context = ssl.create_default_context(cafile=self.cert)  # verifies name and chain

    def https(self, method, path, token=None, body=None, context=None):
        conn = http.client.HTTPSConnection("127.0.0.1", self.server.port, timeout=30,
                                           context=context or self.context)
        headers = {"Authorization": "Bearer " + token} if token else {}
        if body is not None:
            headers["Content-Type"] = "application/json"
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        return resp.status, data

    def test_healthz_and_authenticated_session_over_https(self):
        status, body = self.https("GET", "/healthz")
        self.assertEqual(status, 200)
        self.assertIn(b'"ok"', body)
        status, body = self.https("GET", "/api/v1/session", token=self.server.token)
        self.assertEqual(status, 200, body)
        self.assertIn(b'"admin"', body)
        status, _ = self.https("GET", "/api/v1/session")
        self.assertEqual(status, 401)

    def test_keep_alive_and_a_body_over_https_without_verification(self):
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        conn = http.client.HTTPSConnection("127.0.0.1", self.server.port, timeout=30,
                                           context=context)
        auth = {"Authorization": "Bearer " + self.server.token}
        for code in ("gaj", "mzj"):
            conn.request("POST", "/api/v1/departments", body=f'{{"code":"{code}","name":"{code}"}}',
                         headers=dict(auth, **{"Content-Type": "application/json"}))
            resp = conn.getresponse()
            self.assertIn(resp.status, (200, 201), resp.read())
            resp.read()
        conn.request("GET", "/api/v1/departments", headers=auth)
        resp = conn.getresponse()
        self.assertEqual(resp.status, 200)
        self.assertIn(b"mzj", resp.read())
        conn.close()

    def test_plain_http_on_the_https_port_is_refused_cleanly(self):
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=10) as s:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            answer = b""
            while chunk := s.recv(4096):
                answer += chunk
        self.assertTrue(answer.startswith(b"HTTP/1.1 400"), answer)
        self.assertIn(b"https://", answer)
        status, _ = self.https("GET", "/healthz")  # still serving
        self.assertEqual(status, 200)

    def test_tls_1_1_is_refused(self):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        try:
            context.set_ciphers("DEFAULT:@SECLEVEL=0")
            with warnings.catch_warnings():  # TLS 1.1 is deprecated: that is the point
                warnings.simplefilter("ignore", DeprecationWarning)
                context.minimum_version = ssl.TLSVersion.TLSv1_1
                context.maximum_version = ssl.TLSVersion.TLSv1_1
        except (ValueError, ssl.SSLError):
            self.skipTest("this Python's OpenSSL cannot offer TLS 1.1")
        with self.assertRaises((ssl.SSLError, ConnectionError)):
            self.https("GET", "/healthz", context=context)


class TlsStartupTest(unittest.TestCase):
    def test_missing_or_mismatched_files_stop_the_server_with_a_message(self):
        certs = tempfile.mkdtemp(prefix="citydata_tls_")
        self.addCleanup(shutil.rmtree, certs, True)
        cert, key = make_certificate(certs)
        other = os.path.join(certs, "other")
        os.mkdir(other)
        _, other_key = make_certificate(other)
        data = os.path.join(certs, "data")
        cases = [
            ([cert, os.path.join(certs, "nope.pem")], "cannot read the TLS private key file"),
            ([cert, other_key], "does not belong to the certificate"),
        ]
        for (cert_path, key_path), message in cases:
            proc = subprocess.run(
                [BIN, "serve", "--data", data, "--listen", "127.0.0.1:0", "--tls-cert", cert_path,
                 "--tls-key", key_path], capture_output=True, text=True, timeout=60,
                env=dict(os.environ, CITYDATA_CONFIG=os.path.join(certs, "cli.json")))
            self.assertNotEqual(proc.returncode, 0)
            self.assertIn(message, proc.stderr)
        proc = subprocess.run([BIN, "serve", "--data", data, "--tls-cert", cert],
                              capture_output=True, text=True, timeout=60)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("--tls-key", proc.stderr + proc.stdout)


if __name__ == "__main__":
    unittest.main()
