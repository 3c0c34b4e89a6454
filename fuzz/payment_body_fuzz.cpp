// Fuzzes the bodies of POST /v1/orders/{id}/payments and /refunds as the routes read them (after
// the same JSON parsing as every body): any input is a command or a list of field problems,
// never a crash; a command read without problems has what its use case requires.
#include <boost/json/parse.hpp>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "api/payment_routes.hpp"

using namespace brandos;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  boost::system::error_code ec;
  auto v = boost::json::parse(std::string_view(reinterpret_cast<const char*>(data), size), ec);
  if (ec || !v.is_object()) return 0;
  std::vector<application::FieldIssue> pay_issues, refund_issues;
  const auto pay = api::read_pay_command(v.as_object(), pay_issues);
  if (pay_issues.empty() && pay.payment_method.empty() && !v.as_object().contains("payment_method"))
    std::abort();
  const auto refund = api::read_refund_command(v.as_object(), refund_issues);
  if (refund_issues.empty() && !v.as_object().contains("amount")) std::abort();
  (void)refund;
  return 0;
}
