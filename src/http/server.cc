#include "http/server.h"

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
#include <exception>
#include <filesystem>
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

class ServerImpl final : public Server {
 public:
  ServerImpl(ServerOptions options, Router router)
      : state_(std::move(options), std::move(router)),
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
  auto connection = std::make_shared<Connection>(state_, std::move(socket), id);
  {
    std::lock_guard lock(state_.mu);
    state_.connections[id] = connection;
  }
  connection->Start();
  Accept();
}

void ServerImpl::CloseConnections(bool force) {
  std::vector<std::shared_ptr<Connection>> live;
  {
    std::lock_guard lock(state_.mu);
    for (auto& [id, weak] : state_.connections) {
      if (auto connection = weak.lock()) live.push_back(std::move(connection));
    }
  }
  for (auto& connection : live) connection->Close(force);
}

void ServerImpl::Shutdown(std::chrono::seconds grace) {
  std::lock_guard shutdown_lock(shutdown_mu_);
  if (shut_down_) return;
  shut_down_ = true;
  state_.stopping = true;
  asio::post(acceptor_.get_executor(), [this] {
    beast::error_code ec;
    acceptor_.close(ec);
    accept_retry_.cancel();
  });
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

ServerState::ServerState(ServerOptions server_options, Router server_router)
    : options(std::move(server_options)),
      router(std::move(server_router)),
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
  auto server = std::make_unique<internal::ServerImpl>(std::move(options), std::move(router));
  RETURN_IF_ERROR(server->Listen());
  server->Run();
  return std::unique_ptr<Server>(std::move(server));
}

}  // namespace citydata::http
