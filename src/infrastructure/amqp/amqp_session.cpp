#include "infrastructure/amqp/amqp_session.hpp"

#include <amqp_tcp_socket.h>
#include <sys/time.h>

#include <boost/url/parse.hpp>

namespace brandos::amqp {

namespace {

amqp_bytes_t bytes(const std::string& s) {
  return amqp_bytes_t{s.size(), const_cast<char*>(s.data())};
}
amqp_bytes_t bytes(const char* s) {
  return amqp_cstring_bytes(s);
}

std::string reply_text(const amqp_rpc_reply_t& r) {
  switch (r.reply_type) {
    case AMQP_RESPONSE_NORMAL:
      return "ok";
    case AMQP_RESPONSE_NONE:
      return "missing reply";
    case AMQP_RESPONSE_LIBRARY_EXCEPTION:
      return amqp_error_string2(r.library_error);
    case AMQP_RESPONSE_SERVER_EXCEPTION:
      if (r.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
        const auto* m = static_cast<amqp_connection_close_t*>(r.reply.decoded);
        return "connection closed by broker: " + std::to_string(m->reply_code) + " " +
               std::string(static_cast<const char*>(m->reply_text.bytes), m->reply_text.len);
      }
      if (r.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
        const auto* m = static_cast<amqp_channel_close_t*>(r.reply.decoded);
        return "channel closed by broker: " + std::to_string(m->reply_code) + " " +
               std::string(static_cast<const char*>(m->reply_text.bytes), m->reply_text.len);
      }
      return "broker error";
  }
  return "unknown reply";
}

amqp_table_entry_t text_entry(const char* key, const char* value) {
  amqp_table_entry_t e;
  e.key = amqp_cstring_bytes(key);
  e.value.kind = AMQP_FIELD_KIND_UTF8;
  e.value.value.bytes = amqp_cstring_bytes(value);
  return e;
}

amqp_table_entry_t int_entry(const char* key, std::int64_t value) {
  amqp_table_entry_t e;
  e.key = amqp_cstring_bytes(key);
  e.value.kind = AMQP_FIELD_KIND_I64;
  e.value.value.i64 = value;
  return e;
}

}  // namespace

BrokerAddress parse_amqp_url(const std::string& url) {
  auto u = boost::urls::parse_absolute_uri(url);
  if (!u) throw std::invalid_argument("not a URL");
  if (u->scheme() != "amqp") throw std::invalid_argument("the scheme must be amqp");
  BrokerAddress a;
  if (!u->has_authority() || u->host().empty()) throw std::invalid_argument("no host");
  a.host = u->host();
  if (u->has_port()) {
    const auto p = u->port_number();
    if (p == 0) throw std::invalid_argument("bad port");
    a.port = p;
  }
  if (u->has_userinfo()) {
    a.user = u->user();
    a.password = u->password();
  }
  std::string path = u->path();
  if (!path.empty() && path.front() == '/') path.erase(0, 1);
  if (path.find('/') != std::string::npos) throw std::invalid_argument("the vhost is one segment");
  if (!path.empty()) a.vhost = path;  // "/" when absent, as RabbitMQ's default
  return a;
}

AmqpSession::AmqpSession(const BrokerAddress& address, std::chrono::milliseconds connect_timeout,
                         const std::string& connection_name, int heartbeat_s) {
  conn_ = amqp_new_connection();
  if (!conn_) throw AmqpError("out of memory");
  try {
    open(address, connect_timeout, connection_name, heartbeat_s);
  } catch (...) {
    // A constructor that throws runs no destructor: free the connection here (a broker that is
    // down would otherwise cost one connection's buffers per reconnect attempt).
    amqp_destroy_connection(conn_);
    conn_ = nullptr;
    throw;
  }
}

void AmqpSession::open(const BrokerAddress& address, std::chrono::milliseconds connect_timeout,
                       const std::string& connection_name, int heartbeat_s) {
  amqp_socket_t* socket = amqp_tcp_socket_new(conn_);
  if (!socket) throw AmqpError("cannot create a socket");
  timeval tv{static_cast<time_t>(connect_timeout.count() / 1000),
             static_cast<suseconds_t>((connect_timeout.count() % 1000) * 1000)};
  if (int rc = amqp_socket_open_noblock(socket, address.host.c_str(), address.port, &tv);
      rc != AMQP_STATUS_OK)
    throw AmqpError(std::string("connect: ") + amqp_error_string2(rc));
  // Blocking calls after the handshake are bounded too: a broker that stops answering fails
  // them instead of hanging the thread.
  amqp_set_handshake_timeout(conn_, &tv);
  timeval rpc{10, 0};
  amqp_set_rpc_timeout(conn_, &rpc);
  amqp_table_entry_t props[] = {text_entry("connection_name", connection_name.c_str())};
  amqp_table_t client_properties{1, props};
  auto r = amqp_login_with_properties(conn_, address.vhost.c_str(), 0, 131072, heartbeat_s,
                                      &client_properties, AMQP_SASL_METHOD_PLAIN,
                                      address.user.c_str(), address.password.c_str());
  if (r.reply_type != AMQP_RESPONSE_NORMAL) throw AmqpError("login: " + reply_text(r));
  amqp_channel_open(conn_, kChannel);
  check("channel.open");
  channel_open_ = true;
}

AmqpSession::~AmqpSession() {
  if (!conn_) return;
  if (channel_open_) amqp_channel_close(conn_, kChannel, AMQP_REPLY_SUCCESS);
  amqp_connection_close(conn_, AMQP_REPLY_SUCCESS);
  amqp_destroy_connection(conn_);
}

void AmqpSession::check(const char* what) {
  auto r = amqp_get_rpc_reply(conn_);
  if (r.reply_type != AMQP_RESPONSE_NORMAL) {
    channel_open_ = false;
    throw AmqpError(std::string(what) + ": " + reply_text(r));
  }
}

void AmqpSession::declare_topology() {
  const amqp_table_t none = amqp_empty_table;
  amqp_exchange_declare(conn_, kChannel, bytes("brandos.events.unrouted"), bytes("fanout"), 0, 1, 0,
                        0, none);
  check("exchange.declare brandos.events.unrouted");
  amqp_table_entry_t unrouted_args[] = {int_entry("x-message-ttl", 7LL * 24 * 3600 * 1000)};
  amqp_queue_declare(conn_, kChannel, bytes("brandos.events.unrouted"), 0, 1, 0, 0,
                     amqp_table_t{1, unrouted_args});
  check("queue.declare brandos.events.unrouted");
  amqp_queue_bind(conn_, kChannel, bytes("brandos.events.unrouted"),
                  bytes("brandos.events.unrouted"), bytes(""), none);
  check("queue.bind brandos.events.unrouted");

  amqp_table_entry_t events_args[] = {text_entry("alternate-exchange", "brandos.events.unrouted")};
  amqp_exchange_declare(conn_, kChannel, bytes(kEventsExchange), bytes("topic"), 0, 1, 0, 0,
                        amqp_table_t{1, events_args});
  check("exchange.declare brandos.events");

  amqp_exchange_declare(conn_, kChannel, bytes(kDeadLetterExchange), bytes("fanout"), 0, 1, 0, 0,
                        none);
  check("exchange.declare brandos.events.dlx");
  amqp_queue_declare(conn_, kChannel, bytes("brandos.events.dead"), 0, 1, 0, 0, none);
  check("queue.declare brandos.events.dead");
  amqp_queue_bind(conn_, kChannel, bytes("brandos.events.dead"), bytes(kDeadLetterExchange),
                  bytes(""), none);
  check("queue.bind brandos.events.dead");
}

void AmqpSession::declare_consumer_queue(const std::string& queue,
                                         const std::vector<std::string>& keys) {
  amqp_table_entry_t args[] = {text_entry("x-dead-letter-exchange", kDeadLetterExchange)};
  amqp_queue_declare(conn_, kChannel, bytes(queue), 0, 1, 0, 0, amqp_table_t{1, args});
  check("queue.declare");
  for (const auto& key : keys) {
    amqp_queue_bind(conn_, kChannel, bytes(queue), bytes(kEventsExchange), bytes(key),
                    amqp_empty_table);
    check("queue.bind");
  }
}

void AmqpSession::confirm_select() {
  amqp_confirm_select(conn_, kChannel);
  check("confirm.select");
}

}  // namespace brandos::amqp
