#pragma once
// One JSON serializer per resource, the API's shapes (API.md): HTTP responses use them, and
// JsonDocuments hands them to the use cases for event payloads and stored idempotent responses,
// so a resource has exactly one shape wherever it appears.
#include <boost/json/object.hpp>

#include "application/identity/manage_users.hpp"
#include "application/ports/audit_log.hpp"
#include "application/ports/resource_documents.hpp"

namespace brandos::api {

boost::json::object order_json(const application::OrderRecord& o, boost::json::storage_ptr sp = {});
// order_json serialized.
std::string order_document(const application::OrderRecord& o);
boost::json::object product_json(const application::ProductRecord& p);
boost::json::object user_json(const application::UserRecord& u);
boost::json::object tenant_json(const application::TenantRecord& t);
boost::json::object audit_json(const application::AuditRecord& a);
boost::json::object order_event_json(const application::OrderEventRecord& e);
boost::json::object payment_json(const application::PaymentRecord& p);
boost::json::object refund_json(const application::RefundRecord& r);

class JsonDocuments final : public application::ResourceDocuments {
 public:
  std::string order(const application::OrderRecord& order) const override;
  std::string product(const application::ProductRecord& product) const override;
  std::string stock_adjustment(const application::ProductRecord& product, std::int64_t delta,
                               const std::string& reason) const override;
  std::string reference(const domain::Uuid& id) const override;
  std::string order_placed(const application::OrderRecord& order) const override;
  std::string reason(const std::string& reason) const override;
  std::string payment(const application::PaymentRecord& payment) const override;
  std::string refund(const application::RefundRecord& refund) const override;
  std::string money_movement(const domain::Uuid& id, std::int64_t amount,
                             const std::string& currency,
                             const std::optional<std::string>& code) const override;
};

}  // namespace brandos::api
