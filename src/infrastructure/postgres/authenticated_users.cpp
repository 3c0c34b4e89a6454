#include "infrastructure/postgres/authenticated_users.hpp"

#include "infrastructure/postgres/failure_of.hpp"
#include "infrastructure/postgres/identity_sql.hpp"
#include "infrastructure/postgres/row.hpp"

namespace brandos::pg {

namespace asio = boost::asio;

asio::awaitable<application::Outcome<std::optional<application::Principal>>>
AuthenticatedUsers::find(const application::OperationContext& ctx, const domain::Uuid& tenant_id,
                         const domain::Uuid& user_id) {
  const auto deadline = std::min(ctx.deadline, pool_.deadline());
  auto r = co_await pool_.execute(Statement(identity_sql::kAuthenticatedUser, tenant_id, user_id),
                                  deadline);
  if (!r) co_return std::unexpected(failure_or_throw(r.error()));
  if (r->rows() != 1) co_return std::optional<application::Principal>{};
  const Row row(*r, 0);
  co_return application::Principal{
      tenant_id, user_id, domain::parse_role(row.view("role")).value_or(domain::Role::viewer),
      row.text("email"), row.text("name")};
}

}  // namespace brandos::pg
