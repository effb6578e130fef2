// The citydata CLI's HTTP client: small, synchronous, one connection per call.
//
// Every call connects to the server, sends one request and reads its answer. Failures to
// reach the server are Unavailable with a message telling the user to start it; a read or
// write that stalls longer than timeout() is DeadlineExceeded. An HTTP error status is not
// a failure here: the caller gets it in the result and decides what it means.
//
// Thread safety: an HttpClient may be used by one thread at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace citydata::cli {

struct HttpResult {
  int status = 0;
  std::string body;
  std::string content_type;
};

class HttpClient {
 public:
  // `base_url` is "http://host:port" (a trailing '/' is ignored); `token`, when
  // non-empty, is sent as "Authorization: Bearer <token>".
  HttpClient(std::string base_url, std::string token);

  // Limit on each connect, read or write, not on a whole call; a large upload or a long
  // streamed result may take as long as it needs while it keeps moving. Default 60 s.
  void set_timeout(std::chrono::seconds timeout) { timeout_ = timeout; }
  std::chrono::seconds timeout() const { return timeout_; }

  // Sends `method` (e.g. "GET") to `path_and_query` (e.g. "/api/v1/datasets?x=1") with
  // `body` (sent with `content_type` when non-empty) and returns the whole answer.
  Result<HttpResult> Request(std::string_view method, std::string_view path_and_query,
                             std::string body = "",
                             std::string_view content_type = "application/json");

  // Sends the file at `file_path` as the request body with a Content-Length, reading and
  // writing it 1 MiB at a time so memory stays flat for files of any size. `progress`,
  // when set, is called after each piece with the bytes sent so far and the total. If the
  // server answers early (e.g. 413) the answer is still returned.
  Result<HttpResult> Upload(std::string_view method, std::string_view path_and_query,
                            const std::string& file_path,
                            std::function<void(uint64_t sent, uint64_t total)> progress = {});

  // Like Request but hands the response body to `on_body` piece by piece as it arrives
  // (for large query results), with the response's HTTP status, and returns the status.
  // The body of an error status is delivered the same way. `on_body` returning false stops reading
  // and closes the connection; the status is still returned.
  Result<int> RequestStream(std::string_view method, std::string_view path_and_query,
                            std::string body,
                            const std::function<bool(int status, std::string_view chunk)>& on_body);

 private:
  class Call;

  std::string base_url_;
  std::string host_;
  std::string port_;
  std::string token_;
  Status url_status_;  // not OK when base_url could not be parsed
  std::chrono::seconds timeout_{60};
};

}  // namespace citydata::cli
