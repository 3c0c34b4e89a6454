#pragma once
// Customer use cases (API.md "Customers"): create (staff+), read and find by e-mail (viewer+),
// export everything held (admin+, audited), erase (admin+, audited). Personal data is encrypted
// before it reaches the repository and decrypted after; only this layer ever sees plaintext.
#include "application/identity/principal.hpp"
#include "application/operation_context.hpp"
#include "application/ports/id_generator.hpp"
#include "application/ports/personal_data_cipher.hpp"
#include "application/ports/resource_documents.hpp"
#include "application/ports/unit_of_work.hpp"
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
  ManageCustomers(TenantData& data, PersonalDataCipher& cipher, const ResourceDocuments& documents,
                  IdGenerator& ids)
      : data_(data), cipher_(cipher), documents_(documents), ids_(ids) {}

  // Conflict "email-taken" when a live customer of the brand has the e-mail.
  boost::asio::awaitable<Outcome<CustomerView>> create(const OperationContext& ctx,
                                                       CustomerData data) const;
  boost::asio::awaitable<Outcome<CustomerView>> get(const OperationContext& ctx,
                                                    const domain::Uuid& id) const;
  boost::asio::awaitable<Outcome<std::vector<CustomerView>>> list(
      const OperationContext& ctx, const std::optional<std::string>& email,
      const std::optional<domain::Uuid>& after, int limit) const;
  boost::asio::awaitable<Outcome<CustomerExport>> export_data(const OperationContext& ctx,
                                                              const domain::Uuid& id) const;
  boost::asio::awaitable<Outcome<void>> erase(const OperationContext& ctx,
                                              const domain::Uuid& id) const;

 private:
  CustomerView open(const domain::Uuid& tenant, const SealedCustomer& sealed) const;
  TenantData& data_;
  PersonalDataCipher& cipher_;
  const ResourceDocuments& documents_;
  IdGenerator& ids_;
};

}  // namespace brandos::application
