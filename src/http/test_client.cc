#include "http/test_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>

namespace citydata::http::testing {

RawClient::RawClient(uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

RawClient::~RawClient() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawClient::Send(const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

bool RawClient::Fill() {
  char chunk[65536];
  ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
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

RawResponse RoundTrip(uint16_t port, const std::string& request, bool head) {
  RawClient client(port);
  if (!client.connected() || !client.Send(request)) return {};
  return client.Read(head);
}

}  // namespace citydata::http::testing
