#include "infrastructure/postgres/runtime_role.hpp"

#include <libpq-fe.h>

#include <memory>
#include <stdexcept>

namespace brandos::pg {

namespace {

constexpr const char* kInspect = R"sql(
SELECT r.rolname, r.rolsuper, r.rolbypassrls,
       coalesce((SELECT string_agg(t.relname, ',')
                 FROM (SELECT c.relname FROM pg_class c
                       JOIN pg_namespace n ON n.oid = c.relnamespace
                       WHERE n.nspname = 'brandos' AND c.relkind IN ('r', 'p')
                         AND pg_has_role(current_user, c.relowner, 'MEMBER')
                       ORDER BY c.relname LIMIT 3) t), '')
FROM pg_roles r WHERE r.rolname = current_user)sql";

}  // namespace

std::vector<std::string> RuntimeRole::escapes() const {
  std::vector<std::string> out;
  if (superuser) out.push_back("is a superuser");
  if (bypasses_rls) out.push_back("has BYPASSRLS");
  if (!owned_tables.empty()) {
    std::string tables;
    for (const auto& t : owned_tables) tables += (tables.empty() ? "" : ", ") + t;
    out.push_back("owns tables (" + tables + ")");
  }
  return out;
}

RuntimeRole inspect_runtime_role(const std::string& conninfo) {
  std::unique_ptr<PGconn, decltype(&PQfinish)> c(PQconnectdb(conninfo.c_str()), &PQfinish);
  if (PQstatus(c.get()) != CONNECTION_OK)
    throw std::runtime_error(std::string("cannot connect to inspect the database role: ") +
                             PQerrorMessage(c.get()));
  std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(c.get(), kInspect), &PQclear);
  if (PQresultStatus(r.get()) != PGRES_TUPLES_OK || PQntuples(r.get()) != 1)
    throw std::runtime_error(std::string("cannot inspect the database role: ") +
                             PQerrorMessage(c.get()));
  RuntimeRole role;
  role.name = PQgetvalue(r.get(), 0, 0);
  role.superuser = PQgetvalue(r.get(), 0, 1)[0] == 't';
  role.bypasses_rls = PQgetvalue(r.get(), 0, 2)[0] == 't';
  const std::string tables = PQgetvalue(r.get(), 0, 3);
  for (std::size_t start = 0; start < tables.size();) {
    const auto comma = tables.find(',', start);
    role.owned_tables.push_back(tables.substr(start, comma - start));
    start = comma == std::string::npos ? tables.size() : comma + 1;
  }
  return role;
}

}  // namespace brandos::pg
