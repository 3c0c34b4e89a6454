// docs/openapi.yaml and the router must describe the same API: every route the server serves is
// documented, and every documented operation is served. (The document itself is linted by
// Redocly in the openapi_lint CTest test.)
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <fstream>
#include <map>
#include <regex>
#include <set>

#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace brandos::testing {
namespace {

// Reads "  /path:" and "    get:" lines under "paths:": enough for this document's layout,
// which the Redocly lint keeps valid.
std::set<std::string> documented_operations() {
  std::ifstream in(std::string(BRANDOS_SOURCE_DIR) + "/docs/openapi.yaml");
  EXPECT_TRUE(in) << "docs/openapi.yaml not found";
  static const std::regex path_line(R"(^  (/[^:]*):\s*$)");
  static const std::regex method_line(R"(^    (get|post|put|patch|delete):\s*$)");
  std::set<std::string> ops;
  std::string line, path;
  bool in_paths = false;
  while (std::getline(in, line)) {
    if (line == "paths:") {
      in_paths = true;
      continue;
    }
    if (in_paths && !line.empty() && line[0] != ' ') break;
    std::smatch m;
    if (std::regex_match(line, m, path_line))
      path = m[1].str();
    else if (!path.empty() && std::regex_match(line, m, method_line)) {
      std::string method = m[1].str();
      for (auto& c : method) c = static_cast<char>(std::toupper(c));
      ops.insert(method + " " + path);
    }
  }
  return ops;
}

// Each operation's documented status codes ("        \"404\":" lines under its responses).
std::map<std::string, std::set<std::string>> documented_statuses() {
  std::ifstream in(std::string(BRANDOS_SOURCE_DIR) + "/docs/openapi.yaml");
  static const std::regex path_line(R"(^  (/[^:]*):\s*$)");
  static const std::regex method_line(R"(^    (get|post|put|patch|delete):\s*$)");
  static const std::regex status_line(R"re(^        "(\d{3})":.*$)re");
  std::map<std::string, std::set<std::string>> out;
  std::string line, path, op;
  bool in_paths = false;
  while (std::getline(in, line)) {
    if (line == "paths:") {
      in_paths = true;
      continue;
    }
    if (in_paths && !line.empty() && line[0] != ' ') break;
    std::smatch m;
    if (std::regex_match(line, m, path_line)) {
      path = m[1].str();
      op.clear();
    } else if (!path.empty() && std::regex_match(line, m, method_line)) {
      op = m[1].str() + " " + path;
    } else if (!op.empty() && std::regex_match(line, m, status_line)) {
      out[op].insert(m[1].str());
    }
  }
  return out;
}

// Issue 9, item 20: answers the server gives before (or whatever) any route decides — a slow or
// oversized request, an unknown transfer coding, a rate limit, a dependency down — are part of
// every operation's contract, so a validating proxy never sees an undocumented status.
TEST(OpenApi, EveryOperationDocumentsTheServerWideAnswers) {
  const auto statuses = documented_statuses();
  EXPECT_GE(statuses.size(), 15u);
  for (const auto& [op, codes] : statuses)
    for (const char* code : {"400", "408", "413", "429", "431", "501", "503"})
      EXPECT_TRUE(codes.contains(code)) << op << " does not document " << code;
}

TEST(OpenApi, DocumentsExactlyTheRoutesTheServerServes) {
  TestServer s;
  auto r = http_request(s.process.admin_port(), "GET", "/routes");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  std::set<std::string> served;
  const boost::json::value routes = boost::json::parse(r->body);
  for (const auto& route : routes.as_array())
    served.insert(std::string(route.at("method").as_string()) + " " +
                  std::string(route.at("path").as_string()));
  const std::set<std::string> documented = documented_operations();
  EXPECT_GE(served.size(), 15u);
  for (const auto& op : served) EXPECT_TRUE(documented.contains(op)) << "not documented: " << op;
  for (const auto& op : documented) EXPECT_TRUE(served.contains(op)) << "not served: " << op;
}

}  // namespace
}  // namespace brandos::testing
