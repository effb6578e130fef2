// One client connection of the Beast server, and the state it shares with the server.
// Private to the http module.
//
// One implementation serves both transports: Connection<PlainStream> speaks HTTP on the
// TCP stream, Connection<TlsStream> first completes a TLS handshake (bounded by
// ServerOptions::tls_handshake_timeout) and then speaks HTTP inside TLS.
//
// A connection's socket, buffers and parsers are touched only on its strand. A request's
// handler runs on the worker pool; it hands its response back to the strand, and while
// it streams a chunked body it waits for each chunk's write to finish on the strand, so
// the socket is never used from two threads at once.
#pragma once

#include <array>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>

#include "http/server.h"

namespace citydata::http::internal {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using Clock = std::chrono::steady_clock;
using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// What the server needs of a connection, whatever its transport.
class ConnectionBase {
 public:
  virtual ~ConnectionBase() = default;
  virtual void Start() = 0;
  // Closes the connection if it is waiting for a request (or still in its TLS
  // handshake), or in any state when `force`; then calls `done` (on an I/O thread).
  // Thread-safe.
  virtual void Close(bool force, std::function<void()> done) = 0;
};

struct ServerState {
  // `tls` null: plain HTTP.
  ServerState(ServerOptions server_options, Router server_router,
              std::unique_ptr<boost::asio::ssl::context> tls_context);

  // Counts requests by route, method and status, and the latency by route.
  void Record(const std::string& route, std::string_view method, int status,
              Clock::duration elapsed) const;
  // "GET, HEAD, POST": the methods some route accepts for `raw_path`.
  std::string AllowedMethods(std::string_view raw_path) const;
  // A fresh path in the spool directory for an upload body.
  std::string NewSpoolPath();

  void BeginRequest();
  void EndRequest();

  const ServerOptions options;
  const Router router;
  const std::unique_ptr<boost::asio::ssl::context> tls;  // null: plain HTTP
  std::atomic<bool> stopping{false};
  std::atomic<uint64_t> next_id{0};

  std::mutex mu;
  std::condition_variable requests_done;  // notified when active_requests drops to 0
  int active_requests = 0;                // GUARDED_BY(mu)
  std::map<uint64_t, std::weak_ptr<ConnectionBase>> connections;  // GUARDED_BY(mu)

  // Declared last: destroyed (and joined) before the state its tasks touch.
  boost::asio::thread_pool workers;
};

// A new connection on `socket`, TLS when state.tls is set; call Start() to serve it.
// REQUIRES: `socket` uses a strand executor; `state` outlives the connection.
std::shared_ptr<ConnectionBase> NewConnection(ServerState& state,
                                              boost::asio::ip::tcp::socket socket, uint64_t id);

// Stream is PlainStream or TlsStream (both instantiated in connection.cc).
template <class Stream>
class Connection final : public ConnectionBase,
                         public std::enable_shared_from_this<Connection<Stream>> {
 public:
  Connection(ServerState& state, boost::asio::ip::tcp::socket socket, uint64_t id);
  ~Connection() override;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void Start() override;
  void Close(bool force, std::function<void()> done) override;

 private:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  std::shared_ptr<Connection> Self() { return this->shared_from_this(); }
  // The TCP layer under the stream: timeouts, close, the socket.
  beast::tcp_stream& Tcp() { return beast::get_lowest_layer(stream_); }

  static Stream OpenStream(ServerState& state, boost::asio::ip::tcp::socket socket);

  // On the strand.
  void Handshake();
  void OnHandshake(beast::error_code ec);
  void RefusePlainHttp();
  void ReadHeader();
  void OnHeader(beast::error_code ec);
  void PrepareRequest(const bhttp::request<bhttp::empty_body>& header);
  void StartBody();
  void ReadBody();
  template <class Parser>
  void ReadBodySome(Parser& parser);
  void OnBodyError(beast::error_code ec);
  void OnBodyDone();
  void WriteError(int status, ErrorCode code, std::string_view message);
  void RecordRequest(int status);
  void Finish(bool keep_alive);
  void CloseGracefully();
  void HalfCloseAndDrain();
  void Drain();

  // On a worker.
  void Handle(Request request, const Handler* handler, bool not_allowed, bool keep_alive);
  Response Invoke(Request& request, const Handler* handler, bool not_allowed);
  void Respond(Response response, Method method, bool keep_alive, const std::string& target);
  void StreamBody(Response& response, bool keep_alive, const std::string& target);
  bool AwaitOnStrand(std::function<void(std::function<void(bool)>)> op);
  bool WriteChunk(std::string_view data);

  // From either side: writes `message` on the strand, then finishes the request.
  template <class Body>
  void Write(std::shared_ptr<bhttp::response<Body>> message, bool header_only);

  ServerState& state_;
  Stream stream_;
  const uint64_t id_;
  std::string remote_address_;
  beast::flat_buffer buffer_;
  std::array<char, 4096> drain_buffer_;

  // The request being read or served; strand only.
  bool idle_ = true;
  bool in_request_ = false;
  bool keep_alive_ = false;
  std::optional<bhttp::request_parser<bhttp::empty_body>> header_parser_;
  std::optional<bhttp::request_parser<bhttp::string_body>> body_parser_;
  std::optional<bhttp::request_parser<bhttp::file_body>> file_parser_;
  std::string spool_path_;  // removed unless handed to a handler
  Request request_;
  Router::Match match_;
  std::string route_label_;
  std::string_view method_label_;
  Clock::time_point start_;
};

}  // namespace citydata::http::internal
