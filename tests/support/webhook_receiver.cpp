#include "support/webhook_receiver.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>

namespace brandos::testing {

WebhookReceiver::WebhookReceiver() {
  listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (listener_ < 0) throw std::runtime_error("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listener_, 64) != 0)
    throw std::runtime_error("bind/listen failed");
  socklen_t len = sizeof addr;
  ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] {
    while (!stopping_) {
      pollfd p{listener_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      const int fd = ::accept(listener_, nullptr, nullptr);
      if (fd >= 0) serve(fd);
    }
  });
}

WebhookReceiver::~WebhookReceiver() {
  stopping_ = true;
  thread_.join();
  ::close(listener_);
}

std::vector<ReceivedWebhook> WebhookReceiver::received() const {
  std::lock_guard lock(mutex_);
  return received_;
}

// One request per connection (the sender does not reuse them); 5 s to send it.
void WebhookReceiver::serve(int fd) {
  std::string data;
  char buf[4096];
  std::size_t header_end = std::string::npos, need = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    const auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    data.append(buf, static_cast<std::size_t>(n));
    if (header_end == std::string::npos &&
        (header_end = data.find("\r\n\r\n")) != std::string::npos) {
      std::string lower = data.substr(0, header_end);
      std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
      const auto cl = lower.find("content-length:");
      need = cl == std::string::npos ? 0 : std::stoul(lower.substr(cl + 15));
    }
    if (header_end != std::string::npos && data.size() >= header_end + 4 + need) break;
  }
  if (header_end != std::string::npos) {
    ReceivedWebhook r;
    r.at = std::chrono::steady_clock::now();
    std::size_t line = data.find("\r\n") + 2;
    while (line < header_end) {
      const auto eol = data.find("\r\n", line);
      const auto colon = data.find(':', line);
      if (colon != std::string::npos && colon < eol) {
        std::string name = data.substr(line, colon - line);
        std::transform(name.begin(), name.end(), name.begin(), ::tolower);
        std::string value = data.substr(colon + 1, eol - colon - 1);
        value.erase(0, value.find_first_not_of(' '));
        r.headers[name] = value;
      }
      line = eol + 2;
    }
    r.body = data.substr(header_end + 4, need);
    {
      std::lock_guard lock(mutex_);
      received_.push_back(std::move(r));
    }
    const int status = status_;
    const std::string reply = "HTTP/1.1 " + std::to_string(status) +
                              " X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    ::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL);
  }
  ::close(fd);
}

}  // namespace brandos::testing
