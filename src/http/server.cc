#include "http/server.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

// GCC 12 reports a false "potential null pointer dereference" inside Asio's scheduler.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <boost/asio/io_context.hpp>
#pragma GCC diagnostic pop
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

#include "http/connection.h"

namespace citydata::http {
namespace internal {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

constexpr char kRequestsMetric[] = "citydata_http_requests_total";
constexpr char kDurationMetric[] = "citydata_http_request_duration_seconds";
constexpr std::chrono::milliseconds kAcceptRetryDelay{50};
// How long shutdown waits for the I/O threads to close the acceptor and the
// connections (they run each close at once unless something is badly stuck).
constexpr std::chrono::seconds kCloseWait{5};

// Waits, up to a deadline, until Done has been called `count` times.
class Countdown {
 public:
  explicit Countdown(size_t count) : left_(count) {}
  void Done() {
    std::lock_guard lock(mu_);
    if (left_ > 0 && --left_ == 0) cv_.notify_all();
  }
  void Wait(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [this] { return left_ == 0; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  size_t left_;  // GUARDED_BY(mu_)
};

Status CheckReadable(const std::string& path, std::string_view what) {
  if (path.empty()) {
    return InvalidArgument(std::string("TLS needs both a certificate and a key file; the ") +
                           std::string(what) + " file is missing (--tls-cert, --tls-key)");
  }
  if (std::ifstream(path).good()) return Status::Ok();
  return InvalidArgument("cannot read the TLS " + std::string(what) + " file " + path + ": " +
                         std::strerror(errno));
}

// The reason of OpenSSL's error `ec`, e.g. "no start line" or "key values mismatch".
std::string OpenSslReason(const beast::error_code& ec) {
  const char* reason = ERR_reason_error_string(static_cast<unsigned long>(ec.value()));
  return reason != nullptr ? reason : ec.message();
}

// A server context for TLS 1.2 and later with the certificate chain and key of `options`.
Result<std::unique_ptr<asio::ssl::context>> NewTlsContext(const ServerOptions& options) {
  RETURN_IF_ERROR(CheckReadable(options.tls_cert_file, "certificate"));
  RETURN_IF_ERROR(CheckReadable(options.tls_key_file, "private key"));
  auto context = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  SSL_CTX* native = context->native_handle();
  if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1) {
    return Internal("cannot restrict TLS to version 1.2 and later");
  }
  SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  beast::error_code ec;
  context->use_certificate_chain_file(options.tls_cert_file, ec);
  if (ec) {
    return InvalidArgument("the TLS certificate file " + options.tls_cert_file +
                           " holds no usable PEM certificate (" + OpenSslReason(ec) + ")");
  }
  context->use_private_key_file(options.tls_key_file, asio::ssl::context::pem, ec);
  if (ec && ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == X509_R_KEY_VALUES_MISMATCH) {
    return InvalidArgument("the TLS private key " + options.tls_key_file +
                           " does not belong to the certificate " + options.tls_cert_file);
  }
  if (ec || SSL_CTX_check_private_key(native) != 1) {
    return InvalidArgument("the TLS private key file " + options.tls_key_file +
                           " holds no usable PEM private key for the certificate (" +
                           (ec ? OpenSslReason(ec) : std::string("check failed")) + ")");
  }
  return context;
}

class ServerImpl final : public Server {
 public:
  ServerImpl(ServerOptions options, Router router, std::unique_ptr<asio::ssl::context> tls)
      : state_(std::move(options), std::move(router), std::move(tls)),
        work_(asio::make_work_guard(ioc_)),
        acceptor_(asio::make_strand(ioc_)),
        accept_retry_(acceptor_.get_executor()) {}
  ~ServerImpl() override { Shutdown(std::chrono::seconds(30)); }

  Status Listen();
  void Run();

  uint16_t port() const override { return port_; }
  void Shutdown(std::chrono::seconds grace) override;

 private:
  void Accept();
  void OnAccept(beast::error_code ec, tcp::socket socket);
  void CloseConnections(bool force);
  void RunIo();

  ServerState state_;  // outlives the I/O context, whose handlers hold connections
  asio::io_context ioc_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  tcp::acceptor acceptor_;
  asio::steady_timer accept_retry_;
  std::vector<std::thread> io_threads_;
  uint16_t port_ = 0;

  std::mutex shutdown_mu_;
  bool shut_down_ = false;  // GUARDED_BY(shutdown_mu_)
};

Status ServerImpl::Listen() {
  const ServerOptions& options = state_.options;
  std::string address = options.host + ":" + std::to_string(options.port);
  beast::error_code ec;
  tcp::resolver resolver(ioc_);
  auto endpoints = resolver.resolve(options.host, std::to_string(options.port),
                                    tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || endpoints.empty()) {
    return Unavailable("cannot listen on " + address + ": " + ec.message());
  }
  tcp::endpoint endpoint = endpoints.begin()->endpoint();
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Unavailable("cannot listen on " + address + ": " + ec.message() +
                       "; is another server using the port?");
  }
  port_ = acceptor_.local_endpoint(ec).port();
  return Status::Ok();
}

void ServerImpl::Run() {
  asio::post(acceptor_.get_executor(), [this] { Accept(); });
  int threads = std::max(1, state_.options.io_threads);
  for (int i = 0; i < threads; ++i) io_threads_.emplace_back([this] { RunIo(); });
}

// A throwing completion handler unwinds out of run(); log it and keep serving.
void ServerImpl::RunIo() {
  while (true) {
    try {
      ioc_.run();
      return;
    } catch (const std::exception& e) {
      spdlog::error("http: I/O thread caught: {}", e.what());
    }
  }
}

void ServerImpl::Accept() {
  acceptor_.async_accept(asio::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
    OnAccept(ec, std::move(socket));
  });
}

void ServerImpl::OnAccept(beast::error_code ec, tcp::socket socket) {
  if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
  if (ec) {
    // E.g. out of file descriptors: retry shortly rather than spin.
    spdlog::warn("http: accept failed: {}", ec.message());
    accept_retry_.expires_after(kAcceptRetryDelay);
    accept_retry_.async_wait([this](beast::error_code wait_ec) {
      if (!wait_ec) Accept();
    });
    return;
  }
  uint64_t id = ++state_.next_id;
  auto connection = NewConnection(state_, std::move(socket), id);
  {
    std::lock_guard lock(state_.mu);
    state_.connections[id] = connection;
  }
  connection->Start();
  Accept();
}

void ServerImpl::CloseConnections(bool force) {
  std::vector<std::shared_ptr<ConnectionBase>> live;
  {
    std::lock_guard lock(state_.mu);
    for (auto& [id, weak] : state_.connections) {
      if (auto connection = weak.lock()) live.push_back(std::move(connection));
    }
  }
  // The closes run on the connections' strands; wait for them, or stopping the I/O
  // threads right after could drop them and leave sockets open.
  auto pending = std::make_shared<Countdown>(live.size());
  for (auto& connection : live) connection->Close(force, [pending] { pending->Done(); });
  pending->Wait(kCloseWait);
}

void ServerImpl::Shutdown(std::chrono::seconds grace) {
  std::lock_guard shutdown_lock(shutdown_mu_);
  if (shut_down_) return;
  shut_down_ = true;
  state_.stopping = true;
  // Closed before the connections are listed: a connection accepted before the close
  // is in the list, and none is accepted after it.
  auto closed = std::make_shared<Countdown>(1);
  asio::post(acceptor_.get_executor(), [this, closed] {
    beast::error_code ec;
    acceptor_.close(ec);
    accept_retry_.cancel();
    closed->Done();
  });
  // Without I/O threads (Start failed before running them) nothing would run the close.
  if (!io_threads_.empty()) closed->Wait(kCloseWait);
  CloseConnections(false);
  {
    std::unique_lock lock(state_.mu);
    state_.requests_done.wait_for(lock, grace, [this] { return state_.active_requests == 0; });
  }
  CloseConnections(true);
  // Workers first: a streaming handler waits on writes that the I/O threads complete.
  state_.workers.join();
  work_.reset();
  ioc_.stop();
  for (auto& thread : io_threads_) thread.join();
}

}  // namespace

ServerState::ServerState(ServerOptions server_options, Router server_router,
                         std::unique_ptr<boost::asio::ssl::context> tls_context)
    : options(std::move(server_options)),
      router(std::move(server_router)),
      tls(std::move(tls_context)),
      workers(static_cast<size_t>(std::max(1, options.worker_threads))) {
  if (options.metrics == nullptr) return;
  options.metrics->Describe(kRequestsMetric, "HTTP requests by route, method and status.",
                            "counter");
  options.metrics->Describe(kDurationMetric, "HTTP request latency by route, in seconds.",
                            "histogram");
}

void ServerState::Record(const std::string& route, std::string_view method, int status,
                         Clock::duration elapsed) const {
  if (options.metrics == nullptr) return;
  options.metrics->Increment(
      kRequestsMetric,
      {{"route", route}, {"method", std::string(method)}, {"status", std::to_string(status)}});
  options.metrics->Observe(kDurationMetric, {{"route", route}},
                           std::chrono::duration<double>(elapsed).count());
}

std::string ServerState::AllowedMethods(std::string_view raw_path) const {
  std::string allowed;
  for (Method method : {Method::kGet, Method::kHead, Method::kPost, Method::kPut, Method::kPatch,
                        Method::kDelete, Method::kOptions}) {
    if (router.Find(method, raw_path).handler == nullptr) continue;
    if (!allowed.empty()) allowed += ", ";
    allowed += MethodName(method);
  }
  return allowed;
}

std::string ServerState::NewSpoolPath() {
  static std::atomic<uint64_t> counter{0};
  std::filesystem::path dir = options.spool_dir;
  if (dir.empty()) dir = std::filesystem::temp_directory_path();
  auto ticks = Clock::now().time_since_epoch().count();
  return (dir / ("citydata-upload-" + std::to_string(getpid()) + "-" + std::to_string(++counter) +
                 "-" + std::to_string(ticks)))
      .string();
}

void ServerState::BeginRequest() {
  std::lock_guard lock(mu);
  ++active_requests;
}

void ServerState::EndRequest() {
  std::lock_guard lock(mu);
  if (--active_requests == 0) requests_done.notify_all();
}

}  // namespace internal

Result<std::unique_ptr<Server>> Server::Start(ServerOptions options, Router router) {
  std::unique_ptr<boost::asio::ssl::context> tls;
  if (options.tls()) {
    ASSIGN_OR_RETURN(tls, internal::NewTlsContext(options));
  }
  auto server =
      std::make_unique<internal::ServerImpl>(std::move(options), std::move(router), std::move(tls));
  RETURN_IF_ERROR(server->Listen());
  server->Run();
  return std::unique_ptr<Server>(std::move(server));
}

}  // namespace citydata::http
