// The benchmark's pgbench scripts must run exactly the statements the service runs: every
// statement of placing and reading an order (and of claiming its idempotency key) must appear in
// bench/order_create.sql or bench/order_get.sql, compared after parameters and literals are
// reduced to placeholders ($1 in the service, :name or a literal in pgbench).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "infrastructure/postgres/idempotency_sql.hpp"
#include "infrastructure/postgres/identity_sql.hpp"
#include "infrastructure/postgres/order_sql.hpp"
#include "infrastructure/postgres/outbox_sql.hpp"
#include "infrastructure/postgres/product_sql.hpp"
#include "infrastructure/postgres/tenant_sql.hpp"

namespace brandos::pg {
namespace {

std::string shape(std::string sql) {
  // pgbench scripts spell the timestamp format's colons as chr(58) (":name" is a variable there).
  static const std::regex colon_format(R"(replace\('([^']*)', '#', chr\(58\)\))");
  std::smatch m;
  while (std::regex_search(sql, m, colon_format)) {
    std::string fmt = m[1].str();
    std::replace(fmt.begin(), fmt.end(), '#', ':');
    sql.replace(m.position(0), m.length(0), "'" + fmt + "'");
  }
  static const std::vector<std::pair<std::regex, std::string>> rules = {
      {std::regex(R"('(?:[^']|'')*')"), "?"},      // string literals
      {std::regex(R"(\$\d+)"), "?"},               // service parameters
      {std::regex(R"((^|[^:]):[a-z_]+)"), "$1?"},  // pgbench variables (not ::casts)
      {std::regex(R"(\bNULL\b)"), "?"},
      {std::regex(R"(\b\d+\b)"), "?"},
      {std::regex(R"(\s+)"), " "},
      {std::regex(R"(\s*;\s*$)"), ""},
  };
  for (const auto& [re, with] : rules) sql = std::regex_replace(sql, re, with);
  while (!sql.empty() && sql.front() == ' ') sql.erase(0, 1);
  while (!sql.empty() && sql.back() == ' ') sql.pop_back();
  return sql;
}

std::set<std::string> bench_statements(const std::string& file) {
  std::ifstream in(std::string(BRANDOS_SOURCE_DIR) + "/bench/" + file);
  EXPECT_TRUE(in) << file;
  std::set<std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line.rfind("--", 0) == 0 || line.find("\\gset") != std::string::npos)
      continue;
    out.insert(shape(line));
  }
  return out;
}

// Both ways: every statement of the service is in the script, and the script sends nothing else
// (besides BEGIN and COMMIT), so neither side can drift (issue 10, item 9).
void expect_same_statements(const std::string& file, std::initializer_list<Query> service) {
  const auto bench = bench_statements(file);
  std::set<std::string> expected = {"BEGIN", "COMMIT"};
  for (const Query& q : service) {
    const std::string s = shape(std::string(q.sql));
    expected.insert(s);
    EXPECT_TRUE(bench.contains(s)) << "bench/" << file << " lacks " << q.name << ":\n" << s;
  }
  for (const std::string& s : bench)
    EXPECT_TRUE(expected.contains(s)) << "bench/" << file << " sends what the service does not:\n"
                                      << s;
}

TEST(BenchSql, OrderCreateRunsTheServiceStatements) {
  expect_same_statements(
      "order_create.sql",
      {tenant_sql::kSetTenant, idempotency_sql::kLockMany, idempotency_sql::kReadMany,
       product_sql::kLockForOrder, product_sql::kReserve, order_sql::kInsertOrders,
       order_sql::kInsertItems, order_sql::kInsertHistory, outbox_sql::kInsertOutboxMany,
       idempotency_sql::kDoneMany});  // no customer in the bench
}

TEST(BenchSql, OrderReadRunsTheServiceStatements) {
  expect_same_statements("order_get.sql", {identity_sql::kAuthenticatedUser, tenant_sql::kSetTenant,
                                           order_sql::kSelectOrder});
}

TEST(BenchSql, ShapesIgnoreOnlyValues) {
  EXPECT_EQ(shape("SELECT a FROM t WHERE x = $1 AND y = 'v'"),
            shape("SELECT a FROM t WHERE x = :x AND y = 'w';"));
  EXPECT_EQ(shape("SELECT $1::uuid[]"), shape("SELECT :ids::uuid[]"));
  EXPECT_NE(shape("SELECT a FROM t WHERE x = $1"), shape("SELECT a FROM t WHERE z = :x"));
}

}  // namespace
}  // namespace brandos::pg
