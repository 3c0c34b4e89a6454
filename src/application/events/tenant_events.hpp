#pragma once
// What the consumers share: a delivery's events split by tenant (tenants in the order they first
// appear, each tenant's events in the stream's order), each event once even when the delivery
// holds it twice (republished before its confirm), and the trace an event starts.
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "application/ports/event_stream.hpp"

namespace brandos::application {

struct TenantEvents {
  domain::Uuid tenant;
  std::vector<const PublishedEvent*> events;
  std::vector<domain::Uuid> ids;  // of `events`, for the inbox
};

// The events `wanted` keeps, by tenant.
std::vector<TenantEvents> events_by_tenant(
    std::span<const PublishedEvent> events,
    const std::function<bool(const PublishedEvent&)>& wanted);

// W3C traceparent for an event that carries no trace of its own: a trace named by the event id
// (broker headers and webhooks carry the same one).
std::string event_traceparent(const domain::Uuid& event_id);

}  // namespace brandos::application
