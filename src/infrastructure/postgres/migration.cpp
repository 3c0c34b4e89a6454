#include "infrastructure/postgres/migration.hpp"

#include <libpq-fe.h>
#include <sodium.h>

#include <algorithm>
#include <map>
#include <memory>
#include <regex>
#include <stdexcept>

namespace brandos::pg {

namespace {

// Any constant works as long as nothing else in the database uses it; this one spells "brandos1".
constexpr const char* kLockKey = "7165438327357812529";

struct ConnCloser {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct ResultCloser {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ConnPtr = std::unique_ptr<PGconn, ConnCloser>;
using ResultPtr = std::unique_ptr<PGresult, ResultCloser>;

std::string sha256_hex(const std::string& text) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

std::string trimmed_error(PGconn* c) {
  std::string m = PQerrorMessage(c);
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

ResultPtr exec(PGconn* c, const std::string& sql, const std::string& context) {
  ResultPtr r(PQexec(c, sql.c_str()));
  const ExecStatusType st = PQresultStatus(r.get());
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    throw MigrationError(context + ": " + trimmed_error(c));
  }
  return r;
}

ResultPtr exec_params(PGconn* c, const char* sql, std::vector<const char*> params,
                      const std::string& context) {
  ResultPtr r(PQexecParams(c, sql, static_cast<int>(params.size()), nullptr, params.data(), nullptr,
                           nullptr, 0));
  const ExecStatusType st = PQresultStatus(r.get());
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    throw MigrationError(context + ": " + trimmed_error(c));
  }
  return r;
}

int version_of(const std::string& file) {
  static const std::regex pattern(R"(^(\d{4})_[a-z0-9_]+\.sql$)");
  std::smatch m;
  if (!std::regex_match(file, m, pattern))
    throw MigrationError("migration file name must look like 0001_some_name.sql: " + file);
  return std::stoi(m[1].str());
}

}  // namespace

MigrationReport migrate(const std::string& conninfo, const std::vector<MigrationSource>& sources) {
  if (sodium_init() < 0) throw MigrationError("libsodium failed to initialise");
  std::vector<std::pair<int, const MigrationSource*>> ordered;
  for (const auto& s : sources) ordered.emplace_back(version_of(s.file), &s);
  std::sort(ordered.begin(), ordered.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (std::size_t i = 1; i < ordered.size(); ++i) {
    if (ordered[i].first == ordered[i - 1].first)
      throw MigrationError("two migrations share version " + std::to_string(ordered[i].first));
  }

  ConnPtr conn(PQconnectdb(conninfo.c_str()));
  if (PQstatus(conn.get()) != CONNECTION_OK)
    throw MigrationError("cannot connect to the database to migrate: " + trimmed_error(conn.get()));
  PGconn* c = conn.get();
  exec(c, "SET client_min_messages = warning", "session setup");
  // Held for the whole run and released when the session ends, even if this process dies.
  exec(c, std::string("SELECT pg_advisory_lock(") + kLockKey + ")", "migration lock");
  exec(c,
       "CREATE SCHEMA IF NOT EXISTS brandos;"
       "CREATE TABLE IF NOT EXISTS brandos.schema_migrations ("
       "  version integer PRIMARY KEY,"
       "  file text NOT NULL,"
       "  checksum text NOT NULL,"
       "  applied_at timestamptz NOT NULL DEFAULT now())",
       "migration history table");

  ResultPtr applied(PQexec(c, "SELECT version, file, checksum FROM brandos.schema_migrations"));
  if (PQresultStatus(applied.get()) != PGRES_TUPLES_OK)
    throw MigrationError("read migration history: " + trimmed_error(c));
  std::map<int, std::pair<std::string, std::string>> history;
  for (int i = 0; i < PQntuples(applied.get()); ++i) {
    history[std::stoi(PQgetvalue(applied.get(), i, 0))] = {PQgetvalue(applied.get(), i, 1),
                                                           PQgetvalue(applied.get(), i, 2)};
  }

  MigrationReport report;
  for (const auto& [version, source] : ordered) {
    const std::string checksum = sha256_hex(source->sql);
    if (auto it = history.find(version); it != history.end()) {
      if (it->second.second != checksum)
        throw MigrationError("migration " + source->file +
                             " was edited after it was applied (checksum differs); add a new "
                             "migration instead");
      ++report.already_applied;
      continue;
    }
    exec(c, "BEGIN", "begin " + source->file);
    try {
      exec(c, source->sql, "migration " + source->file + " failed");
      const std::string v = std::to_string(version);
      exec_params(c,
                  "INSERT INTO brandos.schema_migrations (version, file, checksum) "
                  "VALUES ($1, $2, $3)",
                  {v.c_str(), source->file.c_str(), checksum.c_str()}, "record " + source->file);
      exec(c, "COMMIT", "commit " + source->file);
    } catch (...) {
      ResultPtr(PQexec(c, "ROLLBACK"));
      throw;
    }
    report.applied.push_back(source->file);
  }
  for (const auto& [version, entry] : history) {
    if (std::none_of(ordered.begin(), ordered.end(),
                     [v = version](const auto& o) { return o.first == v; }))
      report.unknown_applied.push_back(entry.first);
  }
  exec(c, std::string("SELECT pg_advisory_unlock(") + kLockKey + ")", "migration unlock");
  return report;
}

}  // namespace brandos::pg
