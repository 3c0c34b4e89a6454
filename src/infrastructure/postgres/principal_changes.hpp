#pragma once
// Keeps a PrincipalCache true to the database: LISTENs on brandos_principals (migration 0008) on a
// connection of its own and evicts what each notification names. Before trusting the connection,
// and after every quiet 5 s, it sends itself an echo through the channel and requires it back
// within 2 s: a connection that died silently or a LISTEN a pooler dropped turns the cache off.
// The cache serves nothing while this is not listening and starts empty when it is again
// (notifications sent meanwhile are lost). Runs until its io_context stops.
#include <boost/asio/awaitable.hpp>

#include "infrastructure/local/principal_cache.hpp"
#include "infrastructure/postgres/connection.hpp"

namespace brandos::pg {

boost::asio::awaitable<void> follow_principal_changes(ConnectionOptions options,
                                                      local::PrincipalCache& cache);

}  // namespace brandos::pg
