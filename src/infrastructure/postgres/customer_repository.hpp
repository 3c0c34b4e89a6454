#pragma once
// CustomerRepository on a TenantSession: ciphertexts and wrapped keys, mapped.
#include "application/ports/customer_repository.hpp"
#include "infrastructure/postgres/tenant_session.hpp"

namespace brandos::pg {

class CustomerRepository final : public application::CustomerRepository {
 public:
  CustomerRepository(TenantSession& session, const domain::Uuid& tenant)
      : s_(session), tenant_(tenant) {}

  void add(const application::SealedCustomer& customer) override;
  boost::asio::awaitable<application::Outcome<std::optional<application::SealedCustomer>>> get(
      const domain::Uuid& id) override;
  boost::asio::awaitable<application::Outcome<std::vector<application::SealedCustomer>>> list(
      const std::optional<application::Bytes>& email_index,
      const std::optional<domain::Uuid>& after, int limit) override;
  boost::asio::awaitable<application::Outcome<std::optional<int>>> erase(
      const domain::Uuid& id) override;
  boost::asio::awaitable<application::Outcome<std::vector<std::string>>> order_ids(
      const domain::Uuid& id) override;

 private:
  TenantSession& s_;
  domain::Uuid tenant_;
};

}  // namespace brandos::pg
