#pragma once
// A real HTTP server on 127.0.0.1 (a free port) that receives webhooks for tests: it records
// every request (arrival time, headers, body) and answers with the status the test chooses.
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace brandos::testing {

struct ReceivedWebhook {
  std::chrono::steady_clock::time_point at;
  std::map<std::string, std::string> headers;  // names lowercased
  std::string body;
};

class WebhookReceiver {
 public:
  WebhookReceiver();
  ~WebhookReceiver();
  unsigned short port() const { return port_; }
  std::string url(const std::string& path = "/hooks") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  // The status of the next answers (200 at first).
  void answer(int status) { status_ = status; }
  std::vector<ReceivedWebhook> received() const;

 private:
  void serve(int fd);
  int listener_ = -1;
  unsigned short port_ = 0;
  std::atomic<int> status_{200};
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::vector<ReceivedWebhook> received_;
  std::thread thread_;
};

}  // namespace brandos::testing
