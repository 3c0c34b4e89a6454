#pragma once
// Schema migrations: numbered SQL files (migrations/NNNN_name.sql, embedded in the binary), each
// applied once, in order, in its own transaction, and recorded with its SHA-256. An applied
// migration whose text changed is refused: schema history is append-only. A session-level
// advisory lock serialises concurrent migrators, so many nodes may start at once.
//
// Runs before the server takes traffic, on the calling thread, with blocking libpq: it is a
// start-up step, not a request path.
#include <stdexcept>
#include <string>
#include <vector>

namespace brandos::pg {

struct MigrationSource {
  std::string file;  // "0001_roles_and_schema.sql"
  std::string sql;
};

const std::vector<MigrationSource>& embedded_migrations();

struct MigrationReport {
  std::vector<std::string> applied;  // files applied by this run
  int already_applied = 0;
  // Applied by a newer binary (a rolling upgrade in progress); this binary runs without them.
  std::vector<std::string> unknown_applied;
};

class MigrationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// conninfo must connect as the schema owner role. Throws MigrationError with an operator-facing
// message (bad file name, edited migration, SQL failure naming the file).
MigrationReport migrate(const std::string& conninfo, const std::vector<MigrationSource>& sources);

}  // namespace brandos::pg
