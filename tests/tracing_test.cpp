// Traces end to end (issue 13): with --otlp-endpoint, a request sent with a traceparent produces
// spans with that trace id, exported as OTLP/HTTP JSON to a local receiver — the server span of
// the request, parented by the caller's span, and a span for each database round trip, parented
// by the server span and named by its statements.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <set>

#include "support/api_client.hpp"
#include "support/gateway_simulator.hpp"
#include "support/rabbitmq_broker.hpp"
#include "support/server_process.hpp"
#include "support/test_database.hpp"
#include "support/webhook_receiver.hpp"

namespace brandos::testing {
namespace {

namespace json = boost::json;

// Every span the receiver got for `trace_id`.
std::vector<json::object> spans_of(const WebhookReceiver& receiver, const std::string& trace_id) {
  std::vector<json::object> out;
  for (const auto& request : receiver.received()) {
    boost::system::error_code ec;
    auto doc = json::parse(request.body, ec);
    if (ec || !doc.is_object()) continue;
    for (const auto& rs : doc.at("resourceSpans").as_array())
      for (const auto& ss : rs.at("scopeSpans").as_array())
        for (const auto& span : ss.at("spans").as_array())
          if (span.at("traceId").as_string() == trace_id) out.push_back(span.as_object());
  }
  return out;
}

std::string text(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : "";
}

TEST(Tracing, ARequestsTraceReachesTheCollectorWithItsDatabaseRoundTrips) {
  WebhookReceiver collector;
  const TestDatabase db = create_test_database();
  ServerProcess server;
  launch_api_server(server, db, {"--otlp-endpoint", collector.url("")});
  ApiClient api(server.port());
  const Brand b = sign_up_brand(api);
  auto product = api.post("/v1/products",
                          json::object{{"sku", "TRACE-1"},
                                       {"name", "Thing"},
                                       {"price", 100},
                                       {"currency", "EUR"},
                                       {"stock", 10}},
                          b.owner_token);
  ASSERT_EQ(product.status, 201);

  const std::string trace = "0af7651916cd43dd8448eb211c80319c";
  const std::string caller = "b7ad6b7169203331";
  auto order = api.post(
      "/v1/orders",
      json::object{{"items", json::array{json::object{{"product_id", str(product.body, "id")},
                                                      {"quantity", 1}}}}},
      b.owner_token,
      {{"Idempotency-Key", "traced"}, {"traceparent", "00-" + trace + "-" + caller + "-01"}});
  ASSERT_EQ(order.status, 201);

  // The request's span is recorded when it ends, after its round trips' spans: once it has
  // arrived, so have they (the exporter keeps their order).
  std::vector<json::object> spans;
  const json::object* request = nullptr;
  ASSERT_TRUE(eventually([&] {
    spans = spans_of(collector, trace);
    request = nullptr;
    for (const auto& s : spans)
      if (text(s, "name") == "POST /v1/orders") request = &s;
    return request != nullptr;
  })) << server.log();
  // A server span named by its route, child of the caller's span.
  ASSERT_GE(spans.size(), 2u);
  EXPECT_EQ(text(*request, "parentSpanId"), caller);
  EXPECT_EQ(request->at("kind").as_int64(), 2);
  const std::string request_span = text(*request, "spanId");
  ASSERT_EQ(request_span.size(), 16u);
  // Its database round trips: children of it, named by their statements, within its time.
  std::set<std::string> names;
  for (const auto& s : spans) {
    if (&s == request) continue;
    EXPECT_EQ(text(s, "parentSpanId"), request_span) << text(s, "name");
    EXPECT_EQ(s.at("kind").as_int64(), 3);
    EXPECT_GE(std::stoull(text(s, "startTimeUnixNano")),
              std::stoull(text(*request, "startTimeUnixNano")) - 1'000'000);
    names.insert(text(s, "name"));
  }
  bool locked_products = false;
  for (const auto& n : names)
    if (n.find("products.lock_for_order") != std::string::npos) locked_products = true;
  EXPECT_TRUE(locked_products) << "round trips seen: " << names.size();
  // Other traces are not mixed in.
  EXPECT_EQ(spans_of(collector, "00000000000000000000000000000001").size(), 0u);
}

TEST(Tracing, APaymentsCallToTheGatewayIsASpanOfItsRequestAndCarriesTheTrace) {
  WebhookReceiver collector;
  GatewaySimulator gateway;
  const TestDatabase db = create_test_database();
  ServerProcess server;
  launch_api_server(server, db,
                    {"--otlp-endpoint", collector.url(""), "--payment-gateway-url", gateway.url()});
  ApiClient api(server.port());
  const Brand b = sign_up_brand(api);
  auto product = api.post("/v1/products",
                          json::object{{"sku", "TRACE-2"},
                                       {"name", "Thing"},
                                       {"price", 100},
                                       {"currency", "EUR"},
                                       {"stock", 10}},
                          b.owner_token);
  auto order = api.post(
      "/v1/orders",
      json::object{{"items", json::array{json::object{{"product_id", str(product.body, "id")},
                                                      {"quantity", 1}}}}},
      b.owner_token, {{"Idempotency-Key", "o"}});
  ASSERT_EQ(order.status, 201);
  const std::string trace = "5af7651916cd43dd8448eb211c80319d";
  auto paid =
      api.post("/v1/orders/" + str(order.body, "id") + "/payments",
               json::object{{"payment_method", "pm_card_visa"}}, b.owner_token,
               {{"Idempotency-Key", "p"}, {"traceparent", "00-" + trace + "-a7ad6b7169203331-01"}});
  ASSERT_EQ(paid.status, 201) << paid.raw.body;
  std::vector<json::object> spans;
  const json::object* request = nullptr;
  const json::object* charge = nullptr;
  ASSERT_TRUE(eventually([&] {
    spans = spans_of(collector, trace);
    request = charge = nullptr;
    for (const auto& s : spans) {
      if (text(s, "name") == "POST /v1/orders/{id}/payments") request = &s;
      if (text(s, "name") == "POST /v1/charges") charge = &s;
    }
    return request != nullptr && charge != nullptr;
  })) << server.log();
  EXPECT_EQ(text(*charge, "parentSpanId"), text(*request, "spanId"));
  EXPECT_EQ(charge->at("kind").as_int64(), 3);
}

// An event continues the trace of the request that wrote it (issue 13): the outbox keeps the
// request's traceparent, the relay's publish is a producer span of it (and the broker's message
// carries that span), and the webhook delivery is a client span of what the consumer received,
// sent to the receiver as its traceparent. `broker`: through RabbitMQ, else in-process.
void expect_event_continues_the_request_trace(RabbitMqBroker* broker) {
  WebhookReceiver collector, hooks;
  const TestDatabase db = create_test_database();
  ServerProcess server;
  std::vector<std::string> flags{"--otlp-endpoint", collector.url(""),
                                 "--webhook-allow-private-targets", "true"};
  if (broker) {
    flags.push_back("--amqp-url");
    flags.push_back(broker->url());
  }
  launch_api_server(server, db, flags);
  ApiClient api(server.port());
  const Brand b = sign_up_brand(api);
  ASSERT_EQ(api.post("/v1/webhooks",
                     json::object{{"url", hooks.url()}, {"events", json::array{"product.created"}}},
                     b.owner_token)
                .status,
            201);
  const std::string trace = "7af7651916cd43dd8448eb211c80319e";
  auto product = api.post("/v1/products",
                          json::object{{"sku", "TRACE-3"},
                                       {"name", "Thing"},
                                       {"price", 100},
                                       {"currency", "EUR"},
                                       {"stock", 10}},
                          b.owner_token, {{"traceparent", "00-" + trace + "-c7ad6b7169203331-01"}});
  ASSERT_EQ(product.status, 201);

  ASSERT_TRUE(eventually([&] { return hooks.received().size() == 1; })) << server.log();
  const std::string header = hooks.received().front().headers.at("traceparent");
  ASSERT_EQ(header.substr(0, 36), "00-" + trace + "-") << header;
  const std::string delivery_span = header.substr(36, 16);

  std::vector<json::object> spans;
  const json::object *request = nullptr, *publish = nullptr, *webhook = nullptr;
  ASSERT_TRUE(eventually([&] {
    spans = spans_of(collector, trace);
    request = publish = webhook = nullptr;
    for (const auto& s : spans) {
      if (text(s, "name") == "POST /v1/products") request = &s;
      if (text(s, "name") == "publish product.created") publish = &s;
      if (text(s, "name") == "webhook product.created") webhook = &s;
    }
    return request && webhook && (publish || !broker);
  })) << server.log();
  // The receiver's parent is the delivery's span, a client span.
  EXPECT_EQ(text(*webhook, "spanId"), delivery_span);
  EXPECT_EQ(webhook->at("kind").as_int64(), 3);
  if (broker) {
    // request → publish (producer) → delivery.
    EXPECT_EQ(text(*publish, "parentSpanId"), text(*request, "spanId"));
    EXPECT_EQ(publish->at("kind").as_int64(), 4);
    EXPECT_EQ(text(*webhook, "parentSpanId"), text(*publish, "spanId"));
  } else {
    EXPECT_EQ(text(*webhook, "parentSpanId"), text(*request, "spanId"));
  }
}

TEST(Tracing, AnEventsWebhookDeliveryContinuesTheTraceOfTheRequestThatWroteIt) {
  expect_event_continues_the_request_trace(nullptr);
}

TEST(Tracing, AnEventsPublishAndDeliveryThroughRabbitMqContinueTheRequestsTrace) {
  RabbitMqBroker broker;
  broker.start();
  expect_event_continues_the_request_trace(&broker);
}

}  // namespace
}  // namespace brandos::testing
