// Fuzzes what the card gateway answers (infrastructure/http_client/gateway_messages.cpp): any
// body is a well-formed charge or refund, or nothing; never a crash, and never a charge without
// the gateway's reference or a decline without a code.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "infrastructure/http_client/gateway_messages.hpp"

using namespace brandos;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  if (auto c = http_client::parse_charge(body)) {
    if (c->reference.empty() || c->reference.size() > 255) std::abort();
    if (!c->succeeded && c->decline_code.empty()) std::abort();
  }
  if (auto r = http_client::parse_refund(body)) {
    if (r->reference.empty() || r->reference.size() > 255) std::abort();
    if (!r->succeeded && r->failure_code.empty()) std::abort();
  }
  return 0;
}
