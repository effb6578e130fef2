#include "http/test_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <csignal>

namespace citydata::http::testing {

void RawClient::TlsFree::operator()(ssl_ctx_st* context) const { SSL_CTX_free(context); }
void RawClient::TlsFree::operator()(ssl_st* session) const { SSL_free(session); }

RawClient::RawClient(uint16_t port, const std::optional<ClientTls>& tls) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
  if (fd_ >= 0 && tls && !StartTls(*tls)) {
    ::close(fd_);
    fd_ = -1;
  }
}

bool RawClient::StartTls(const ClientTls& tls) {
  // OpenSSL writes with write(2): a server that has closed must fail SSL_write, as it
  // fails send(MSG_NOSIGNAL) in the clear, rather than kill the test with SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  tls_context_.reset(SSL_CTX_new(TLS_client_method()));
  SSL_CTX* context = tls_context_.get();
  if (tls.max_version != 0) {
    SSL_CTX_set_security_level(context, 0);  // lets OpenSSL offer the old version at all
    SSL_CTX_set_min_proto_version(context, 0);
    SSL_CTX_set_max_proto_version(context, tls.max_version);
  }
  if (!tls.ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(context, tls.ca_file.c_str(), nullptr) != 1) return false;
    SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nullptr);
  }
  tls_.reset(SSL_new(context));
  SSL_set_fd(tls_.get(), fd_);
  if (!tls.ca_file.empty()) SSL_set1_host(tls_.get(), "127.0.0.1");
  return SSL_connect(tls_.get()) == 1;
}

RawClient::~RawClient() {
  tls_.reset();
  if (fd_ >= 0) ::close(fd_);
}

bool RawClient::Send(const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n =
        tls_ ? SSL_write(tls_.get(), bytes.data() + sent, static_cast<int>(bytes.size() - sent))
             : ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

bool RawClient::Fill() {
  char chunk[65536];
  ssize_t n =
      tls_ ? SSL_read(tls_.get(), chunk, sizeof(chunk)) : ::recv(fd_, chunk, sizeof(chunk), 0);
  if (n <= 0) return false;
  buffer_.append(chunk, static_cast<size_t>(n));
  return true;
}

bool RawClient::ReadLine(std::string& line) {
  size_t end;
  while ((end = buffer_.find("\r\n")) == std::string::npos) {
    if (!Fill()) return false;
  }
  line = buffer_.substr(0, end);
  buffer_.erase(0, end + 2);
  return true;
}

bool RawClient::ReadExactly(size_t n, std::string& out) {
  while (buffer_.size() < n) {
    if (!Fill()) return false;
  }
  out.append(buffer_, 0, n);
  buffer_.erase(0, n);
  return true;
}

RawResponse RawClient::Read(bool head) {
  RawResponse response;
  std::string line;
  if (!ReadLine(line) || line.size() < 12) return response;
  response.status = std::stoi(line.substr(9, 3));
  while (ReadLine(line) && !line.empty()) {
    size_t colon = line.find(':');
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    response.headers[name] = line.substr(line.find_first_not_of(' ', colon + 1));
  }
  if (head) return response;
  if (response.headers["transfer-encoding"] == "chunked") {
    while (ReadLine(line)) {
      size_t size = std::stoul(line, nullptr, 16);
      std::string crlf;
      if (size == 0) {
        ReadLine(line);
        break;
      }
      if (!ReadExactly(size, response.body) || !ReadExactly(2, crlf)) break;
    }
  } else if (response.headers.count("content-length") != 0) {
    ReadExactly(std::stoul(response.headers["content-length"]), response.body);
  }
  return response;
}

bool RawClient::ClosedByPeer(std::chrono::milliseconds timeout) {
  pollfd descriptor{fd_, POLLIN, 0};
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (::poll(&descriptor, 1, 50) > 0 && !Fill()) return true;
  }
  return false;
}

RawResponse RoundTrip(uint16_t port, const std::string& request, bool head,
                      const std::optional<ClientTls>& tls) {
  RawClient client(port, tls);
  if (!client.connected() || !client.Send(request)) return {};
  return client.Read(head);
}

}  // namespace citydata::http::testing
