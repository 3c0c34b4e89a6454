#pragma once
// A JSON client for black-box tests of the API, and the brand set-up most tests start from
// (sign up a tenant, log its owner in, add users of given roles).
#include <boost/json/value.hpp>
#include <string>
#include <utility>
#include <vector>

#include "support/http_client.hpp"

namespace brandos::testing {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct ApiResponse {
  int status = 0;
  boost::json::value body;
  RawResponse raw;
};

class ApiClient {
 public:
  explicit ApiClient(unsigned short port) : port_(port) {}
  ApiResponse call(const std::string& method, const std::string& path,
                   const boost::json::value* body = nullptr, const std::string& token = "",
                   Headers extra = {});
  ApiResponse post(const std::string& path, const boost::json::value& body,
                   const std::string& token = "", Headers extra = {}) {
    return call("POST", path, &body, token, std::move(extra));
  }
  ApiResponse get(const std::string& path, const std::string& token) {
    return call("GET", path, nullptr, token);
  }
  ApiResponse patch(const std::string& path, const boost::json::value& body,
                    const std::string& token, Headers extra = {}) {
    return call("PATCH", path, &body, token, std::move(extra));
  }
  ApiResponse del(const std::string& path, const std::string& token) {
    return call("DELETE", path, nullptr, token);
  }
  unsigned short port() const { return port_; }

 private:
  unsigned short port_;
};

// Fails the test when the validating proxy (if any) found `response` to differ from
// docs/openapi.yaml. ApiClient checks every response it receives.
void expect_documented(const std::string& method, const std::string& path,
                       const RawResponse& response);

// True when a 422 problem lists `field` in its errors.
bool has_field_error(const ApiResponse& r, const std::string& field);

// The string member `key` of a JSON object, or "" when absent or not a string.
std::string str(const boost::json::value& v, const char* key);

inline constexpr const char* kStrongPassword = "violet harbour tangent 42";

struct Brand {
  std::string slug;
  std::string id;
  std::string owner_id;
  std::string owner_email;
  std::string owner_token;
};

// A unique name for this process and call ("brand-1234-7").
std::string unique_name(const std::string& prefix);
Brand sign_up_brand(ApiClient& api);
// {access_token, refresh_token}
std::pair<std::string, std::string> log_in(ApiClient& api, const std::string& slug,
                                           const std::string& email, const std::string& password);
// Creates a user with `role` as the owner and logs them in: {id, access token}.
std::pair<std::string, std::string> add_user(ApiClient& api, const Brand& brand,
                                             const std::string& role);

}  // namespace brandos::testing
