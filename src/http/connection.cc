#include "http/connection.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/asio/write.hpp>
#include <cctype>
#include <exception>
#include <filesystem>
#include <future>
#include <limits>
#include <utility>

#include "http/internal.h"

namespace citydata::http::internal {
namespace {

namespace asio = boost::asio;

// Free buffer space kept for each read of an upload body.
constexpr size_t kUploadReadBytes = 1u << 20;
// Streamed chunks are coalesced up to this size before each write.
constexpr size_t kStreamFlushBytes = 64u << 10;
// How long a closing connection waits for the client to finish sending.
constexpr std::chrono::seconds kDrainTimeout{2};

std::optional<Method> ToMethod(bhttp::verb verb) {
  switch (verb) {
    case bhttp::verb::get:
      return Method::kGet;
    case bhttp::verb::head:
      return Method::kHead;
    case bhttp::verb::post:
      return Method::kPost;
    case bhttp::verb::put:
      return Method::kPut;
    case bhttp::verb::patch:
      return Method::kPatch;
    case bhttp::verb::delete_:
      return Method::kDelete;
    case bhttp::verb::options:
      return Method::kOptions;
    default:
      return std::nullopt;
  }
}

// Errors after which the peer is gone or silent: close without answering.
bool IsDisconnect(beast::error_code ec) {
  return ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
         ec == beast::error::timeout ||
         ec.category() != bhttp::make_error_code(bhttp::error::end_of_stream).category();
}

std::string_view View(beast::string_view text) { return {text.data(), text.size()}; }

std::string Lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

template <class Body>
std::shared_ptr<bhttp::response<Body>> NewMessage(const Response& response, bool keep_alive) {
  auto message = std::make_shared<bhttp::response<Body>>();
  message->result(static_cast<unsigned>(response.status));
  message->set(bhttp::field::server, "citydata");
  message->set(bhttp::field::content_type, response.content_type);
  for (const auto& [name, value] : response.headers) message->insert(name, value);
  message->keep_alive(keep_alive);
  return message;
}

void RemoveFile(const std::string& path) {
  std::error_code ec;
  if (!path.empty()) std::filesystem::remove(path, ec);
}

}  // namespace

template <class Stream>
Connection<Stream>::Connection(ServerState& state, asio::ip::tcp::socket socket, uint64_t id)
    : state_(state), stream_(OpenStream(state, std::move(socket))), id_(id) {
  beast::error_code ec;
  auto endpoint = Tcp().socket().remote_endpoint(ec);
  if (!ec) remote_address_ = endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
  Tcp().socket().set_option(asio::ip::tcp::no_delay(true), ec);
}

template <class Stream>
Stream Connection<Stream>::OpenStream(ServerState& state, asio::ip::tcp::socket socket) {
  if constexpr (kTls) {
    return Stream(std::move(socket), *state.tls);
  } else {
    return Stream(std::move(socket));
  }
}

template <class Stream>
Connection<Stream>::~Connection() {
  RemoveFile(spool_path_);
  if (in_request_) state_.EndRequest();
  std::lock_guard lock(state_.mu);
  state_.connections.erase(id_);
}

template <class Stream>
void Connection<Stream>::Start() {
  asio::dispatch(stream_.get_executor(), [self = Self()] {
    if constexpr (kTls) {
      self->Handshake();
    } else {
      self->ReadHeader();
    }
  });
}

// The handshake has its own, shorter limit: until it completes, the client has not
// shown that it is a TLS client at all.
template <class Stream>
void Connection<Stream>::Handshake() {
  if constexpr (kTls) {
    Tcp().expires_after(state_.options.tls_handshake_timeout);
    stream_.async_handshake(asio::ssl::stream_base::server,
                            [self = Self()](beast::error_code ec) { self->OnHandshake(ec); });
  }
}

template <class Stream>
void Connection<Stream>::OnHandshake(beast::error_code ec) {
  if (!ec) return ReadHeader();
  if (ec.category() == asio::error::get_ssl_category() &&
      ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == SSL_R_HTTP_REQUEST) {
    return RefusePlainHttp();
  }
  spdlog::debug("http: TLS handshake with {} failed: {}", remote_address_, ec.message());
  Tcp().close();
}

// A plain-HTTP request on the TLS port (OpenSSL recognises "GET ", "POST " ...) gets a
// plain answer that says what to do, instead of a silently closed connection.
template <class Stream>
void Connection<Stream>::RefusePlainHttp() {
  auto body =
      JsonError(400, ErrorCode::kInvalidArgument, "this port serves HTTPS; use an https:// URL");
  auto response = NewMessage<bhttp::string_body>(body, false);
  response->body() = std::move(body.body);
  response->prepare_payload();
  Tcp().expires_after(state_.options.idle_timeout);
  bhttp::async_write(Tcp(), *response, [self = Self(), response](beast::error_code, size_t) {
    self->HalfCloseAndDrain();
  });
}

template <class Stream>
void Connection<Stream>::Close(bool force, std::function<void()> done) {
  asio::post(stream_.get_executor(), [self = Self(), force, done = std::move(done)] {
    if (force || self->idle_) self->Tcp().close();
    done();
  });
}

template <class Stream>
void Connection<Stream>::ReadHeader() {
  idle_ = true;
  header_parser_.emplace();
  header_parser_->header_limit(static_cast<uint32_t>(
      std::min<size_t>(state_.options.max_header_bytes, std::numeric_limits<uint32_t>::max())));
  // Checked per route once the header is known. (Beast 1.74 mishandles boost::none here.)
  header_parser_->body_limit(std::numeric_limits<uint64_t>::max());
  body_parser_.reset();
  file_parser_.reset();
  Tcp().expires_after(state_.options.idle_timeout);
  bhttp::async_read_header(stream_, buffer_, *header_parser_,
                           [self = Self()](beast::error_code ec, size_t) { self->OnHeader(ec); });
}

template <class Stream>
void Connection<Stream>::OnHeader(beast::error_code ec) {
  idle_ = false;
  if (ec && IsDisconnect(ec)) return Tcp().close();
  state_.BeginRequest();
  in_request_ = true;
  start_ = Clock::now();
  request_ = Request{};
  route_label_ = "unmatched";
  method_label_ = "other";
  keep_alive_ = false;
  if (ec == bhttp::error::header_limit) {
    return WriteError(
        431, ErrorCode::kResourceExhausted,
        "the request header exceeds " + std::to_string(state_.options.max_header_bytes) + " bytes");
  }
  if (ec)
    return WriteError(400, ErrorCode::kInvalidArgument, "malformed HTTP request: " + ec.message());
  const auto& header = header_parser_->get();
  std::optional<Method> method = ToMethod(header.method());
  if (!method) {
    return WriteError(501, ErrorCode::kInvalidArgument,
                      "HTTP method " + std::string(header.method_string()) + " is not supported");
  }
  method_label_ = MethodName(*method);
  request_.method = *method;
  std::string raw_path;
  if (!ParseTarget(View(header.target()), raw_path, request_.path, request_.query)) {
    return WriteError(400, ErrorCode::kInvalidArgument,
                      "malformed request target: " + std::string(header.target()));
  }
  if (state_.stopping) {
    return WriteError(503, ErrorCode::kUnavailable, "the server is shutting down; retry later");
  }
  match_ = state_.router.Find(*method, raw_path);
  if (match_.handler != nullptr) route_label_ = match_.pattern;
  PrepareRequest(header);
  if (match_.handler != nullptr && match_.options.admit) {
    if (auto refusal = match_.options.admit(request_)) {
      keep_alive_ = false;
      return Respond(std::move(*refusal), request_.method, false, request_.target);
    }
  }
  StartBody();
}

template <class Stream>
void Connection<Stream>::PrepareRequest(const bhttp::request<bhttp::empty_body>& header) {
  keep_alive_ = header.keep_alive();
  request_.target = std::string(header.target());
  request_.remote_address = remote_address_;
  request_.path_params = std::move(match_.params);
  for (const auto& field : header) {
    std::string& value = request_.headers[Lowercase(View(field.name_string()))];
    if (!value.empty()) value += ", ";
    value += View(field.value());
  }
}

template <class Stream>
void Connection<Stream>::StartBody() {
  bool upload = match_.handler != nullptr && match_.options.upload;
  uint64_t limit = upload ? state_.options.max_upload_bytes : state_.options.max_body_bytes;
  boost::optional<uint64_t> length = header_parser_->content_length();
  if (length && *length > limit) {
    return WriteError(413, ErrorCode::kResourceExhausted,
                      "the request body exceeds the limit of " + std::to_string(limit) + " bytes");
  }
  if (upload) {
    // Beast sizes each read by the buffer's free capacity (at least 512 bytes); without
    // room, a large upload arrives in ~1 KiB reads, each a system call and a timer reset.
    buffer_.reserve(kUploadReadBytes);
    spool_path_ = state_.NewSpoolPath();
    file_parser_.emplace(std::move(*header_parser_));
    file_parser_->body_limit(limit);
    beast::error_code ec;
    file_parser_->get().body().open(spool_path_.c_str(), beast::file_mode::write_new, ec);
    if (ec) {
      spdlog::error("http: cannot create spool file {}: {}", spool_path_, ec.message());
      spool_path_.clear();
      return WriteError(500, ErrorCode::kInternal, "cannot store the upload on the server");
    }
  } else {
    body_parser_.emplace(std::move(*header_parser_));
    body_parser_->body_limit(limit);
  }
  const auto& header = upload ? file_parser_->get().base() : body_parser_->get().base();
  if (!beast::iequals(header[bhttp::field::expect], "100-continue")) return ReadBody();
  auto interim = std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_, 11);
  Tcp().expires_after(state_.options.idle_timeout);
  bhttp::async_write(stream_, *interim, [self = Self(), interim](beast::error_code ec, size_t) {
    if (ec) return self->Tcp().close();
    self->ReadBody();
  });
}

template <class Stream>
void Connection<Stream>::ReadBody() {
  if (file_parser_) return ReadBodySome(*file_parser_);
  ReadBodySome(*body_parser_);
}

// Reads the body piece by piece so that `idle_timeout` limits each read, not the body.
template <class Stream>
template <class Parser>
void Connection<Stream>::ReadBodySome(Parser& parser) {
  if (parser.is_done()) return OnBodyDone();
  Tcp().expires_after(state_.options.idle_timeout);
  bhttp::async_read_some(stream_, buffer_, parser,
                         [self = Self(), &parser](beast::error_code ec, size_t) {
                           if (ec) return self->OnBodyError(ec);
                           self->ReadBodySome(parser);
                         });
}

template <class Stream>
void Connection<Stream>::OnBodyError(beast::error_code ec) {
  RemoveFile(std::exchange(spool_path_, {}));
  if (ec == bhttp::error::body_limit) {
    uint64_t limit = file_parser_ ? state_.options.max_upload_bytes : state_.options.max_body_bytes;
    return WriteError(413, ErrorCode::kResourceExhausted,
                      "the request body exceeds the limit of " + std::to_string(limit) + " bytes");
  }
  if (IsDisconnect(ec)) return Tcp().close();
  WriteError(400, ErrorCode::kInvalidArgument, "malformed HTTP request body: " + ec.message());
}

template <class Stream>
void Connection<Stream>::OnBodyDone() {
  if (file_parser_) {
    file_parser_->get().body().close();
    request_.body_file = std::exchange(spool_path_, {});
  } else {
    request_.body = std::move(body_parser_->get().body());
  }
  asio::post(state_.workers,
             [self = Self(), request = std::move(request_), handler = match_.handler,
              not_allowed = match_.method_not_allowed, keep_alive = keep_alive_]() mutable {
               self->Handle(std::move(request), handler, not_allowed, keep_alive);
             });
}

template <class Stream>
void Connection<Stream>::WriteError(int status, ErrorCode code, std::string_view message) {
  keep_alive_ = false;
  auto body = JsonError(status, code, message);
  auto response = NewMessage<bhttp::string_body>(body, false);
  response->body() = std::move(body.body);
  response->prepare_payload();
  Write(std::move(response), request_.method == Method::kHead);
}

template <class Stream>
template <class Body>
void Connection<Stream>::Write(std::shared_ptr<bhttp::response<Body>> message, bool header_only) {
  asio::dispatch(stream_.get_executor(), [self = Self(), message, header_only] {
    auto serializer = std::make_shared<bhttp::response_serializer<Body>>(*message);
    auto done = [self, message, serializer](beast::error_code ec, size_t) {
      self->Finish(message->keep_alive() && !ec);
    };
    self->RecordRequest(message->result_int());
    self->Tcp().expires_after(self->state_.options.idle_timeout);
    if (header_only) {
      bhttp::async_write_header(self->stream_, *serializer, std::move(done));
    } else {
      bhttp::async_write(self->stream_, *serializer, std::move(done));
    }
  });
}

// Recorded when the response starts, so that it is visible once the client has it.
template <class Stream>
void Connection<Stream>::RecordRequest(int status) {
  if (in_request_) state_.Record(route_label_, method_label_, status, Clock::now() - start_);
}

template <class Stream>
void Connection<Stream>::Finish(bool keep_alive) {
  if (in_request_) {
    in_request_ = false;
    state_.EndRequest();
  }
  if (keep_alive && !state_.stopping) return ReadHeader();
  CloseGracefully();
}

// Closing with unread data would reset the connection before the client has read the
// response, so the server reads what the client still sends before it closes: over TLS
// while it waits for the client's close_notify, over plain TCP after a half-close.
template <class Stream>
void Connection<Stream>::CloseGracefully() {
  if constexpr (kTls) {
    Tcp().expires_after(kDrainTimeout);
    // OpenSSL gives up its shutdown when application data arrives (e.g. the rest of a
    // refused upload): the close_notify is out by then, so drain the TCP stream instead.
    stream_.async_shutdown([self = Self()](beast::error_code ec) {
      if (!ec || ec == asio::error::eof || ec == asio::ssl::error::stream_truncated ||
          ec == beast::error::timeout || ec == asio::error::operation_aborted) {
        return self->Tcp().close();
      }
      self->HalfCloseAndDrain();
    });
  } else {
    HalfCloseAndDrain();
  }
}

template <class Stream>
void Connection<Stream>::HalfCloseAndDrain() {
  beast::error_code ec;
  Tcp().socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  Tcp().expires_after(kDrainTimeout);
  Drain();
}

// Reads below TLS: used for plain connections and after refusing plain HTTP on TLS.
template <class Stream>
void Connection<Stream>::Drain() {
  Tcp().async_read_some(asio::buffer(drain_buffer_), [self = Self()](beast::error_code ec, size_t) {
    if (ec) return self->Tcp().close();
    self->Drain();
  });
}

template <class Stream>
void Connection<Stream>::Handle(Request request, const Handler* handler, bool not_allowed,
                                bool keep_alive) {
  Method method = request.method;
  try {
    Response response = Invoke(request, handler, not_allowed);
    RemoveFile(request.body_file);
    Respond(std::move(response), method, keep_alive && !state_.stopping, request.target);
  } catch (const std::exception& e) {
    spdlog::error("http: responding to {} {} failed: {}", MethodName(method), request.target,
                  e.what());
    RemoveFile(request.body_file);
    Close(true, [] {});
  }
}

template <class Stream>
Response Connection<Stream>::Invoke(Request& request, const Handler* handler, bool not_allowed) {
  if (not_allowed) {
    std::string allowed = state_.AllowedMethods(request.target.substr(0, request.target.find('?')));
    Response response = JsonError(405, ErrorCode::kInvalidArgument,
                                  std::string(MethodName(request.method)) + " is not allowed on " +
                                      request.path + "; allowed: " + allowed);
    response.headers.emplace_back("Allow", std::move(allowed));
    return response;
  }
  const Handler& chosen = handler != nullptr ? *handler : state_.router.fallback();
  if (!chosen) return JsonError(404, ErrorCode::kNotFound, "no such resource: " + request.path);
  try {
    return chosen(request);
  } catch (const std::exception& e) {
    spdlog::error("http: handler for {} {} threw: {}", MethodName(request.method), request.target,
                  e.what());
  } catch (...) {
    spdlog::error("http: handler for {} {} threw a non-exception", MethodName(request.method),
                  request.target);
  }
  return JsonError(500, ErrorCode::kInternal, "internal error; see the server log");
}

template <class Stream>
void Connection<Stream>::Respond(Response response, Method method, bool keep_alive,
                                 const std::string& target) {
  bool header_only = method == Method::kHead;
  if (response.stream && !header_only) return StreamBody(response, keep_alive, target);
  if (response.stream) {
    auto message = NewMessage<bhttp::empty_body>(response, keep_alive);
    message->chunked(true);
    return Write(std::move(message), true);
  }
  if (!response.file_path.empty()) {
    auto message = NewMessage<bhttp::file_body>(response, keep_alive);
    beast::error_code ec;
    message->body().open(response.file_path.c_str(), beast::file_mode::scan, ec);
    if (ec) {
      spdlog::error("http: cannot open response file {}: {}", response.file_path, ec.message());
      return Respond(JsonError(500, ErrorCode::kInternal, "cannot read the response file"), method,
                     keep_alive, target);
    }
    message->prepare_payload();
    return Write(std::move(message), header_only);
  }
  if (response.status == 204 || response.status == 304) response.body.clear();
  auto message = NewMessage<bhttp::string_body>(response, keep_alive);
  message->body() = std::move(response.body);
  message->prepare_payload();
  Write(std::move(message), header_only);
}

// The worker owns the connection while it streams: each write runs on the strand and the
// worker waits for it, so the producer feels the client's back-pressure.
template <class Stream>
void Connection<Stream>::StreamBody(Response& response, bool keep_alive,
                                    const std::string& target) {
  auto message = NewMessage<bhttp::empty_body>(response, keep_alive);
  message->chunked(true);
  auto serializer = std::make_shared<bhttp::response_serializer<bhttp::empty_body>>(*message);
  bool alive = AwaitOnStrand([this, message, serializer](std::function<void(bool)> done) {
    Tcp().expires_after(state_.options.idle_timeout);
    bhttp::async_write_header(
        stream_, *serializer,
        [done, message, serializer](beast::error_code ec, size_t) { done(!ec); });
  });
  std::string pending;
  ChunkWriter writer = [&](std::string_view chunk) {
    if (!alive) return false;
    if (pending.empty() && chunk.size() >= kStreamFlushBytes) return alive = WriteChunk(chunk);
    pending.append(chunk);
    if (pending.size() >= kStreamFlushBytes) {
      alive = WriteChunk(pending);
      pending.clear();
    }
    return alive;
  };
  Status status = Internal("the stream producer threw");
  try {
    status = response.stream(writer);
  } catch (const std::exception& e) {
    status = Internal(e.what());
  }
  if (!status.ok()) spdlog::error("http: streaming {} failed: {}", target, status.ToString());
  bool complete = alive && status.ok() && WriteChunk(pending) &&
                  AwaitOnStrand([this](std::function<void(bool)> done) {
                    asio::async_write(stream_, bhttp::make_chunk_last(),
                                      [done](beast::error_code ec, size_t) { done(!ec); });
                  });
  // An incomplete chunked body tells the client the response failed.
  asio::post(stream_.get_executor(),
             [self = Self(), status = response.status, keep = complete && keep_alive] {
               self->RecordRequest(status);
               self->Finish(keep);
             });
}

template <class Stream>
bool Connection<Stream>::AwaitOnStrand(std::function<void(std::function<void(bool)>)> op) {
  auto done = std::make_shared<std::promise<bool>>();
  std::future<bool> result = done->get_future();
  asio::post(stream_.get_executor(), [self = Self(), op = std::move(op), done] {
    op([done](bool ok) { done->set_value(ok); });
  });
  try {
    return result.get();
  } catch (const std::future_error&) {
    return false;  // the I/O context went away with the write
  }
}

template <class Stream>
bool Connection<Stream>::WriteChunk(std::string_view data) {
  if (data.empty()) return true;
  return AwaitOnStrand([this, data](std::function<void(bool)> done) {
    Tcp().expires_after(state_.options.idle_timeout);
    asio::async_write(stream_, bhttp::make_chunk(asio::buffer(data.data(), data.size())),
                      [done](beast::error_code ec, size_t) { done(!ec); });
  });
}

std::shared_ptr<ConnectionBase> NewConnection(ServerState& state, asio::ip::tcp::socket socket,
                                              uint64_t id) {
  if (state.tls) return std::make_shared<Connection<TlsStream>>(state, std::move(socket), id);
  return std::make_shared<Connection<PlainStream>>(state, std::move(socket), id);
}

template class Connection<PlainStream>;
template class Connection<TlsStream>;

}  // namespace citydata::http::internal
