#include "cli/http_client.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "http/server.h"

namespace citydata::cli {
namespace {

using http::Method;
using http::Request;
using http::Response;

Response Text(std::string body) {
  Response response;
  response.content_type = "text/plain";
  response.body = std::move(body);
  return response;
}

class HttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("citydata-http-client-test-" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::create_directories(dir_);
    http::Router router;
    router.Add(Method::kPost, "/echo", [](Request& r) {
      return Text(r.method == Method::kPost
                      ? std::string(r.Header("authorization")) + "|" +
                            std::string(r.Header("content-type")) + "|" + r.body
                      : "");
    });
    router.Add(Method::kGet, "/json", [](Request&) {
      Response response;
      response.body = R"({"ok":true})";
      return response;
    });
    router.Add(
        Method::kPut, "/upload",
        [](Request& r) {
          std::ifstream in(r.body_file, std::ios::binary);
          uint64_t sum = 0;
          char c;
          while (in.get(c)) sum += static_cast<unsigned char>(c);
          return Text(std::to_string(std::filesystem::file_size(r.body_file)) + ":" +
                      std::to_string(sum));
        },
        http::RouteOptions{.upload = true, .admit = {}});
    router.Add(Method::kGet, "/stream", [](Request&) {
      Response response;
      response.stream = [](const http::ChunkWriter& write) {
        for (int i = 0; i < 100000; ++i) {
          if (!write(std::to_string(i) + "\n")) break;
        }
        return Status::Ok();
      };
      return response;
    });
    http::ServerOptions options;
    options.port = 0;
    options.spool_dir = dir_.string();
    options.max_upload_bytes = 8u << 20;
    auto server = http::Server::Start(options, std::move(router));
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
    url_ = "http://127.0.0.1:" + std::to_string(server_->port());
  }
  void TearDown() override {
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  // A file of `size` bytes with a known byte sum.
  std::string MakeFile(uint64_t size, uint64_t& sum) {
    std::string path = (dir_ / "payload.bin").string();
    std::ofstream out(path, std::ios::binary);
    sum = 0;
    for (uint64_t i = 0; i < size; ++i) {
      char c = static_cast<char>(i * 7 % 251);
      sum += static_cast<unsigned char>(c);
      out.put(c);
    }
    return path;
  }

  std::filesystem::path dir_;
  std::unique_ptr<http::Server> server_;
  std::string url_;
};

TEST_F(HttpClientTest, RequestSendsBodyTokenAndContentType) {
  HttpClient client(url_ + "/", "secret");
  auto result = client.Request("POST", "/echo", "payload", "text/csv");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->body, "Bearer secret|text/csv|payload");
  EXPECT_EQ(result->content_type, "text/plain");
}

TEST_F(HttpClientTest, NoTokenNoAuthorizationAndErrorStatusIsAResult) {
  HttpClient client(url_, "");
  auto echoed = client.Request("POST", "/echo", "x");
  ASSERT_TRUE(echoed.ok());
  EXPECT_EQ(echoed->body, "|application/json|x");
  auto json = client.Request("GET", "/json");
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(json->content_type, "application/json");
  auto missing = client.Request("GET", "/missing");
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->status, 404);
}

TEST_F(HttpClientTest, UploadStreamsTheFileWithProgress) {
  uint64_t sum = 0;
  const uint64_t size = (3u << 20) + 12345;
  std::string path = MakeFile(size, sum);
  HttpClient client(url_, "t");
  std::vector<uint64_t> reports;
  auto result = client.Upload("PUT", "/upload", path, [&](uint64_t sent, uint64_t total) {
    EXPECT_EQ(total, size);
    reports.push_back(sent);
  });
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->body, std::to_string(size) + ":" + std::to_string(sum));
  ASSERT_EQ(reports.size(), 4u);
  EXPECT_EQ(reports.front(), 1u << 20);
  EXPECT_EQ(reports.back(), size);
}

TEST_F(HttpClientTest, RefusedUploadReturnsTheServersAnswer) {
  uint64_t sum = 0;
  std::string path = MakeFile(9u << 20, sum);  // over max_upload_bytes
  HttpClient client(url_, "");
  auto result = client.Upload("PUT", "/upload", path, {});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->status, 413);
}

TEST_F(HttpClientTest, UploadOfMissingFileIsInvalidArgument) {
  HttpClient client(url_, "");
  auto result = client.Upload("PUT", "/upload", (dir_ / "nope").string(), {});
  EXPECT_EQ(result.status().code(), ErrorCode::kInvalidArgument);
}

TEST_F(HttpClientTest, RequestStreamDeliversPiecesAndCanStop) {
  HttpClient client(url_, "");
  std::string all;
  auto status =
      client.RequestStream("GET", "/stream", "", [&all](int code, std::string_view chunk) {
        EXPECT_EQ(code, 200);
        all.append(chunk);
        return true;
      });
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  EXPECT_EQ(*status, 200);
  EXPECT_EQ(all.substr(0, 4), "0\n1\n");
  EXPECT_EQ(all.substr(all.size() - 6), "99999\n");

  int pieces = 0;
  auto stopped = client.RequestStream("GET", "/stream", "",
                                      [&pieces](int, std::string_view) { return ++pieces < 2; });
  ASSERT_TRUE(stopped.ok());
  EXPECT_EQ(pieces, 2);
}

TEST_F(HttpClientTest, UnreachableServerSaysWhatToDo) {
  uint16_t port = server_->port();
  server_.reset();
  HttpClient client("http://127.0.0.1:" + std::to_string(port), "");
  auto result = client.Request("GET", "/json");
  ASSERT_EQ(result.status().code(), ErrorCode::kUnavailable);
  EXPECT_NE(result.status().message().find("cannot reach citydata server at http://127.0.0.1:"),
            std::string::npos);
  EXPECT_NE(result.status().message().find("citydata serve"), std::string::npos);
}

TEST_F(HttpClientTest, MalformedUrlIsInvalidArgument) {
  HttpClient client("https://example.org", "");
  EXPECT_EQ(client.Request("GET", "/").status().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace citydata::cli
