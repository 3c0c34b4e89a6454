// Black-box tests of the HTTP layer: the real binary, real sockets, real PostgreSQL.
#include <gtest/gtest.h>
#include <signal.h>

#include <random>
#include <regex>
#include <thread>

#include "support/api_client.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/test_database.hpp"

namespace brandos::testing {
namespace {

using namespace std::chrono_literals;

// A response's status, or -1 when there was none (so a missing response fails the comparison
// instead of dereferencing nothing).
int status_of(const std::optional<RawResponse>& r) {
  return r ? r->status : -1;
}

const std::regex kUuidV7("^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");

// One server for the tests that do not change its settings.
class HttpServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new TestServer(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static unsigned short port() { return server_->process.port(); }
  // The server's output once it mentions `text` (the log is flushed on a timer), up to 10 s.
  static std::string log_containing(const std::string& text) {
    std::string log;
    for (int i = 0; i < 200; ++i) {
      log = server_->process.log();
      if (log.find(text) != std::string::npos) break;
      std::this_thread::sleep_for(50ms);
    }
    return log;
  }
  static TestServer* server_;
};
TestServer* HttpServerTest::server_ = nullptr;

TEST_F(HttpServerTest, LiveAndReadyAnswerWithJson) {
  auto live = http_request(port(), "GET", "/health/live");
  ASSERT_TRUE(live);
  EXPECT_EQ(live->status, 200);
  EXPECT_EQ(live->body, R"({"status":"ok"})");
  EXPECT_EQ(live->header("Content-Type"), "application/json");

  auto ready = http_request(port(), "GET", "/health/ready");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200);
  EXPECT_NE(ready->body.find(R"("status":"ok")"), std::string::npos) << ready->body;
  EXPECT_NE(ready->body.find(R"("database":{"status":"ok","latency_ms":)"), std::string::npos)
      << ready->body;
}

TEST_F(HttpServerTest, RequestIdIsEchoedWhenValidAndReplacedOtherwise) {
  auto echoed = http_request(port(), "GET", "/health/live", {{"X-Request-Id", "abc.DEF_123-x"}});
  ASSERT_TRUE(echoed);
  EXPECT_EQ(echoed->header("X-Request-Id"), "abc.DEF_123-x");

  for (const std::string& bad :
       {std::string("has space"), std::string(129, 'a'), std::string("a\"b"), std::string("é")}) {
    auto r = http_request(port(), "GET", "/health/live", {{"X-Request-Id", bad}});
    ASSERT_TRUE(r);
    const auto id = r->header("X-Request-Id");
    ASSERT_TRUE(id);
    EXPECT_TRUE(std::regex_match(*id, kUuidV7)) << *id;
  }
  auto fresh = http_request(port(), "GET", "/nope");
  ASSERT_TRUE(fresh);
  EXPECT_TRUE(std::regex_match(fresh->header("X-Request-Id").value_or(""), kUuidV7));
}

TEST_F(HttpServerTest, TraceparentIsContinuedAndInvalidOnesIgnored) {
  const std::string trace = "4bf92f3577b34da6a3ce929d0e0e4736";
  http_request(
      port(), "GET", "/health/live",
      {{"traceparent", "00-" + trace + "-00f067aa0ba902b7-01"}, {"X-Request-Id", "trace-ok"}});
  http_request(port(), "GET", "/health/live",
               {{"traceparent", "00-" + std::string(32, '0') + "-00f067aa0ba902b7-01"},
                {"X-Request-Id", "trace-bad"}});
  const std::string log = log_containing("trace-bad");  // the access log is flushed twice a second
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      log, m, std::regex(R"re("request_id":"trace-ok","trace_id":"([0-9a-f]{32})")re")))
      << log;
  EXPECT_EQ(m[1].str(), trace);
  ASSERT_TRUE(std::regex_search(
      log, m, std::regex(R"re("request_id":"trace-bad","trace_id":"([0-9a-f]{32})")re")));
  EXPECT_NE(m[1].str(), std::string(32, '0'));
}

TEST_F(HttpServerTest, AccessLogHasOneJsonLinePerRequest) {
  http_request(port(), "GET", "/health/ready?email=private%40example.com",
               {{"X-Request-Id", "log-line-check"}});
  const std::string log = log_containing("log-line-check");
  const auto at = log.find(R"("request_id":"log-line-check")");
  ASSERT_NE(at, std::string::npos);
  const auto start = log.rfind('\n', at) + 1;
  const std::string line = log.substr(start, log.find('\n', at) - start);
  for (const char* field :
       {R"("event":"http_request")", R"("method":"GET")", R"("route":"/health/ready")",
        R"("status":200)", R"("latency_ms":)", R"("bytes_out":)", R"("span_id":)"})
    EXPECT_NE(line.find(field), std::string::npos) << field << " in " << line;
  // Query strings carry personal data (a customer looked up by e-mail): never logged, encoded or
  // decoded, on that line or any other (issue 10, item 1).
  EXPECT_EQ(log.find("private%40example.com"), std::string::npos) << line;
  EXPECT_EQ(log.find("private@example.com"), std::string::npos) << line;
  EXPECT_EQ(log.find("email="), std::string::npos) << line;
}

TEST_F(HttpServerTest, UnknownPathIs404ProblemAndWrongMethodIs405WithAllow) {
  auto r = http_request(port(), "GET", "/v1/nothing-here?x=1");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->header("Content-Type"), "application/problem+json");
  EXPECT_NE(r->body.find(R"("type":"https://brandos.dev/problems/not-found")"), std::string::npos);
  EXPECT_NE(r->body.find(R"("instance":"/v1/nothing-here")"), std::string::npos);
  EXPECT_NE(r->body.find(R"("request_id":")"), std::string::npos);

  auto m = http_request(port(), "DELETE", "/health/live");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->status, 405);
  EXPECT_EQ(m->header("Allow"), "GET, HEAD");
  EXPECT_EQ(m->header("Content-Type"), "application/problem+json");
}

TEST_F(HttpServerTest, HeadAnswersLikeGetWithoutABody) {
  Connection c(port());
  ASSERT_TRUE(c.send(
      "HEAD /health/live HTTP/1.1\r\nHost: x\r\n\r\nGET /health/live HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto head = c.read_response(5s, /*head=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->header("Content-Length"), "15");
  auto get = c.read_response(5s);  // the HEAD response carried no body bytes
  ASSERT_TRUE(get);
  EXPECT_EQ(get->body, R"({"status":"ok"})");
}

TEST_F(HttpServerTest, OversizedHeaderBlockGets431) {
  auto r = http_request(port(), "GET", "/health/live", {{"X-Big", std::string(17 * 1024, 'a')}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  EXPECT_EQ(r->header("Content-Type"), "application/problem+json");
}

TEST_F(HttpServerTest, BodyOverOneMebibyteGets413) {
  Connection c(port());
  ASSERT_TRUE(
      c.send("POST /health/live HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
             "Content-Length: 1048577\r\n\r\n{"));
  auto r = c.read_response(5s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_TRUE(c.closed_by_peer(5s));

  // Chunked bodies are counted as they arrive.
  Connection chunked(port());
  std::string req = "POST /health/live HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  const std::string chunk(64 * 1024, 'x');
  char size_line[16];
  std::snprintf(size_line, sizeof size_line, "%zx\r\n", chunk.size());
  for (int i = 0; i < 17; ++i) req += size_line + chunk + "\r\n";
  chunked.send(req);
  auto r2 = chunked.read_response(5s);
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->status, 413);
}

TEST_F(HttpServerTest, BodyAtTheLimitIsAccepted) {
  ApiClient api(port());
  const Brand b = sign_up_brand(api);
  auto r = http_request(
      port(), "POST", "/health/live",
      {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + b.owner_token}},
      std::string(1024 * 1024, ' '));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);  // read whole, then routed
}

// Only a valid access token lifts the anonymous limit: a made-up Authorization header (or an
// expired, forged or other-scheme one) gets 413 before the body is read, not 401 after it.
TEST_F(HttpServerTest, AnAuthorizationHeaderThatIsNoValidTokenDoesNotLiftTheBodyLimit) {
  for (const std::string& header :
       {std::string("Bearer x"), std::string("Basic dXNlcjpwYXNz"), std::string("Bearer "),
        std::string("Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")}) {
    auto r = http_request(port(), "POST", "/v1/products",
                          {{"Content-Type", "application/json"}, {"Authorization", header}},
                          std::string(64 * 1024 + 1, ' '));
    ASSERT_TRUE(r) << header;
    EXPECT_EQ(r->status, 413) << header;
  }
  // A small body with a bad token is read and refused by authentication as before.
  auto small =
      http_request(port(), "POST", "/v1/products",
                   {{"Content-Type", "application/json"}, {"Authorization", "Bearer x"}}, "{}");
  ASSERT_TRUE(small);
  EXPECT_EQ(small->status, 401);
}

// Issue 9, item 16: without an Authorization header a request may carry 64 KiB, declared or
// chunked, so anonymous connections cannot make the server buffer a mebibyte each.
TEST_F(HttpServerTest, AnonymousBodiesAreLimitedTo64KiB) {
  auto at = http_request(port(), "POST", "/health/live", {{"Content-Type", "application/json"}},
                         std::string(64 * 1024, ' '));
  ASSERT_TRUE(at);
  EXPECT_EQ(at->status, 405);
  auto over = http_request(port(), "POST", "/health/live", {{"Content-Type", "application/json"}},
                           std::string(64 * 1024 + 1, ' '));
  ASSERT_TRUE(over);
  EXPECT_EQ(over->status, 413);
  Connection chunked(port());
  std::string req = "POST /health/live HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  const std::string chunk(16 * 1024, 'x');
  char size_line[16];
  std::snprintf(size_line, sizeof size_line, "%zx\r\n", chunk.size());
  for (int i = 0; i < 5; ++i) req += size_line + chunk + "\r\n";
  chunked.send(req);
  auto r = chunked.read_response(5s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
}

TEST_F(HttpServerTest, MalformedRequestsGet400) {
  for (const std::string& bad :
       {std::string("GARBAGE\r\n\r\n"), std::string("GET /x HTTP/9.9\r\n\r\n"),
        std::string("GET /x HTTP/1.1\r\nBad Header\r\n\r\n"),
        std::string("GET /x HTTP/1.1\r\nContent-Length: -1\r\n\r\n"),
        std::string("GET /x HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"),
        std::string("GET http://evil.example/x HTTP/1.1\r\nHost: x\r\n\r\n"),
        std::string("GET /a%zz HTTP/1.1\r\nHost: x\r\n\r\n"),
        std::string("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")}) {
    Connection c(port());
    ASSERT_TRUE(c.send(bad));
    auto r = c.read_response(5s);
    ASSERT_TRUE(r) << bad;
    EXPECT_EQ(r->status, 400) << bad;
    EXPECT_EQ(r->header("Content-Type"), "application/problem+json");
    EXPECT_TRUE(c.closed_by_peer(5s)) << bad;
  }
}

// Issue 9, item 15: nothing the server and a proxy in front of it could read differently.
TEST_F(HttpServerTest, AmbiguousFramingAndAMissingHostAreRefused) {
  const std::string json_body = "{\"a\":1}";
  const std::pair<std::string, int> cases[] = {
      {"GET /health/live HTTP/1.1\r\n\r\n", 400},
      {"GET /health/live HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
      {"POST /v1/tenants HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
       "Transfer-Encoding: gzip, chunked\r\n\r\n7\r\n" +
           json_body + "\r\n0\r\n\r\n",
       501},
      {"POST /v1/tenants HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
       "Transfer-Encoding: identity, chunked\r\n\r\n7\r\n" +
           json_body + "\r\n0\r\n\r\n",
       501},
      {"POST /v1/tenants HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
       "Transfer-Encoding: chunked\r\nContent-Length: 7\r\n\r\n7\r\n" +
           json_body + "\r\n0\r\n\r\n",
       400},
      {"POST /v1/tenants HTTP/1.0\r\nContent-Type: application/json\r\n"
       "Transfer-Encoding: chunked\r\n\r\n7\r\n" +
           json_body + "\r\n0\r\n\r\n",
       400},
  };
  for (const auto& [bad, status] : cases) {
    Connection c(port());
    ASSERT_TRUE(c.send(bad));
    auto r = c.read_response(5s);
    ASSERT_TRUE(r) << bad;
    EXPECT_EQ(r->status, status) << bad;
    EXPECT_EQ(r->header("Content-Type"), "application/problem+json");
    EXPECT_TRUE(c.closed_by_peer(5s)) << bad;
  }
  // Still fine: HTTP/1.0 without Host, and plain chunked bodies (here refused for what they say).
  Connection old(port());
  ASSERT_TRUE(old.send("GET /health/live HTTP/1.0\r\n\r\n"));
  auto r = old.read_response(5s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  Connection chunked(port());
  ASSERT_TRUE(
      chunked.send("POST /v1/tenants HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                   "Transfer-Encoding: Chunked\r\n\r\n7\r\n" +
                   json_body + "\r\n0\r\n\r\n"));
  r = chunked.read_response(5s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422) << r->body;
}

// Issue 9, item 15: a key given twice is refused, so a validating proxy (which may keep the first)
// and the server (which would keep the last) never act on different requests.
TEST_F(HttpServerTest, DuplicateJsonKeysAreRefused) {
  auto r = http_request(port(), "POST", "/v1/auth/login", {{"Content-Type", "application/json"}},
                        R"({"tenant":"acme","email":"a@b.co","password":"x","tenant":"other"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400) << r->body;
  EXPECT_NE(r->body.find(R"(names \"tenant\" twice)"), std::string::npos) << r->body;
}

TEST_F(HttpServerTest, RandomBytesNeverCrashTheServer) {
  std::mt19937 rng(42);
  for (int i = 0; i < 200; ++i) {
    std::string junk(1 + rng() % 3000, '\0');
    for (auto& ch : junk) ch = static_cast<char>(rng());
    if (i % 2) junk = "GET / HTTP/1.1\r\n" + junk;  // past the request line, into the headers
    junk += "\r\n\r\n";
    Connection c(port());
    ASSERT_TRUE(c.connected());
    c.send(junk);
    // Answered with a 4xx, or (the junk still looks like an unfinished request) closed by the
    // server no later than its read timeout: never a 5xx, a crash or a connection held open.
    auto r = c.read_response(3s);
    if (r)
      EXPECT_TRUE(r->status >= 400 && r->status < 500) << r->status;
    else
      EXPECT_TRUE(c.closed_by_peer(12s)) << i;
  }
  auto alive = http_request(port(), "GET", "/health/live");
  ASSERT_TRUE(alive);
  EXPECT_EQ(alive->status, 200);
}

TEST_F(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  Connection c(port());
  std::string batch;
  for (const char* id : {"p1", "p2", "p3"})
    batch += std::string("GET /health/") + (id[1] == '2' ? "ready" : "live") +
             " HTTP/1.1\r\nHost: x\r\nX-Request-Id: " + id + "\r\n\r\n";
  ASSERT_TRUE(c.send(batch));
  for (const char* id : {"p1", "p2", "p3"}) {
    auto r = c.read_response(5s);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->header("X-Request-Id"), id);
  }
}

TEST_F(HttpServerTest, ExpectContinueIsHonoured) {
  Connection c(port());
  ASSERT_TRUE(
      c.send("POST /health/live HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
             "Content-Length: 2\r\nExpect: 100-continue\r\n\r\n"));
  auto cont = c.read_response(5s);
  ASSERT_TRUE(cont);
  EXPECT_EQ(cont->status, 100);
  ASSERT_TRUE(c.send("{}"));
  auto r = c.read_response(5s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
}

TEST_F(HttpServerTest, MetricsAreExposedOnTheAdminListener) {
  for (int i = 0; i < 3; ++i) http_request(port(), "GET", "/health/ready");
  auto r = http_request(server_->process.admin_port(), "GET", "/metrics");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("Content-Type"), "text/plain; version=0.0.4");
  for (const char* series :
       {R"(http_requests_total{method="GET",route="/health/ready",status="200"})",
        R"(http_request_duration_seconds_bucket{method="GET",route="/health/ready",le="+Inf"})",
        R"(db_pool_connections{state="open"})", R"(db_pool_connections{state="busy"})",
        "db_pool_waiting", "db_query_duration_seconds_count", "process_resident_memory_bytes",
        "process_open_fds", "http_open_connections"})
    EXPECT_NE(r->body.find(series), std::string::npos) << series;
  // The public listener does not serve metrics.
  auto pub = http_request(port(), "GET", "/metrics");
  ASSERT_TRUE(pub);
  EXPECT_EQ(pub->status, 404);
}

TEST(HttpServerLimits, SlowClientGets408AndIsDisconnected) {
  TestServer s({"--read-timeout-ms", "300"});
  Connection c(s.process.port());
  ASSERT_TRUE(c.send("GET /health/live HTTP/1.1\r\nHo"));
  const auto start = std::chrono::steady_clock::now();
  auto r = c.read_response(5s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 408);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_TRUE(c.closed_by_peer(5s));
}

TEST(HttpServerLimits, IdleKeepAliveConnectionIsClosed) {
  TestServer s({"--idle-timeout-ms", "300"});
  Connection c(s.process.port());
  // Kept alive between requests (a server that closed after every response would pass the
  // check below for the wrong reason)...
  ASSERT_TRUE(c.send("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(c.read_response(5s));
  ASSERT_TRUE(c.send("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto second = c.read_response(5s);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 200);
  // ...until idle for the timeout.
  EXPECT_TRUE(c.closed_by_peer(5s));
}

TEST(HttpServerLimits, ConnectionsBeyondTheCapAreClosed) {
  TestServer s({"--max-connections", "2"});
  Connection a(s.process.port()), b(s.process.port());
  ASSERT_TRUE(a.send("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(b.send("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(a.read_response(5s));
  ASSERT_TRUE(b.read_response(5s));
  Connection c(s.process.port());
  EXPECT_TRUE(c.closed_by_peer(5s));
}

TEST(HttpServerShutdown, InFlightRequestFinishesThenTheServerExits) {
  TestServer s({"--shutdown-timeout-ms", "5000"});
  Connection idle(s.process.port());
  ASSERT_TRUE(idle.send("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(idle.read_response(5s));

  Connection busy(s.process.port());
  // Mid-request for certain: the server has read the header once it sends 100 Continue.
  ASSERT_TRUE(
      busy.send("POST /health/live HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                "Content-Length: 10\r\nExpect: 100-continue\r\n\r\n"));
  auto cont = busy.read_response(5s);
  ASSERT_TRUE(cont);
  ASSERT_EQ(cont->status, 100);
  ASSERT_TRUE(busy.send("{\"a\":"));
  s.process.signal(SIGTERM);
  EXPECT_TRUE(idle.closed_by_peer(3s));                  // idle keep-alive connections go at once
  EXPECT_FALSE(s.process.wait_exit(300ms).has_value());  // still finishing the busy request
  Connection late(s.process.port());
  EXPECT_TRUE(!late.connected() || late.closed_by_peer(2s));  // no longer accepting

  ASSERT_TRUE(busy.send("\"xyzw\"}"));
  auto r = busy.read_response(5s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_EQ(s.process.wait_exit(10s), std::optional<int>(0));
  EXPECT_NE(s.process.log().find(R"("event":"shutdown_complete","abandoned_connections":0)"),
            std::string::npos);
}

TEST(HttpServerShutdown, StuckRequestIsAbandonedAfterTheBound) {
  TestServer s({"--shutdown-timeout-ms", "300", "--read-timeout-ms", "30000"});
  Connection busy(s.process.port());
  ASSERT_TRUE(
      busy.send("POST /health/live HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nExpect: "
                "100-continue\r\n\r\n"));
  auto cont = busy.read_response(5s);  // the server is reading this request
  ASSERT_TRUE(cont);
  ASSERT_EQ(cont->status, 100);
  ASSERT_TRUE(busy.send("{"));
  s.process.signal(SIGINT);
  EXPECT_EQ(s.process.wait_exit(10s), std::optional<int>(0));
  EXPECT_NE(s.process.log().find(R"("abandoned_connections":1)"), std::string::npos);
}

TEST(HttpServerReadiness, ReportsDatabaseDownWith503AndRecovers) {
  const TestDatabase db = create_test_database();
  ServerProcess p;
  p.launch({"serve", "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0", "--threads", "1",
            "--database-url", db.app_conninfo, "--migration-database-url", db.owner_conninfo});
  ASSERT_TRUE(p.wait_listening()) << p.log();
  ASSERT_EQ(status_of(http_request(p.port(), "GET", "/health/ready")), 200);

  run_sql(db.superuser_conninfo, "REVOKE CONNECT ON DATABASE " + db.name + " FROM brandos_app");
  run_sql(db.superuser_conninfo,
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db.name +
              "' AND usename = 'brandos_app'");
  // pg_terminate_backend only signals: allow the backends a moment to go.
  std::optional<RawResponse> down;
  for (int i = 0; i < 50; ++i) {
    down = http_request(p.port(), "GET", "/health/ready");
    if (!down || down->status != 200) break;
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_TRUE(down);
  EXPECT_EQ(down->status, 503);
  EXPECT_NE(down->body.find(R"("status":"down")"), std::string::npos) << down->body;
  EXPECT_EQ(down->header("Retry-After"), "5");
  EXPECT_EQ(status_of(http_request(p.port(), "GET", "/health/live")), 200);

  run_sql(db.superuser_conninfo, "GRANT CONNECT ON DATABASE " + db.name + " TO brandos_app");
  EXPECT_EQ(status_of(http_request(p.port(), "GET", "/health/ready")), 200);
}

}  // namespace
}  // namespace brandos::testing
