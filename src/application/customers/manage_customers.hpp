#pragma once
// Customer use cases (API.md "Customers"): create (staff+), read and find by e-mail (viewer+),
// export everything held (admin+), erase (admin+, audited). Personal data is encrypted before it
// reaches the repository and decrypted after; only this layer ever sees plaintext.
#include "application/identity/principal.hpp"
#include "application/ports/customer_repository.hpp"
#include "application/ports/id_generator.hpp"
#include "application/ports/identity_repository.hpp"
#include "domain/customers/customer.hpp"

namespace brandos::application {

struct CustomerData {
  std::string email;
  std::string name;
  std::optional<std::string> phone;
  std::optional<domain::Address> address;
};

struct CustomerView {
  domain::Uuid id;
  std::string email;
  std::string name;
  std::optional<std::string> phone;
  std::optional<domain::Address> address;
  std::string created_at;
};

struct CustomerExport {
  CustomerView customer;
  std::vector<std::string> order_ids;
};

class ManageCustomers {
 public:
  ManageCustomers(CustomerRepository& customers, PersonalDataCipher& cipher,
                  IdentityRepository& audit, IdGenerator& ids)
      : customers_(customers), cipher_(cipher), audit_(audit), ids_(ids) {}

  boost::asio::awaitable<Outcome<CustomerView>> create(const Principal& actor,
                                                       CustomerData data) const;
  boost::asio::awaitable<Outcome<CustomerView>> get(const Principal& actor,
                                                    const domain::Uuid& id) const;
  boost::asio::awaitable<Outcome<std::vector<CustomerView>>> list(
      const Principal& actor, const std::optional<std::string>& email,
      const std::optional<domain::Uuid>& after, int limit) const;
  boost::asio::awaitable<Outcome<CustomerExport>> export_data(const Principal& actor,
                                                              const domain::Uuid& id,
                                                              const RequestOrigin& origin) const;
  boost::asio::awaitable<Outcome<void>> erase(const Principal& actor, const domain::Uuid& id,
                                              const RequestOrigin& origin) const;

 private:
  CustomerView open(const domain::Uuid& tenant, const SealedCustomer& sealed) const;
  CustomerRepository& customers_;
  PersonalDataCipher& cipher_;
  IdentityRepository& audit_;
  IdGenerator& ids_;
};

}  // namespace brandos::application
