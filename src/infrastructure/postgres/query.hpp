#pragma once
// A SQL statement's text with a stable name ("orders.lock_for_placement"). The name labels the
// round trip for metrics, slow-query logs and (later) trace spans, the way userver's
// Query{sql, Query::Name{...}} does; the text is a raw string constant beside the code that uses
// it. Names are "<table or area>.<what>", lowercase.
#include <string_view>

namespace brandos::pg {

struct Query {
  std::string_view name;
  std::string_view sql;
};

}  // namespace brandos::pg
