// A blocking raw-socket HTTP/1.1 client for the transport's tests: it sends exactly the
// bytes it is given, so tests can send malformed, partial or trickled requests, in the
// clear or inside TLS (OpenSSL on the same socket).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

struct ssl_st;
struct ssl_ctx_st;

namespace citydata::http::testing {

struct RawResponse {
  int status = 0;                              // 0 when the connection closed before a status line
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;                            // de-chunked
};

struct ClientTls {
  std::string ca_file;  // the server's certificate must chain to this one; "" skips the check
  int max_version = 0;  // e.g. TLS1_1_VERSION, to try an old protocol; 0: OpenSSL's default
};

class RawClient {
 public:
  // Connects to 127.0.0.1:`port` (and completes a TLS handshake when `tls` is set);
  // connected() tells whether it worked.
  explicit RawClient(uint16_t port, const std::optional<ClientTls>& tls = std::nullopt);
  ~RawClient();
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return fd_ >= 0; }
  bool Send(const std::string& bytes);
  // Reads one response; `head` skips the body (the answer to a HEAD request).
  RawResponse Read(bool head = false);
  // True when the server closed the connection (EOF) within `timeout`.
  bool ClosedByPeer(std::chrono::milliseconds timeout);

 private:
  bool StartTls(const ClientTls& tls);
  bool Fill();  // reads more bytes into buffer_; false on EOF or error
  bool ReadLine(std::string& line);
  bool ReadExactly(size_t n, std::string& out);

  struct TlsFree {
    void operator()(ssl_ctx_st* context) const;
    void operator()(ssl_st* session) const;
  };

  int fd_ = -1;
  std::unique_ptr<ssl_ctx_st, TlsFree> tls_context_;
  std::unique_ptr<ssl_st, TlsFree> tls_;  // null: plain TCP
  std::string buffer_;
};

// Connects, sends `request` and reads one response.
RawResponse RoundTrip(uint16_t port, const std::string& request, bool head = false,
                      const std::optional<ClientTls>& tls = std::nullopt);

}  // namespace citydata::http::testing
