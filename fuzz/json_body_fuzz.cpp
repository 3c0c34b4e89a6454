// Fuzzes the JSON entry point of every POST/PATCH body directly, with and without the right
// media type: it must answer with an object or a 4xx problem, never crash or accept non-objects.
#include <boost/json/serialize.hpp>
#include <cstdlib>

#include "api/json_body.hpp"

using namespace brandos;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  api::HttpRequest request;
  request.method = api::Method::post;
  request.path = "/v1/things";
  // The first byte picks the Content-Type, so media-type handling is fuzzed too.
  static const char* kTypes[] = {"application/json",  "application/json; charset=utf-8",
                                 "APPLICATION/JSON",  "text/plain",
                                 "application/jsonx", ""};
  request.headers.push_back({"Content-Type", kTypes[data[0] % 6]});
  request.body.assign(reinterpret_cast<const char*>(data + 1), size - 1);
  auto parsed = api::parse_json_object(request);
  if (auto* p = std::get_if<api::Problem>(&parsed)) {
    if (p->status < 400 || p->status > 499) std::abort();
  } else {
    // Accepted bodies serialize back (valid UTF-8, bounded depth).
    (void)boost::json::serialize(std::get<boost::json::object>(parsed));
  }
  return 0;
}
