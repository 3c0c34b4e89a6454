#pragma once
// HTTP mapping of webhook endpoints and their deliveries (API.md "Events and webhooks").
#include <boost/json/object.hpp>

#include "api/router.hpp"
#include "application/webhooks/manage_webhooks.hpp"

namespace brandos::api {

// {"url", "events": [...], "description"?}; problems go to `issues`.
application::NewWebhook read_new_webhook(const boost::json::object& body,
                                         std::vector<application::FieldIssue>& issues);
// {"url"?, "events"?, "description"? (null clears), "active"?}
application::WebhookChanges read_webhook_changes(const boost::json::object& body,
                                                 std::vector<application::FieldIssue>& issues);

void add_webhook_routes(Router& router, const application::ManageWebhooks& webhooks);

}  // namespace brandos::api
