// Black-box tests of webhooks against a real local receiver: endpoints CRUD with the secret shown
// once, private targets refused by default, a delivery whose signature verifies, retries with
// growing delay bounds, the breaker opening, the endpoint disabled after the threshold (audited),
// and a manual retry that delivers.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <iostream>

#include "infrastructure/crypto/hmac_signer.hpp"
#include "support/api_client.hpp"
#include "support/server_process.hpp"
#include "support/test_database.hpp"
#include "support/webhook_receiver.hpp"

namespace brandos::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

ApiResponse create_webhook(ApiClient& a, const Brand& b, const std::string& url,
                           json::array events = {"*"}) {
  return a.post("/v1/webhooks", json::object{{"url", url}, {"events", std::move(events)}},
                b.owner_token);
}

class WebhooksTest : public ApiServerSuite {
 protected:
  ApiClient api() { return ApiClient(server_->port()); }
};

TEST_F(WebhooksTest, PrivateAndMalformedTargetsAreRefusedByDefault) {
  auto a = api();
  const Brand b = sign_up_brand(a);
  for (const char* url : {"http://127.0.0.1:8080/hooks", "http://localhost/hooks",
                          "http://169.254.169.254/latest/meta-data", "http://10.1.2.3/",
                          "http://[::1]/hooks", "http://[fd00::1]/", "ftp://93.184.216.34/x",
                          "http://user:pw@93.184.216.34/", "not a url", "http:///nohost"}) {
    auto r = create_webhook(a, b, url);
    EXPECT_EQ(r.status, 422) << url << ": " << r.raw.body;
    EXPECT_TRUE(has_field_error(r, "url")) << url;
  }
}

TEST_F(WebhooksTest, EndpointsAreManagedByAdminsAndTheSecretIsShownOnce) {
  auto a = api();
  const Brand b = sign_up_brand(a);
  auto created =
      create_webhook(a, b, "https://93.184.216.34/hooks", {"order.paid", "order.created"});
  ASSERT_EQ(created.status, 201) << created.raw.body;
  const std::string id = str(created.body, "id"), secret = str(created.body, "secret");
  EXPECT_EQ(secret.rfind("whsec_", 0), 0u);
  EXPECT_EQ(secret.size(), 6u + 64u);
  EXPECT_TRUE(created.body.at("active").as_bool());
  auto got = a.get("/v1/webhooks/" + id, b.owner_token);
  ASSERT_EQ(got.status, 200);
  EXPECT_FALSE(got.body.as_object().contains("secret"));
  auto list = a.get("/v1/webhooks", b.owner_token);
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.body.at("data").as_array().size(), 1u);
  EXPECT_FALSE(list.body.at("data").as_array()[0].as_object().contains("secret"));

  auto patched =
      a.patch("/v1/webhooks/" + id, json::object{{"events", json::array{"*"}}}, b.owner_token);
  ASSERT_EQ(patched.status, 200) << patched.raw.body;
  EXPECT_EQ(patched.body.at("events").as_array().size(), 1u);
  auto rotated = a.post("/v1/webhooks/" + id + "/rotate-secret", json::object{}, b.owner_token);
  ASSERT_EQ(rotated.status, 200) << rotated.raw.body;
  EXPECT_NE(str(rotated.body, "secret"), secret);

  // Validation, roles, tenants.
  EXPECT_EQ(create_webhook(a, b, "https://93.184.216.34/", {"order.shipped"}).status, 422);
  EXPECT_EQ(create_webhook(a, b, "https://93.184.216.34/", {}).status, 422);
  EXPECT_EQ(
      a.post("/v1/webhooks", json::object{{"url", "https://93.184.216.34/"}}, b.owner_token).status,
      422);
  EXPECT_EQ(a.post("/v1/webhooks",
                   json::object{{"url", "https://93.184.216.34/"},
                                {"events", json::array{"*"}},
                                {"colour", "red"}},
                   b.owner_token)
                .status,
            422);
  EXPECT_EQ(a.get("/v1/webhooks", add_user(a, b, "manager").second).status, 403);
  const Brand other = sign_up_brand(a);
  EXPECT_EQ(a.get("/v1/webhooks/" + id, other.owner_token).status, 404);
  EXPECT_EQ(a.del("/v1/webhooks/" + id, other.owner_token).status, 404);

  EXPECT_EQ(a.del("/v1/webhooks/" + id, b.owner_token).status, 204);
  EXPECT_EQ(a.get("/v1/webhooks/" + id, b.owner_token).status, 404);
  auto audit = a.get("/v1/audit-events?action=webhook.created", b.owner_token);
  ASSERT_EQ(audit.status, 200);
  EXPECT_EQ(audit.body.at("data").as_array().size(), 1u);
}

// A node that may reach the local receiver, with a fast retry policy.
class WebhookDeliveryTest : public ::testing::Test {
 protected:
  static constexpr int kRetryBaseMs = 200, kCooldownMs = 1500;
  void SetUp() override {
    db_ = create_test_database();
    launch_api_server(
        server_, db_,
        {"--webhook-allow-private-targets", "true", "--webhook-retry-base-ms",
         std::to_string(kRetryBaseMs), "--webhook-breaker-after", "3",
         "--webhook-breaker-cooldown-ms", std::to_string(kCooldownMs), "--webhook-disable-after",
         "6", "--webhook-max-attempts", "10", "--webhook-timeout-ms", "2000"});
  }
  TestDatabase db_;
  ServerProcess server_;
  WebhookReceiver receiver_;
};

TEST_F(WebhookDeliveryTest, ADeliveryIsSignedWithTheEndpointsSecret) {
  ApiClient a(server_.port());
  const Brand b = sign_up_brand(a);
  auto created = create_webhook(a, b, receiver_.url(), {"product.created"});
  ASSERT_EQ(created.status, 201) << created.raw.body;
  const std::string secret = str(created.body, "secret"), id = str(created.body, "id");
  auto p = a.post("/v1/products",
                  json::object{{"sku", unique_name("SKU")},
                               {"name", "Thing"},
                               {"price", 100},
                               {"currency", "EUR"},
                               {"stock", 1}},
                  b.owner_token);
  ASSERT_EQ(p.status, 201);
  ASSERT_TRUE(eventually([&] { return receiver_.received().size() == 1; }));
  const auto got = receiver_.received().front();
  // t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
  const std::string& sig = got.headers.at("brandos-signature");
  ASSERT_EQ(sig.rfind("t=", 0), 0u) << sig;
  const std::string t = sig.substr(2, sig.find(',') - 2);
  const long now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  EXPECT_LE(std::labs(std::stol(t) - now), 60);
  crypto::HmacSigner hmac;
  EXPECT_EQ(sig.substr(sig.find(",v1=") + 4), hmac.hmac_sha256_hex(secret, t + "." + got.body));
  EXPECT_NE(sig.substr(sig.find(",v1=") + 4),
            hmac.hmac_sha256_hex("whsec_wrong", t + "." + got.body));
  const auto body = json::parse(got.body);
  EXPECT_EQ(str(body, "type"), "product.created");
  EXPECT_EQ(str(body, "tenant_id"), b.id);
  EXPECT_EQ(got.headers.at("brandos-event-id"), str(body, "id"));
  EXPECT_EQ(got.headers.at("content-type"), "application/json");
  EXPECT_EQ(got.headers.at("traceparent").size(), 55u);
  // The delivery log.
  ApiResponse log;
  ASSERT_TRUE(eventually([&] {
    log = a.get("/v1/webhooks/" + id + "/deliveries", b.owner_token);
    return log.status == 200 && !log.body.at("data").as_array().empty() &&
           str(log.body.at("data").as_array()[0], "status") == "succeeded";
  })) << log.raw.body;
  const auto& d = log.body.at("data").as_array()[0];
  EXPECT_EQ(d.at("attempts").as_int64(), 1);
  EXPECT_EQ(d.at("last_status_code").as_int64(), 200);
  EXPECT_TRUE(d.at("last_latency_ms").is_int64());
}

TEST_F(WebhookDeliveryTest, ARotatedSecretSignsAlongsideThePreviousOneForADay) {
  ApiClient a(server_.port());
  const Brand b = sign_up_brand(a);
  auto created = create_webhook(a, b, receiver_.url(), {"product.created"});
  ASSERT_EQ(created.status, 201) << created.raw.body;
  const std::string old_secret = str(created.body, "secret"), id = str(created.body, "id");
  auto rotated = a.post("/v1/webhooks/" + id + "/rotate-secret", json::object{}, b.owner_token);
  ASSERT_EQ(rotated.status, 200) << rotated.raw.body;
  const std::string new_secret = str(rotated.body, "secret");
  ASSERT_EQ(a.post("/v1/products",
                   json::object{{"sku", unique_name("SKU")},
                                {"name", "Thing"},
                                {"price", 100},
                                {"currency", "EUR"},
                                {"stock", 1}},
                   b.owner_token)
                .status,
            201);
  ASSERT_TRUE(eventually([&] { return receiver_.received().size() == 1; }));
  const auto got = receiver_.received().front();
  // t=<unix>,v1=<the new secret's>,v1=<the previous secret's>
  const std::string& sig = got.headers.at("brandos-signature");
  const std::string t = sig.substr(2, sig.find(',') - 2);
  crypto::HmacSigner hmac;
  EXPECT_EQ(sig, "t=" + t + ",v1=" + hmac.hmac_sha256_hex(new_secret, t + "." + got.body) +
                     ",v1=" + hmac.hmac_sha256_hex(old_secret, t + "." + got.body));
}

TEST_F(WebhookDeliveryTest,
       RetriesBackOffTheBreakerOpensTheEndpointIsDisabledAndAManualRetryWorks) {
  ApiClient a(server_.port());
  const Brand b = sign_up_brand(a);
  receiver_.answer(500);
  auto created = create_webhook(a, b, receiver_.url(), {"product.created"});
  ASSERT_EQ(created.status, 201) << created.raw.body;
  const std::string id = str(created.body, "id");
  ASSERT_EQ(a.post("/v1/products",
                   json::object{{"sku", unique_name("SKU")},
                                {"name", "Thing"},
                                {"price", 100},
                                {"currency", "EUR"},
                                {"stock", 1}},
                   b.owner_token)
                .status,
            201);
  // Six failed attempts in a row disable the endpoint.
  ApiResponse hook;
  ASSERT_TRUE(eventually([&] {
    hook = a.get("/v1/webhooks/" + id, b.owner_token);
    return hook.status == 200 && !hook.body.at("active").as_bool();
  })) << hook.raw.body;
  EXPECT_FALSE(str(hook.body, "disabled_reason").empty());
  const auto attempts = receiver_.received();
  ASSERT_EQ(attempts.size(), 6u);
  std::vector<long> gaps;
  for (std::size_t i = 1; i < attempts.size(); ++i)
    gaps.push_back(
        std::chrono::duration_cast<std::chrono::milliseconds>(attempts[i].at - attempts[i - 1].at)
            .count());
  std::cout << "[ webhooks ] gaps between attempts (ms):";
  for (auto g : gaps) std::cout << " " << g;
  std::cout << "\n";
  // Full jitter below a doubling bound (plus the job's 1 s poll and scheduling slack)...
  EXPECT_LE(gaps[0], kRetryBaseMs + 1500);
  EXPECT_LE(gaps[1], 2 * kRetryBaseMs + 1500);
  // ...and once three failed in a row the breaker holds the endpoint for its cooldown; each
  // failed probe opens it again.
  for (std::size_t i = 2; i < gaps.size(); ++i) EXPECT_GE(gaps[i], kCooldownMs - 100) << i;
  // The same event, delivered each time, and audited disabling.
  for (const auto& r : attempts)
    EXPECT_EQ(r.headers.at("brandos-event-id"), attempts[0].headers.at("brandos-event-id"));
  auto audit = a.get("/v1/audit-events?action=webhook.disabled", b.owner_token);
  ASSERT_EQ(audit.status, 200);
  EXPECT_EQ(audit.body.at("data").as_array().size(), 1u);
  EXPECT_EQ(run_sql(db_.owner_conninfo,
                    "SELECT count(*) FROM brandos.outbox_events WHERE type = "
                    "'webhook_endpoint.disabled' AND aggregate_id = '" +
                        id + "'"),
            "1");

  // Nothing more goes to a disabled endpoint; a manual retry needs it enabled again.
  auto log = a.get("/v1/webhooks/" + id + "/deliveries", b.owner_token);
  ASSERT_EQ(log.status, 200);
  const std::string delivery = str(log.body.at("data").as_array()[0], "id");
  EXPECT_EQ(log.body.at("data").as_array()[0].at("attempts").as_int64(), 6);
  EXPECT_EQ(a.post("/v1/webhooks/" + id + "/deliveries/" + delivery + "/retry", json::object{},
                   b.owner_token)
                .status,
            409);
  receiver_.answer(204);
  ASSERT_EQ(a.patch("/v1/webhooks/" + id, json::object{{"active", true}}, b.owner_token).status,
            200);
  auto retried = a.post("/v1/webhooks/" + id + "/deliveries/" + delivery + "/retry", json::object{},
                        b.owner_token);
  ASSERT_EQ(retried.status, 202) << retried.raw.body;
  ASSERT_TRUE(eventually([&] {
    log = a.get("/v1/webhooks/" + id + "/deliveries", b.owner_token);
    return str(log.body.at("data").as_array()[0], "status") == "succeeded";
  })) << log.raw.body;
  EXPECT_EQ(receiver_.received().size(), 7u);
  EXPECT_EQ(a.post("/v1/webhooks/" + id + "/deliveries/01a20000-0000-7000-8000-000000000000/retry",
                   json::object{}, b.owner_token)
                .status,
            404);
}

TEST_F(WebhookDeliveryTest, ABurstOfFailuresOpensTheBreakerBeforeItCanDisableTheEndpoint) {
  ApiClient a(server_.port());
  const Brand b = sign_up_brand(a);
  receiver_.answer(503);
  auto created = create_webhook(a, b, receiver_.url(), {"product.created"});
  ASSERT_EQ(created.status, 201) << created.raw.body;
  const std::string id = str(created.body, "id");
  // Ten events due at once: only the breaker's three go before it opens; then one probe per
  // cooldown, until six failures in a row disable the endpoint.
  for (int i = 0; i < 10; ++i)
    ASSERT_EQ(a.post("/v1/products",
                     json::object{{"sku", unique_name("SKU")},
                                  {"name", "Thing"},
                                  {"price", 100},
                                  {"currency", "EUR"},
                                  {"stock", 1}},
                     b.owner_token)
                  .status,
              201);
  ASSERT_TRUE(eventually(
      [&] { return !a.get("/v1/webhooks/" + id, b.owner_token).body.at("active").as_bool(); }));
  EXPECT_EQ(receiver_.received().size(), 6u);
}

}  // namespace
}  // namespace brandos::testing
