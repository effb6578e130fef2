// A blocking raw-socket HTTP/1.1 client for the transport's tests: it sends exactly the
// bytes it is given, so tests can send malformed, partial or trickled requests.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

namespace citydata::http::testing {

struct RawResponse {
  int status = 0;                              // 0 when the connection closed before a status line
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;                            // de-chunked
};

class RawClient {
 public:
  // Connects to 127.0.0.1:`port`; connected() tells whether it worked.
  explicit RawClient(uint16_t port);
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
  bool Fill();  // reads more bytes into buffer_; false on EOF or error
  bool ReadLine(std::string& line);
  bool ReadExactly(size_t n, std::string& out);

  int fd_ = -1;
  std::string buffer_;
};

// Connects, sends `request` and reads one response.
RawResponse RoundTrip(uint16_t port, const std::string& request, bool head = false);

}  // namespace citydata::http::testing
