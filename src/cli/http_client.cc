#include "cli/http_client.h"

// GCC 12 reports a false "potential null pointer dereference" inside Asio's scheduler.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#pragma GCC diagnostic pop
#include <limits>
#include <memory>
#include <vector>

namespace citydata::cli {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

constexpr size_t kUploadPieceBytes = 1u << 20;
constexpr size_t kStreamPieceBytes = 64u << 10;

std::string_view View(beast::string_view text) { return {text.data(), text.size()}; }

bool IsExpectedPause(beast::error_code ec) { return ec == bhttp::error::need_buffer; }

}  // namespace

// One request on one connection. The Beast calls are asynchronous so that every
// connect, read and write honours the timeout; each runs the I/O context to completion.
class HttpClient::Call {
 public:
  explicit Call(const HttpClient& client) : client_(client), stream_(ioc_) {}

  Status Connect() {
    tcp::resolver resolver(ioc_);
    beast::error_code ec;
    auto endpoints = resolver.resolve(client_.host_, client_.port_, ec);
    if (ec) return Unreachable(ec);
    stream_.expires_after(client_.timeout_);
    stream_.async_connect(endpoints,
                          [&ec](beast::error_code result, const tcp::endpoint&) { ec = result; });
    RunIo();
    return ec ? Unreachable(ec) : Status::Ok();
  }

  template <class Body>
  bhttp::request<Body> NewRequest(std::string_view method, std::string_view target) const {
    bhttp::request<Body> request;
    request.method_string(beast::string_view(method.data(), method.size()));
    request.target(beast::string_view(target.data(), target.size()));
    request.version(11);
    request.set(bhttp::field::host, client_.host_ + ":" + client_.port_);
    request.set(bhttp::field::user_agent, "citydata-cli");
    request.keep_alive(false);
    if (!client_.token_.empty())
      request.set(bhttp::field::authorization, "Bearer " + client_.token_);
    return request;
  }

  template <class Message>
  Status Write(Message& message) {
    beast::error_code ec;
    stream_.expires_after(client_.timeout_);
    bhttp::async_write(stream_, message, [&ec](beast::error_code result, size_t) { ec = result; });
    RunIo();
    return IoStatus(ec);
  }

  Status WriteRaw(asio::const_buffer data) {
    beast::error_code ec;
    stream_.expires_after(client_.timeout_);
    asio::async_write(stream_, data, [&ec](beast::error_code result, size_t) { ec = result; });
    RunIo();
    return IoStatus(ec);
  }

  Result<HttpResult> ReadWhole() {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(std::numeric_limits<uint64_t>::max());
    while (!parser.is_done()) RETURN_IF_ERROR(ReadSome(parser));
    HttpResult result;
    result.status = static_cast<int>(parser.get().result_int());
    result.content_type = std::string(View(parser.get()[bhttp::field::content_type]));
    result.body = std::move(parser.get().body());
    return result;
  }

  Result<int> ReadStreamed(const std::function<bool(int, std::string_view)>& on_body) {
    bhttp::response_parser<bhttp::buffer_body> parser;
    parser.body_limit(std::numeric_limits<uint64_t>::max());
    std::vector<char> piece(kStreamPieceBytes);
    while (!parser.is_done()) {
      parser.get().body().data = piece.data();
      parser.get().body().size = piece.size();
      RETURN_IF_ERROR(ReadSome(parser));
      size_t filled = piece.size() - parser.get().body().size;
      if (filled > 0 && !on_body(static_cast<int>(parser.get().result_int()),
                                 std::string_view(piece.data(), filled))) {
        break;
      }
    }
    return static_cast<int>(parser.get().result_int());
  }

 private:
  template <class Parser>
  Status ReadSome(Parser& parser) {
    beast::error_code ec;
    stream_.expires_after(client_.timeout_);
    bhttp::async_read_some(stream_, buffer_, parser,
                           [&ec](beast::error_code result, size_t) { ec = result; });
    RunIo();
    return IsExpectedPause(ec) ? Status::Ok() : IoStatus(ec);
  }

  void RunIo() {
    ioc_.restart();
    ioc_.run();
  }

  Status Unreachable(beast::error_code ec) const {
    return Unavailable("cannot reach citydata server at " + client_.base_url_ + ": " +
                       ec.message() + "; is `citydata serve` running?");
  }

  Status IoStatus(beast::error_code ec) const {
    if (!ec) return Status::Ok();
    if (ec == beast::error::timeout) {
      return DeadlineExceeded("citydata server at " + client_.base_url_ +
                              " did not answer within " + std::to_string(client_.timeout_.count()) +
                              " s; retry, or raise the timeout");
    }
    return Unavailable("lost the connection to citydata server at " + client_.base_url_ + ": " +
                       ec.message());
  }

  const HttpClient& client_;
  asio::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
};

HttpClient::HttpClient(std::string base_url, std::string token)
    : base_url_(std::move(base_url)), token_(std::move(token)) {
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
  constexpr std::string_view kScheme = "http://";
  std::string_view rest = base_url_;
  if (rest.substr(0, kScheme.size()) != kScheme || rest.size() == kScheme.size()) {
    url_status_ =
        InvalidArgument("server URL '" + base_url_ + "' is not of the form http://host:port");
    return;
  }
  rest.remove_prefix(kScheme.size());
  size_t colon = rest.rfind(':');
  host_ = std::string(rest.substr(0, colon));
  port_ = colon == std::string_view::npos ? "80" : std::string(rest.substr(colon + 1));
}

Result<HttpResult> HttpClient::Request(std::string_view method, std::string_view path_and_query,
                                       std::string body, std::string_view content_type) {
  RETURN_IF_ERROR(url_status_);
  try {
    Call call(*this);
    RETURN_IF_ERROR(call.Connect());
    auto request = call.NewRequest<bhttp::string_body>(method, path_and_query);
    if (!body.empty()) {
      request.set(bhttp::field::content_type,
                  beast::string_view(content_type.data(), content_type.size()));
    }
    request.body() = std::move(body);
    request.prepare_payload();
    RETURN_IF_ERROR(call.Write(request));
    return call.ReadWhole();
  } catch (const std::exception& e) {
    return Internal(std::string("HTTP client failed: ") + e.what());
  }
}

Result<HttpResult> HttpClient::Upload(std::string_view method, std::string_view path_and_query,
                                      const std::string& file_path,
                                      std::function<void(uint64_t, uint64_t)> progress) {
  RETURN_IF_ERROR(url_status_);
  try {
    beast::error_code ec;
    beast::file file;
    file.open(file_path.c_str(), beast::file_mode::scan, ec);
    uint64_t total = ec ? 0 : file.size(ec);
    if (ec) return InvalidArgument("cannot read " + file_path + ": " + ec.message());
    Call call(*this);
    RETURN_IF_ERROR(call.Connect());
    auto request = call.NewRequest<bhttp::empty_body>(method, path_and_query);
    request.set(bhttp::field::content_type, "application/octet-stream");
    request.content_length(total);
    Status sent_status = call.Write(request);
    std::vector<char> piece(kUploadPieceBytes);
    for (uint64_t sent = 0; sent_status.ok() && sent < total;) {
      size_t n = file.read(piece.data(), piece.size(), ec);
      if (ec || n == 0) return Internal("reading " + file_path + " failed: " + ec.message());
      sent_status = call.WriteRaw(asio::buffer(piece.data(), n));
      sent += n;
      if (sent_status.ok() && progress) progress(sent, total);
    }
    // A server that refuses the upload (413, 401...) answers before reading it all.
    Result<HttpResult> answer = call.ReadWhole();
    if (!answer.ok() && !sent_status.ok()) return sent_status;
    return answer;
  } catch (const std::exception& e) {
    return Internal(std::string("HTTP client failed: ") + e.what());
  }
}

Result<int> HttpClient::RequestStream(std::string_view method, std::string_view path_and_query,
                                      std::string body,
                                      const std::function<bool(int, std::string_view)>& on_body) {
  RETURN_IF_ERROR(url_status_);
  try {
    Call call(*this);
    RETURN_IF_ERROR(call.Connect());
    auto request = call.NewRequest<bhttp::string_body>(method, path_and_query);
    if (!body.empty()) request.set(bhttp::field::content_type, "application/json");
    request.body() = std::move(body);
    request.prepare_payload();
    RETURN_IF_ERROR(call.Write(request));
    return call.ReadStreamed(on_body);
  } catch (const std::exception& e) {
    return Internal(std::string("HTTP client failed: ") + e.what());
  }
}

}  // namespace citydata::cli
