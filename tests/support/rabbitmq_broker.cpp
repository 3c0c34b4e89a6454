#include "support/rabbitmq_broker.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "infrastructure/amqp/amqp_session.hpp"
#include "support/server_process.hpp"

namespace brandos::testing {

namespace {

std::string text(const amqp_bytes_t& b) {
  return b.len ? std::string(static_cast<const char*>(b.bytes), b.len) : std::string();
}

}  // namespace

RabbitMqBroker::RabbitMqBroker() {
  char path[] = "/tmp/brandos-rabbitmq-XXXXXX";
  if (!::mkdtemp(path)) throw std::runtime_error("mkdtemp failed");
  dir_ = path;
  port_ = free_port();
  dist_port_ = free_port();
  node_ = "brandos-test-" + std::to_string(port_) + "@localhost";
  std::ofstream(dir_ + "/enabled_plugins") << "[].\n";
  std::ofstream(dir_ + "/rabbitmq.conf")
      << "listeners.tcp.default = 127.0.0.1:" << port_ << "\nloopback_users = none\n";
}

RabbitMqBroker::~RabbitMqBroker() {
  try {
    stop();
  } catch (...) {
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string RabbitMqBroker::url() const {
  return "amqp://guest:guest@127.0.0.1:" + std::to_string(port_) + "/";
}

void RabbitMqBroker::start() {
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::setpgid(0, 0);  // the script, erl and beam stop together
    const int log = ::open((dir_ + "/broker.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    ::dup2(log, STDOUT_FILENO);
    ::dup2(log, STDERR_FILENO);
    const std::map<std::string, std::string> env = {
        {"HOME", dir_},  // the Erlang cookie lives here
        {"RABBITMQ_NODENAME", node_},
        {"RABBITMQ_MNESIA_BASE", dir_ + "/mnesia"},
        {"RABBITMQ_LOG_BASE", dir_ + "/log"},
        {"RABBITMQ_CONFIG_FILE", dir_ + "/rabbitmq"},
        {"RABBITMQ_ENABLED_PLUGINS_FILE", dir_ + "/enabled_plugins"},
        {"RABBITMQ_PID_FILE", dir_ + "/pid"},
        {"RABBITMQ_DIST_PORT", std::to_string(dist_port_)},
        {"ERL_EPMD_ADDRESS", "127.0.0.1"},
        {"RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", "-kernel inet_dist_use_interface {127,0,0,1}"}};
    for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
    ::execl("/usr/lib/rabbitmq/bin/rabbitmq-server", "rabbitmq-server", nullptr);
    ::_exit(127);
  }
  ::setpgid(pid_, pid_);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  while (std::chrono::steady_clock::now() < deadline) {
    try {
      amqp::BrokerAddress a;
      a.port = port_;
      amqp::AmqpSession probe(a, std::chrono::milliseconds(500), "brandos-test-probe");
      return;
    } catch (const std::exception&) {
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("rabbitmq-server exited; see " + dir_ + "/broker.log");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  throw std::runtime_error("rabbitmq-server did not come up in 90 s");
}

void RabbitMqBroker::stop() {
  if (pid_ < 0) return;
  ::kill(-pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  int status = 0;
  while (::waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(-pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  // The beam may outlive the script for a moment: wait for the whole group.
  for (int i = 0; i < 600 && ::kill(-pid_, 0) == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ::kill(-pid_, SIGKILL);
  pid_ = -1;
}

EventQueueReader::EventQueueReader(unsigned short port, std::string queue,
                                   std::vector<std::string> keys)
    : port_(port), queue_(std::move(queue)), keys_(std::move(keys)) {
  connect();
}

EventQueueReader::~EventQueueReader() {
  delete static_cast<amqp::AmqpSession*>(session_);
}

void EventQueueReader::connect() {
  delete static_cast<amqp::AmqpSession*>(session_);
  session_ = nullptr;
  amqp::BrokerAddress a;
  a.port = port_;
  auto s = std::make_unique<amqp::AmqpSession>(a, std::chrono::seconds(2), "brandos-test-reader");
  s->declare_topology();
  s->declare_consumer_queue(queue_, keys_);
  amqp_basic_qos(s->state(), amqp::AmqpSession::kChannel, 0, 500, 0);
  s->check("basic.qos");
  amqp_basic_consume(s->state(), amqp::AmqpSession::kChannel, amqp_cstring_bytes(queue_.c_str()),
                     amqp_empty_bytes, 0, 0, 0, amqp_empty_table);
  s->check("basic.consume");
  session_ = s.release();
}

std::vector<ObservedEvent> EventQueueReader::drain(std::chrono::milliseconds quiet,
                                                   std::chrono::milliseconds bound) {
  std::vector<ObservedEvent> out;
  const auto until = std::chrono::steady_clock::now() + bound;
  auto last = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() < until &&
         std::chrono::steady_clock::now() - last < quiet) {
    if (!session_) {
      try {
        connect();
      } catch (const std::exception&) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        continue;
      }
    }
    auto* s = static_cast<amqp::AmqpSession*>(session_);
    amqp_maybe_release_buffers(s->state());
    amqp_envelope_t envelope;
    timeval tv{0, 100000};
    auto r = amqp_consume_message(s->state(), &envelope, &tv, 0);
    if (r.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && r.library_error == AMQP_STATUS_TIMEOUT)
      continue;
    if (r.reply_type != AMQP_RESPONSE_NORMAL) {  // the broker went away: reconnect
      delete s;
      session_ = nullptr;
      continue;
    }
    ObservedEvent e;
    e.routing_key = text(envelope.routing_key);
    const auto& p = envelope.message.properties;
    if (p._flags & AMQP_BASIC_MESSAGE_ID_FLAG) e.message_id = text(p.message_id);
    e.persistent = (p._flags & AMQP_BASIC_DELIVERY_MODE_FLAG) && p.delivery_mode == 2;
    e.redelivered = envelope.redelivered;
    if (p._flags & AMQP_BASIC_HEADERS_FLAG)
      for (int i = 0; i < p.headers.num_entries; ++i) {
        const auto& h = p.headers.entries[i];
        const std::string key = text(h.key);
        if (h.value.kind == AMQP_FIELD_KIND_UTF8 || h.value.kind == AMQP_FIELD_KIND_BYTES) {
          const std::string v = text(h.value.value.bytes);
          if (key == "tenant_id") e.tenant_id = v;
          if (key == "traceparent") e.traceparent = v;
          if (key == "aggregate_id") e.aggregate_id = v;
        } else if (h.value.kind == AMQP_FIELD_KIND_I64 && key == "aggregate_version") {
          e.aggregate_version = h.value.value.i64;
        }
      }
    e.body = text(envelope.message.body);
    amqp_basic_ack(s->state(), amqp::AmqpSession::kChannel, envelope.delivery_tag, 0);
    amqp_destroy_envelope(&envelope);
    out.push_back(std::move(e));
    last = std::chrono::steady_clock::now();
  }
  return out;
}

}  // namespace brandos::testing
