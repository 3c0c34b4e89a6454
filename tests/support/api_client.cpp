#include "support/api_client.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace brandos::testing {

namespace json = boost::json;

ApiResponse ApiClient::call(const std::string& method, const std::string& path,
                            const json::value* body, const std::string& token, Headers extra) {
  Headers h = std::move(extra);
  if (!token.empty()) h.emplace_back("Authorization", "Bearer " + token);
  std::string payload;
  if (body) {
    h.emplace_back("Content-Type", "application/json");
    payload = json::serialize(*body);
  }
  auto r = http_request(port_, method, path, h, payload);
  EXPECT_TRUE(r) << method << " " << path;
  ApiResponse out;
  if (!r) return out;
  out.status = r->status;
  out.raw = *r;
  boost::system::error_code ec;
  if (!r->body.empty()) out.body = json::parse(r->body, ec);
  expect_documented(method, path, out.raw);
  return out;
}

void expect_documented(const std::string& method, const std::string& path,
                       const RawResponse& response) {
  // Behind the validating proxy (BRANDOS_TEST_VALIDATING_PROXY), Prism lists what it found in
  // this header. What the request did wrong is often the test's point; what the response did
  // wrong is drift between the server and docs/openapi.yaml.
  const auto violations = response.header("sl-violations");
  if (!violations) return;
  boost::system::error_code ec;
  const json::value found = json::parse(*violations, ec);
  if (ec || !found.is_array()) {
    ADD_FAILURE() << method << " " << path << ": unreadable sl-violations: " << *violations;
    return;
  }
  for (const auto& v : found.as_array()) {
    const auto* location = v.is_object() ? v.as_object().if_contains("location") : nullptr;
    if (location && location->is_array() && !location->as_array().empty() &&
        location->as_array()[0] == "response")
      ADD_FAILURE() << method << " " << path << " → " << response.status
                    << " is not what docs/openapi.yaml describes: " << json::serialize(v);
  }
}

std::string str(const json::value& v, const char* key) {
  if (!v.is_object() || !v.as_object().contains(key) || !v.at(key).is_string()) return "";
  return std::string(v.at(key).as_string());
}

bool has_field_error(const ApiResponse& r, const std::string& field) {
  if (r.status != 422 || !r.body.is_object() || !r.body.as_object().contains("errors"))
    return false;
  for (const auto& e : r.body.at("errors").as_array())
    if (str(e, "field") == field) return true;
  return false;
}

std::string unique_name(const std::string& prefix) {
  static std::atomic<int> n{0};
  return prefix + "-" + std::to_string(getpid()) + "-" + std::to_string(++n);
}

std::pair<std::string, std::string> log_in(ApiClient& api, const std::string& slug,
                                           const std::string& email, const std::string& password) {
  auto r = api.post("/v1/auth/login",
                    json::object{{"tenant", slug}, {"email", email}, {"password", password}});
  EXPECT_EQ(r.status, 200) << r.raw.body;
  return {str(r.body, "access_token"), str(r.body, "refresh_token")};
}

Brand sign_up_brand(ApiClient& api) {
  Brand b;
  b.slug = unique_name("brand");
  b.owner_email = "owner@" + b.slug + ".test";
  auto r = api.post(
      "/v1/tenants",
      json::object{
          {"name", "Brand " + b.slug},
          {"slug", b.slug},
          {"owner",
           {{"email", b.owner_email}, {"password", kStrongPassword}, {"name", "Olga Owner"}}}});
  EXPECT_EQ(r.status, 201) << r.raw.body;
  b.id = str(r.body.at("tenant"), "id");
  b.owner_id = str(r.body.at("user"), "id");
  b.owner_token = log_in(api, b.slug, b.owner_email, kStrongPassword).first;
  return b;
}

std::pair<std::string, std::string> add_user(ApiClient& api, const Brand& b,
                                             const std::string& role) {
  const std::string email = unique_name(role) + "@" + b.slug + ".test";
  auto r = api.post(
      "/v1/users",
      json::object{
          {"email", email}, {"name", "U " + role}, {"password", kStrongPassword}, {"role", role}},
      b.owner_token);
  EXPECT_EQ(r.status, 201) << r.raw.body;
  return {str(r.body, "id"), log_in(api, b.slug, email, kStrongPassword).first};
}

}  // namespace brandos::testing
