#include "application/events/tenant_events.hpp"

#include <gtest/gtest.h>

namespace brandos::application {
namespace {

domain::Uuid id(std::uint8_t n) {
  domain::Uuid::Bytes b{};
  b[15] = n;
  return domain::Uuid(b);
}

PublishedEvent event(std::uint8_t n, std::uint8_t tenant, const char* type = "order.created") {
  PublishedEvent e;
  e.id = id(n);
  e.tenant_id = id(100 + tenant);
  e.type = type;
  return e;
}

TEST(TenantEvents, GroupsByTenantInStreamOrderAndKeepsEachEventOnce) {
  const std::vector<PublishedEvent> events = {event(1, 2), event(2, 1), event(3, 2), event(1, 2),
                                              event(4, 1, "product.created")};
  const auto groups =
      events_by_tenant(events, [](const PublishedEvent& e) { return e.type == "order.created"; });
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].tenant, id(102));
  EXPECT_EQ(groups[0].ids, (std::vector<domain::Uuid>{id(1), id(3)}));
  ASSERT_EQ(groups[0].events.size(), 2u);
  EXPECT_EQ(groups[0].events[1], &events[2]);
  EXPECT_EQ(groups[1].tenant, id(101));
  EXPECT_EQ(groups[1].ids, (std::vector<domain::Uuid>{id(2)}));
}

TEST(TenantEvents, AnEventsTraceIsNamedByItsId) {
  const auto e = *domain::Uuid::parse("01a220e3-3abd-7000-a406-59b1ccaa556d");
  EXPECT_EQ(event_traceparent(e), "00-01a220e33abd7000a40659b1ccaa556d-a40659b1ccaa556d-01");
  EXPECT_EQ(event_traceparent(domain::Uuid{}),
            "00-00000000000000000000000000000000-0000000000000001-01");
}

}  // namespace
}  // namespace brandos::application
