#pragma once
// Port: persistence of customers as ciphertexts (see PersonalDataCipher). Every change writes its
// outbox event (customer.created, customer.erased) in the same transaction.
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <vector>

#include "application/failure.hpp"
#include "application/ports/personal_data_cipher.hpp"

namespace brandos::application {

struct SealedCustomer {
  domain::Uuid id;
  WrappedKey key;
  Bytes email_index;
  Bytes email;
  Bytes name;
  std::optional<Bytes> phone;
  std::optional<Bytes> address;  // JSON, sealed
  std::string created_at;
};

class CustomerRepository {
 public:
  virtual ~CustomerRepository() = default;
  // Conflict "email-taken" when a live customer of the tenant has the e-mail (same index).
  virtual boost::asio::awaitable<Outcome<SealedCustomer>> create(const domain::Uuid& tenant,
                                                                 const SealedCustomer& customer,
                                                                 const domain::Uuid& event_id) = 0;
  virtual boost::asio::awaitable<Outcome<std::optional<SealedCustomer>>> get(
      const domain::Uuid& tenant, const domain::Uuid& id) = 0;
  virtual boost::asio::awaitable<Outcome<std::vector<SealedCustomer>>> list(
      const domain::Uuid& tenant, const std::optional<Bytes>& email_index,
      const std::optional<domain::Uuid>& after, int limit) = 0;
  // Destroys the data key and every ciphertext; false when there is no such live customer.
  virtual boost::asio::awaitable<Outcome<bool>> erase(const domain::Uuid& tenant,
                                                      const domain::Uuid& id,
                                                      const domain::Uuid& event_id) = 0;
  // Ids of the customer's orders (for the export).
  virtual boost::asio::awaitable<Outcome<std::vector<std::string>>> order_ids(
      const domain::Uuid& tenant, const domain::Uuid& id) = 0;
};

}  // namespace brandos::application
