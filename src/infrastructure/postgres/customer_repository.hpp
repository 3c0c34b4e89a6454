#pragma once
// CustomerRepository on PostgreSQL: ciphertexts in brandos.customers, wrapped data keys in
// brandos.customer_keys, each change with its outbox event (which carries ids, never personal
// data) in one statement.
#include "application/ports/customer_repository.hpp"
#include "infrastructure/postgres/pool.hpp"

namespace brandos::pg {

class CustomerRepository final : public application::CustomerRepository {
 public:
  explicit CustomerRepository(Pool& pool) : pool_(pool) {}
  boost::asio::awaitable<application::Outcome<application::SealedCustomer>> create(
      const domain::Uuid& tenant, const application::SealedCustomer& c,
      const domain::Uuid& event_id) override;
  boost::asio::awaitable<application::Outcome<std::optional<application::SealedCustomer>>> get(
      const domain::Uuid& tenant, const domain::Uuid& id) override;
  boost::asio::awaitable<application::Outcome<std::vector<application::SealedCustomer>>> list(
      const domain::Uuid& tenant, const std::optional<application::Bytes>& email_index,
      const std::optional<domain::Uuid>& after, int limit) override;
  boost::asio::awaitable<application::Outcome<bool>> erase(const domain::Uuid& tenant,
                                                           const domain::Uuid& id,
                                                           const domain::Uuid& event_id) override;
  boost::asio::awaitable<application::Outcome<std::vector<std::string>>> order_ids(
      const domain::Uuid& tenant, const domain::Uuid& id) override;

 private:
  Pool& pool_;
};

}  // namespace brandos::pg
