#pragma once
// Port: customers as ciphertexts (see PersonalDataCipher), on a unit of work.
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
  std::optional<Bytes> address;  // sealed
  std::string created_at;
};

class CustomerRepository {
 public:
  virtual ~CustomerRepository() = default;
  // Queued: the customer and its wrapped data key. A live customer of the tenant with the same
  // e-mail index fails the commit with conflict "email-taken".
  virtual void add(const SealedCustomer& customer) = 0;
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<std::optional<SealedCustomer>>> get(
      const domain::Uuid& id) = 0;
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<std::vector<SealedCustomer>>> list(
      const std::optional<Bytes>& email_index, const std::optional<domain::Uuid>& after,
      int limit) = 0;
  // Destroys the data key and every ciphertext (crypto-shredding). The customer's new version,
  // or nullopt when there is no such live customer.
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<std::optional<int>>> erase(
      const domain::Uuid& id) = 0;
  // Ids of the customer's orders (for the export).
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<std::vector<std::string>>> order_ids(
      const domain::Uuid& id) = 0;
};

}  // namespace brandos::application
