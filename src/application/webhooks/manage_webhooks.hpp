#pragma once
// Webhook endpoints of a tenant (admin and above): create with a secret shown once, list, read,
// change (re-enabling one clears its failures and breaker), delete, rotate the secret with an
// overlap (the previous one keeps signing for a day), and the delivery log with manual retry.
// Every change is audited.
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "application/ports/id_generator.hpp"
#include "application/ports/unit_of_work.hpp"
#include "application/ports/webhooks.hpp"

namespace brandos::application {

// The event types an endpoint may subscribe to (API.md), besides "*".
const std::vector<std::string>& webhook_event_types();

struct NewWebhook {
  std::string url;
  std::vector<std::string> events;
  std::optional<std::string> description;
};

struct WebhookChanges {
  std::optional<std::string> url;
  std::optional<std::vector<std::string>> events;
  bool set_description = false;
  std::optional<std::string> description;
  std::optional<bool> active;
};

struct WebhookWithSecret {
  WebhookEndpointRecord endpoint;
  std::string secret;  // shown once
};

class ManageWebhooks {
 public:
  ManageWebhooks(TenantData& data, PersonalDataCipher& cipher, WebhookTargets& targets,
                 IdGenerator& ids)
      : data_(data), cipher_(cipher), targets_(targets), ids_(ids) {}

  [[nodiscard]] boost::asio::awaitable<Outcome<WebhookWithSecret>> create(
      const OperationContext& ctx, NewWebhook w) const;
  [[nodiscard]] boost::asio::awaitable<Outcome<std::vector<WebhookEndpointRecord>>> list(
      const OperationContext& ctx, const std::optional<domain::Uuid>& after, int limit) const;
  [[nodiscard]] boost::asio::awaitable<Outcome<WebhookEndpointRecord>> get(
      const OperationContext& ctx, const domain::Uuid& id) const;
  [[nodiscard]] boost::asio::awaitable<Outcome<WebhookEndpointRecord>> update(
      const OperationContext& ctx, const domain::Uuid& id, WebhookChanges changes) const;
  [[nodiscard]] boost::asio::awaitable<Outcome<void>> remove(const OperationContext& ctx,
                                                             const domain::Uuid& id) const;
  [[nodiscard]] boost::asio::awaitable<Outcome<WebhookWithSecret>> rotate_secret(
      const OperationContext& ctx, const domain::Uuid& id) const;
  [[nodiscard]] boost::asio::awaitable<Outcome<std::vector<WebhookDeliveryRecord>>> deliveries(
      const OperationContext& ctx, const domain::Uuid& id, const std::optional<domain::Uuid>& after,
      int limit) const;
  // 409 webhook-disabled when the endpoint is not active (re-enable it first).
  [[nodiscard]] boost::asio::awaitable<Outcome<WebhookDeliveryRecord>> retry(
      const OperationContext& ctx, const domain::Uuid& id, const domain::Uuid& delivery) const;

  // The field a secret is sealed under (bound to tenant and endpoint).
  static constexpr const char* kSecretField = "webhook.secret";

 private:
  std::string new_secret() const;
  Bytes seal(const WebhookEndpointRecord& e, const domain::Uuid& tenant,
             const std::string& secret) const;
  boost::asio::awaitable<std::vector<FieldIssue>> check(const OperationContext& ctx,
                                                        const std::string* url,
                                                        const std::vector<std::string>* events,
                                                        const std::optional<std::string>* d) const;

  TenantData& data_;
  PersonalDataCipher& cipher_;
  WebhookTargets& targets_;
  IdGenerator& ids_;
};

}  // namespace brandos::application
