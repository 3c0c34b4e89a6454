#include "application/customers/manage_customers.hpp"

#include <stdexcept>
#include "application/authorization.hpp"

#include "domain/identity/credentials.hpp"
#include "domain/identity/role.hpp"

namespace brandos::application {

namespace asio = boost::asio;
using domain::Permission;

namespace {

// Addresses are sealed as one value: fields joined by the ASCII unit separator, which the
// validation rules keep out of every field.
constexpr char kSep = '\x1f';

std::string encode_address(const domain::Address& a) {
  return a.line1 + kSep + a.line2.value_or("") + kSep + a.city + kSep + a.postal_code + kSep +
         a.country;
}

domain::Address decode_address(const std::string& s) {
  std::vector<std::string> parts;
  std::size_t pos = 0;
  for (;;) {
    const std::size_t end = s.find(kSep, pos);
    parts.push_back(s.substr(pos, end == std::string::npos ? std::string::npos : end - pos));
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  if (parts.size() != 5) throw std::runtime_error("sealed address has a wrong shape");
  domain::Address a{parts[0], std::nullopt, parts[2], parts[3], parts[4]};
  if (!parts[1].empty()) a.line2 = parts[1];
  return a;
}

}  // namespace

CustomerView ManageCustomers::open(const domain::Uuid& tenant, const SealedCustomer& s) const {
  auto field = [&](std::string_view name, const Bytes& c) {
    auto plain = cipher_.open(s.key, tenant, s.id, name, c);
    // A ciphertext that does not open under its own key is corruption or tampering: a bug, not
    // a client error.
    if (!plain) throw std::runtime_error("customer field does not decrypt: " + std::string(name));
    return *plain;
  };
  CustomerView v{
      s.id,        field("email", s.email), field("name", s.name), std::nullopt, std::nullopt,
      s.created_at};
  if (s.phone) v.phone = field("phone", *s.phone);
  if (s.address) v.address = decode_address(field("address", *s.address));
  return v;
}

asio::awaitable<Outcome<CustomerView>> ManageCustomers::create(const OperationContext& ctx,
                                                               CustomerData d) const {
  if (auto f = lacks(ctx, Permission::customers_write)) co_return std::unexpected(*f);
  std::vector<FieldIssue> issues;
  const auto email = domain::normalise_email(d.email);
  if (!email) issues.push_back({"email", "must be a valid e-mail address"});
  if (!domain::valid_display_name(d.name))
    issues.push_back({"name", "must be 1 to 200 characters"});
  if (d.phone && !domain::valid_phone(*d.phone))
    issues.push_back({"phone", "must be a phone number"});
  if (d.address)
    if (auto problem = domain::check_address(*d.address))
      issues.push_back({"address." + problem->first, problem->second});
  if (!issues.empty()) co_return std::unexpected(failures::validation(std::move(issues)));

  const domain::Uuid tenant = ctx.actor().tenant_id;
  SealedCustomer s;
  s.id = ids_.new_id();
  s.key = cipher_.new_data_key(tenant, s.id);
  s.email_index = cipher_.email_index(tenant, *email);
  s.email = cipher_.seal(s.key, tenant, s.id, "email", *email);
  s.name = cipher_.seal(s.key, tenant, s.id, "name", d.name);
  if (d.phone) s.phone = cipher_.seal(s.key, tenant, s.id, "phone", *d.phone);
  if (d.address)
    s.address = cipher_.seal(s.key, tenant, s.id, "address", encode_address(*d.address));

  auto uow = data_.begin(ctx, Access::write);
  auto now = co_await uow->now();
  if (!now) co_return std::unexpected(now.error());
  s.created_at = *now;
  uow->customers().add(s);
  uow->outbox().add(
      {ids_.new_id(), "customer.created", "customer", s.id, 1, documents_.reference(s.id)});
  auto done = co_await uow->commit();  // a taken e-mail fails here: conflict "email-taken"
  if (!done) co_return std::unexpected(done.error());
  co_return open(tenant, s);
}

asio::awaitable<Outcome<CustomerView>> ManageCustomers::get(const OperationContext& ctx,
                                                            const domain::Uuid& id) const {
  if (auto f = lacks(ctx, Permission::customers_read)) co_return std::unexpected(*f);
  auto uow = data_.begin(ctx, Access::read);
  auto s = co_await uow->customers().get(id);
  if (!s) co_return std::unexpected(s.error());
  if (!*s) co_return std::unexpected(failures::not_found());
  co_return open(ctx.actor().tenant_id, **s);
}

asio::awaitable<Outcome<std::vector<CustomerView>>> ManageCustomers::list(
    const OperationContext& ctx, const std::optional<std::string>& email,
    const std::optional<domain::Uuid>& after, int limit) const {
  if (auto f = lacks(ctx, Permission::customers_read)) co_return std::unexpected(*f);
  const domain::Uuid tenant = ctx.actor().tenant_id;
  std::optional<Bytes> index;
  if (email) {
    const auto normalised = domain::normalise_email(*email);
    if (!normalised) co_return std::vector<CustomerView>{};  // no customer has that address
    index = cipher_.email_index(tenant, *normalised);
  }
  auto uow = data_.begin(ctx, Access::read);
  auto rows = co_await uow->customers().list(index, after, limit + 1);
  if (!rows) co_return std::unexpected(rows.error());
  std::vector<CustomerView> out;
  for (const auto& s : *rows) out.push_back(open(tenant, s));
  co_return out;
}

asio::awaitable<Outcome<CustomerExport>> ManageCustomers::export_data(
    const OperationContext& ctx, const domain::Uuid& id) const {
  if (auto f = lacks(ctx, Permission::customers_export)) co_return std::unexpected(*f);
  // The export and its audit row are one unit of work: no export leaves unrecorded.
  auto uow = data_.begin(ctx, Access::write);
  auto s = co_await uow->customers().get(id);
  if (!s) co_return std::unexpected(s.error());
  if (!*s) co_return std::unexpected(failures::not_found());
  auto orders = co_await uow->customers().order_ids(id);
  if (!orders) co_return std::unexpected(orders.error());
  const AuditEntry audit{"customer.exported", ctx.actor().user_id, "customer", id.to_string(),
                         ctx.origin()};
  uow->audit().append(audit);
  auto done = co_await uow->commit();
  if (!done) co_return std::unexpected(done.error());
  co_return CustomerExport{open(ctx.actor().tenant_id, **s), std::move(*orders)};
}

asio::awaitable<Outcome<void>> ManageCustomers::erase(const OperationContext& ctx,
                                                      const domain::Uuid& id) const {
  if (auto f = lacks(ctx, Permission::customers_erase)) co_return std::unexpected(*f);
  // Erasure, its event and its audit row commit together or not at all.
  auto uow = data_.begin(ctx, Access::write);
  auto version = co_await uow->customers().erase(id);
  if (!version) co_return std::unexpected(version.error());
  if (!*version) co_return std::unexpected(failures::not_found());
  uow->outbox().add(
      {ids_.new_id(), "customer.erased", "customer", id, **version, documents_.reference(id)});
  const AuditEntry audit{"customer.erased", ctx.actor().user_id, "customer", id.to_string(),
                         ctx.origin()};
  uow->audit().append(audit);
  auto done = co_await uow->commit();
  if (!done) co_return std::unexpected(done.error());
  co_return Outcome<void>{};
}

}  // namespace brandos::application
