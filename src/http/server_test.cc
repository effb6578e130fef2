#include "http/server.h"

#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "http/test_client.h"

namespace citydata::http {
namespace {

using testing::ClientTls;
using testing::RawClient;
using testing::RawResponse;

Response Text(std::string body) {
  Response response;
  response.content_type = "text/plain";
  response.body = std::move(body);
  return response;
}

std::string Get(const std::string& target, const std::string& extra = "") {
  return "GET " + target + " HTTP/1.1\r\nHost: t\r\n" + extra + "\r\n";
}

std::string Post(const std::string& target, const std::string& body) {
  return "POST " + target +
         " HTTP/1.1\r\nHost: t\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
         body;
}

// A self-signed P-256 certificate for 127.0.0.1 (and a second, unrelated key), made with
// the openssl command for the whole test program.
class TestCertificate {
 public:
  static const TestCertificate& Get() {
    static const TestCertificate certificate;
    return certificate;
  }
  std::filesystem::path dir, cert, key, other_key;
  bool ok = false;

 private:
  TestCertificate() {
    dir = std::filesystem::temp_directory_path() /
          ("citydata-http-tls-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    cert = dir / "cert.pem";
    key = dir / "key.pem";
    other_key = dir / "other_key.pem";
    const std::string curve = " -pkeyopt ec_paramgen_curve:prime256v1 ";
    std::string make_cert = "openssl req -x509 -newkey ec" + curve +
                            "-nodes -days 1 -subj /CN=127.0.0.1 -addext "
                            "subjectAltName=IP:127.0.0.1 -keyout " +
                            key.string() + " -out " + cert.string() + " 2>/dev/null";
    std::string make_other_key =
        "openssl genpkey -algorithm EC" + curve + "-out " + other_key.string() + " 2>/dev/null";
    std::string command = make_cert + " && " + make_other_key;
    ok = std::system(command.c_str()) == 0;
    std::atexit([] { std::filesystem::remove_all(Get().dir); });
  }
};

class ServerFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string test_name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::replace(test_name.begin(), test_name.end(), '/', '-');
    spool_ = std::filesystem::temp_directory_path() /
             ("citydata-http-test-" +
              std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" + test_name);
    std::filesystem::create_directories(spool_);
    options_.port = 0;
    options_.spool_dir = spool_.string();
    options_.max_body_bytes = 1024;
    options_.max_header_bytes = 2048;
    options_.max_upload_bytes = 1 << 20;
    options_.idle_timeout = std::chrono::seconds(5);
    options_.metrics = &metrics_;
    router_.Add(Method::kGet, "/hello", [](Request&) { return Text("hello"); });
    router_.Add(Method::kPost, "/echo", [](Request& r) { return Text(r.body); });
  }
  void TearDown() override {
    server_.reset();
    std::filesystem::remove_all(spool_);
  }

  // Serves HTTPS with the test certificate; clients verify the server against it.
  void UseTls() {
    const TestCertificate& certificate = TestCertificate::Get();
    ASSERT_TRUE(certificate.ok) << "cannot make a test certificate with the openssl command";
    options_.tls_cert_file = certificate.cert.string();
    options_.tls_key_file = certificate.key.string();
    client_tls_ = ClientTls{.ca_file = certificate.cert.string(), .max_version = 0};
  }

  // Connects the way the server under test expects (TLS verified against the test certificate).
  std::unique_ptr<RawClient> Connect(uint16_t port) const {
    return std::make_unique<RawClient>(port, client_tls_);
  }
  RawResponse RoundTrip(uint16_t port, const std::string& request, bool head = false) const {
    return testing::RoundTrip(port, request, head, client_tls_);
  }

  uint16_t StartServer() {
    auto server = Server::Start(options_, std::move(router_));
    EXPECT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
    return server_->port();
  }

  std::filesystem::path spool_;
  ServerOptions options_;
  Router router_;
  Metrics metrics_;
  std::unique_ptr<Server> server_;
  std::optional<ClientTls> client_tls_;
};

enum class Transport { kPlain, kTls };

// Every transport test runs twice: over plain HTTP and over HTTPS.
class ServerTest : public ServerFixture, public ::testing::WithParamInterface<Transport> {
 protected:
  void SetUp() override {
    ServerFixture::SetUp();
    if (GetParam() == Transport::kTls) UseTls();
  }
};

INSTANTIATE_TEST_SUITE_P(Transports, ServerTest,
                         ::testing::Values(Transport::kPlain, Transport::kTls),
                         [](const ::testing::TestParamInfo<Transport>& param) {
                           return param.param == Transport::kTls ? "Https" : "Http";
                         });

TEST_P(ServerTest, RoutesWithDecodedParamsAndQuery) {
  router_.Add(Method::kGet, "/api/v1/datasets/{zone}/{name}", [](Request& r) {
    return Text(r.path_params["zone"] + "|" + r.path_params["name"] + "|" + r.Query("q") + "|" +
                r.path + "|" + std::string(r.Header("x-tag")));
  });
  uint16_t port = StartServer();
  RawResponse response = RoundTrip(
      port,
      Get("/api/v1/datasets/%E6%B5%B7%E6%B7%80/%E4%BA%BA%E5%8F%A3?q=%E6%88%B7+a", "X-Tag: t1\r\n"));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "海淀|人口|户 a|/api/v1/datasets/海淀/人口|t1");
}

TEST_P(ServerTest, NotFoundAndMethodNotAllowedAreJson) {
  uint16_t port = StartServer();
  RawResponse missing = RoundTrip(port, Get("/nope"));
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.headers["content-type"], "application/json");
  EXPECT_NE(missing.body.find(R"({"error":{"code":"not_found")"), std::string::npos);
  RawResponse wrong = RoundTrip(port, Post("/hello", "x"));
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.headers["allow"], "GET, HEAD");
  EXPECT_NE(wrong.body.find(R"("error")"), std::string::npos);
}

TEST_P(ServerTest, FallbackHandlerServesUnmatchedPaths) {
  router_.SetFallback([](Request& r) { return Text("fallback " + r.path); });
  uint16_t port = StartServer();
  EXPECT_EQ(RoundTrip(port, Get("/any/thing")).body, "fallback /any/thing");
}

TEST_P(ServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  uint16_t port = StartServer();
  auto client = Connect(port);
  ASSERT_TRUE(client->Send(Get("/hello")));
  EXPECT_EQ(client->Read().body, "hello");
  ASSERT_TRUE(client->Send(Post("/echo", "second")));
  EXPECT_EQ(client->Read().body, "second");
}

TEST_P(ServerTest, ConnectionCloseIsHonoured) {
  uint16_t port = StartServer();
  auto client = Connect(port);
  ASSERT_TRUE(client->Send(Get("/hello", "Connection: close\r\n")));
  RawResponse response = client->Read();
  EXPECT_EQ(response.body, "hello");
  EXPECT_EQ(response.headers["connection"], "close");
  EXPECT_TRUE(client->ClosedByPeer(std::chrono::seconds(3)));
}

TEST_P(ServerTest, BodyOverLimitIs413) {
  uint16_t port = StartServer();
  RawResponse response = RoundTrip(port, Post("/echo", std::string(2000, 'x')));
  EXPECT_EQ(response.status, 413);
  EXPECT_NE(response.body.find("resource_exhausted"), std::string::npos);
  std::string chunked =
      "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
      "7d0\r\n" +
      std::string(2000, 'y') + "\r\n0\r\n\r\n";
  EXPECT_EQ(RoundTrip(port, chunked).status, 413);
}

TEST_P(ServerTest, ChunkedRequestBodyIsAssembled) {
  uint16_t port = StartServer();
  RawResponse response = RoundTrip(
      port,
      "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n "
      "world\r\n0\r\n\r\n");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "hello world");
}

TEST_P(ServerTest, HeaderOverLimitIs431AndGarbageIs400) {
  uint16_t port = StartServer();
  EXPECT_EQ(RoundTrip(port, Get("/hello", "X-Big: " + std::string(4000, 'a') + "\r\n")).status,
            431);
  EXPECT_EQ(RoundTrip(port, "NOT HTTP AT ALL\r\n\r\n").status, 400);
  EXPECT_EQ(RoundTrip(port, Get("/bad%zz")).status, 400);
}

TEST_P(ServerTest, UploadIsSpooledToAFileRemovedAfterTheHandler) {
  std::string seen_path;
  router_.Add(
      Method::kPut, "/upload/{name}",
      [&seen_path](Request& r) {
        seen_path = r.body_file;
        std::string content(std::filesystem::file_size(r.body_file), '\0');
        std::ifstream(r.body_file, std::ios::binary).read(content.data(), content.size());
        return Text(r.path_params["name"] + ":" + std::to_string(content.size()) + ":" +
                    content.substr(0, 3) + (r.body.empty() ? "" : "unexpected body"));
      },
      RouteOptions{.upload = true, .admit = {}});
  uint16_t port = StartServer();
  std::string body = "abc" + std::string(100000, 'z');  // over max_body_bytes, under upload max
  RawResponse response = RoundTrip(port, "PUT /upload/f HTTP/1.1\r\nHost: t\r\nContent-Length: " +
                                             std::to_string(body.size()) + "\r\n\r\n" + body);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "f:100003:abc");
  EXPECT_EQ(std::filesystem::path(seen_path).parent_path(), spool_);
  EXPECT_FALSE(std::filesystem::exists(seen_path));

  std::string chunked = "PUT /upload/g HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" +
                        std::string("3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
  EXPECT_EQ(RoundTrip(port, chunked).body, "g:5:abc");

  std::string too_big = "PUT /upload/h HTTP/1.1\r\nHost: t\r\nContent-Length: 2000000\r\n\r\n";
  EXPECT_EQ(RoundTrip(port, too_big).status, 413);
  EXPECT_TRUE(std::filesystem::is_empty(spool_));
}

TEST_P(ServerTest, RefusedRequestsAreAnsweredBeforeTheirBodyIsRead) {
  bool handled = false;
  Admission needs_key = [](const Request& r) -> std::optional<Response> {
    if (r.Header("x-key") == "open sesame") return std::nullopt;
    Response refusal;
    refusal.status = 401;
    refusal.body = "{}";
    return refusal;
  };
  router_.Add(
      Method::kPut, "/guarded",
      [&handled](Request&) {
        handled = true;
        return Text("in");
      },
      RouteOptions{.upload = true, .admit = needs_key});
  uint16_t port = StartServer();
  std::string body(1000000, 'x');
  RawResponse refused = RoundTrip(port, "PUT /guarded HTTP/1.1\r\nHost: t\r\nContent-Length: " +
                                            std::to_string(body.size()) + "\r\n\r\n" + body);
  EXPECT_EQ(refused.status, 401);
  EXPECT_FALSE(handled);
  EXPECT_TRUE(std::filesystem::is_empty(spool_));
  RawResponse admitted = RoundTrip(port,
                                   "PUT /guarded HTTP/1.1\r\nHost: t\r\nx-key: open sesame\r\n"
                                   "Content-Length: 2\r\n\r\nok");
  EXPECT_EQ(admitted.status, 200);
  EXPECT_TRUE(handled);
}

TEST_P(ServerTest, StreamedResponseIsChunked) {
  router_.Add(Method::kGet, "/stream", [](Request&) {
    Response response;
    response.content_type = "text/csv";
    response.stream = [](const ChunkWriter& write) {
      for (int i = 0; i < 20000; ++i) {
        if (!write("row " + std::to_string(i) + "\n")) return Unavailable("client went away");
      }
      return Status::Ok();
    };
    return response;
  });
  uint16_t port = StartServer();
  auto client = Connect(port);
  ASSERT_TRUE(client->Send(Get("/stream")));
  RawResponse response = client->Read();
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.headers["transfer-encoding"], "chunked");
  EXPECT_EQ(response.headers["content-type"], "text/csv");
  EXPECT_EQ(response.body.substr(0, 12), "row 0\nrow 1\n");
  EXPECT_EQ(response.body.substr(response.body.size() - 10), "row 19999\n");
  ASSERT_TRUE(client->Send(Get("/hello")));  // the connection survives the stream
  EXPECT_EQ(client->Read().body, "hello");
}

TEST_P(ServerTest, FailedStreamIsCutShort) {
  router_.Add(Method::kGet, "/broken", [](Request&) {
    Response response;
    response.stream = [](const ChunkWriter& write) {
      write("partial");
      return Internal("disk on fire");
    };
    return response;
  });
  uint16_t port = StartServer();
  auto client = Connect(port);
  ASSERT_TRUE(client->Send(Get("/broken")));
  RawResponse response = client->Read();
  EXPECT_EQ(response.status, 200);
  EXPECT_TRUE(client->ClosedByPeer(std::chrono::seconds(3)));
}

TEST_P(ServerTest, FileResponseHasContentLength) {
  std::filesystem::path file = spool_ / "served.txt";
  std::ofstream(file) << "file content";
  router_.Add(Method::kGet, "/file", [file](Request&) {
    Response response;
    response.file_path = file.string();
    return response;
  });
  uint16_t port = StartServer();
  RawResponse response = RoundTrip(port, Get("/file"));
  EXPECT_EQ(response.headers["content-length"], "12");
  EXPECT_EQ(response.body, "file content");
}

TEST_P(ServerTest, HeadSendsHeadersWithoutBody) {
  uint16_t port = StartServer();
  auto client = Connect(port);
  ASSERT_TRUE(client->Send("HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n"));
  RawResponse head = client->Read(/*head=*/true);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.headers["content-length"], "5");
  ASSERT_TRUE(client->Send(Get("/hello")));  // no stray body bytes precede this answer
  EXPECT_EQ(client->Read().body, "hello");
}

TEST_P(ServerTest, ThrowingHandlerGives500AndServerSurvives) {
  router_.Add(Method::kGet, "/throw",
              [](Request&) -> Response { throw std::runtime_error("boom"); });
  uint16_t port = StartServer();
  RawResponse response = RoundTrip(port, Get("/throw"));
  EXPECT_EQ(response.status, 500);
  EXPECT_NE(response.body.find(R"("code":"internal")"), std::string::npos);
  EXPECT_EQ(RoundTrip(port, Get("/hello")).status, 200);
}

TEST_P(ServerTest, RecordsMetricsByRoute) {
  uint16_t port = StartServer();
  RoundTrip(port, Get("/hello"));
  RoundTrip(port, Get("/nope"));
  std::string text = metrics_.RenderPrometheus();
  EXPECT_NE(
      text.find(R"(citydata_http_requests_total{route="/hello",method="GET",status="200"} 1)"),
      std::string::npos)
      << text;
  EXPECT_NE(
      text.find(R"(citydata_http_requests_total{route="unmatched",method="GET",status="404"} 1)"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(citydata_http_request_duration_seconds_count{route="/hello"} 1)"),
            std::string::npos)
      << text;
}

TEST_P(ServerTest, BindFailureNamesTheAddress) {
  uint16_t port = StartServer();
  ServerOptions options = options_;
  options.port = port;
  auto second = Server::Start(options, Router());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), ErrorCode::kUnavailable);
  EXPECT_NE(second.status().message().find("127.0.0.1:" + std::to_string(port)), std::string::npos);
}

TEST_P(ServerTest, ServesManyConnectionsWhileSlowClientsTrickle) {
  options_.worker_threads = 4;
  uint16_t port = StartServer();
  std::atomic<bool> done{false};
  std::thread slowloris([this, port, &done] {
    std::vector<std::unique_ptr<RawClient>> slow;
    for (int i = 0; i < 20; ++i) {
      slow.push_back(Connect(port));
      slow.back()->Send("GET /hello HTTP/1.1\r\n");
    }
    while (!done) {
      for (auto& client : slow) client->Send("X");
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  std::vector<std::unique_ptr<RawClient>> clients;
  for (int i = 0; i < 200; ++i) {
    clients.push_back(Connect(port));
    ASSERT_TRUE(clients.back()->connected());
  }
  for (auto& client : clients) ASSERT_TRUE(client->Send(Get("/hello")));
  int ok = 0;
  for (auto& client : clients) ok += client->Read().body == "hello" ? 1 : 0;
  done = true;
  slowloris.join();
  EXPECT_EQ(ok, 200);
}

TEST_P(ServerTest, IdleTimeoutClosesSlowClients) {
  options_.idle_timeout = std::chrono::seconds(1);
  uint16_t port = StartServer();
  auto client = Connect(port);
  ASSERT_TRUE(client->Send("GET /hello HTTP/1.1\r\n"));
  EXPECT_TRUE(client->ClosedByPeer(std::chrono::seconds(4)));
}

TEST_P(ServerTest, GracefulShutdownFinishesInFlightRequest) {
  std::promise<void> started;
  router_.Add(Method::kGet, "/slow", [&started](Request&) {
    started.set_value();
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    return Text("finished");
  });
  uint16_t port = StartServer();
  auto idle = Connect(port);
  ASSERT_TRUE(idle->Send(Get("/hello")));
  ASSERT_EQ(idle->Read().status, 200);
  auto busy = Connect(port);
  ASSERT_TRUE(busy->Send(Get("/slow")));
  started.get_future().wait();
  std::thread stopper([this] { server_->Shutdown(std::chrono::seconds(10)); });
  RawResponse response = busy->Read();
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "finished");
  EXPECT_EQ(response.headers["connection"], "close");
  EXPECT_TRUE(idle->ClosedByPeer(std::chrono::seconds(3)));
  stopper.join();
  EXPECT_FALSE(Connect(port)->connected());
  server_->Shutdown();  // idempotent
}

// HTTPS only: what a TLS port does with clients that do not speak TLS 1.2+.
class HttpsTest : public ServerFixture {
 protected:
  void SetUp() override {
    ServerFixture::SetUp();
    UseTls();
  }
};

TEST_F(HttpsTest, RoundTripVerifiesTheServerCertificate) {
  uint16_t port = StartServer();
  RawResponse response = RoundTrip(port, Get("/hello"));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "hello");
  // Without verification too (what `curl -k` does).
  EXPECT_EQ(testing::RoundTrip(port, Get("/hello"), false, ClientTls{}).body, "hello");
}

TEST_F(HttpsTest, PlainHttpOnTheTlsPortIsToldToUseHttps) {
  uint16_t port = StartServer();
  RawClient plain(port);
  ASSERT_TRUE(plain.Send(Get("/hello")));
  RawResponse response = plain.Read();
  EXPECT_EQ(response.status, 400);
  EXPECT_NE(response.body.find("use an https:// URL"), std::string::npos) << response.body;
  EXPECT_TRUE(plain.ClosedByPeer(std::chrono::seconds(3)));
  RawClient garbage(port);
  ASSERT_TRUE(garbage.Send(std::string(600, '\x7f')));
  EXPECT_TRUE(garbage.ClosedByPeer(std::chrono::seconds(3)));
  EXPECT_EQ(RoundTrip(port, Get("/hello")).body, "hello");  // the server is unharmed
}

TEST_F(HttpsTest, SilentClientIsDroppedAfterTheHandshakeTimeout) {
  options_.tls_handshake_timeout = std::chrono::seconds(1);
  uint16_t port = StartServer();
  RawClient silent(port);  // connects, never says hello
  ASSERT_TRUE(silent.connected());
  EXPECT_TRUE(silent.ClosedByPeer(std::chrono::seconds(4)));
}

TEST_F(HttpsTest, RefusesTls11) {
  uint16_t port = StartServer();
  RawClient old(port, ClientTls{.ca_file = "", .max_version = TLS1_1_VERSION});
  EXPECT_FALSE(old.connected());
  RawClient current(port, ClientTls{.ca_file = "", .max_version = TLS1_2_VERSION});
  EXPECT_TRUE(current.connected());
}

TEST_F(HttpsTest, ShutdownClosesAConnectionStillInItsHandshake) {
  uint16_t port = StartServer();
  RawClient silent(port);
  ASSERT_TRUE(silent.connected());
  server_->Shutdown(std::chrono::seconds(5));
  EXPECT_TRUE(silent.ClosedByPeer(std::chrono::seconds(3)));
}

TEST_F(HttpsTest, StartFailsClearlyOnBadCertificateOrKey) {
  const TestCertificate& certificate = TestCertificate::Get();
  std::filesystem::path not_pem = spool_ / "not.pem";
  std::ofstream(not_pem) << "hello";
  struct Case {
    std::filesystem::path cert, key;
    std::string message;
  };
  for (const Case& c : {
           Case{spool_ / "missing.pem", certificate.key, "cannot read the TLS certificate file"},
           Case{certificate.cert, spool_ / "missing.pem", "cannot read the TLS private key file"},
           Case{certificate.cert, "", "TLS needs both a certificate and a key file"},
           Case{not_pem, certificate.key, "holds no usable PEM certificate"},
           Case{certificate.cert, not_pem, "holds no usable PEM private key"},
           Case{certificate.cert, certificate.other_key, "does not belong to the certificate"},
       }) {
    ServerOptions options = options_;
    options.tls_cert_file = c.cert.string();
    options.tls_key_file = c.key.string();
    auto server = Server::Start(options, Router());
    ASSERT_FALSE(server.ok()) << c.message;
    EXPECT_EQ(server.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(server.status().message().find(c.message), std::string::npos)
        << server.status().message();
  }
}

}  // namespace
}  // namespace citydata::http
