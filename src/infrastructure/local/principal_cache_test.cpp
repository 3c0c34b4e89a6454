#include "infrastructure/local/principal_cache.hpp"

#include <gtest/gtest.h>

namespace brandos::local {
namespace {

const domain::Uuid kTenant = *domain::Uuid::parse("018f0000-0000-7000-8000-00000000000a");
const domain::Uuid kUser = *domain::Uuid::parse("018f0000-0000-7000-8000-0000000000ee");
const application::Principal kStaff{kTenant, kUser, domain::Role::staff, "s@x.test", "S"};

struct ListeningCache : PrincipalCache {
  ListeningCache() : PrincipalCache(std::chrono::minutes(1)) { set_listening(true); }
};

TEST(PrincipalCache, ServesNothingWhileNotListening) {
  PrincipalCache c(std::chrono::minutes(1));
  c.store(kStaff, c.generation());
  EXPECT_FALSE(c.find(kTenant, kUser));
  c.set_listening(true);
  EXPECT_FALSE(c.find(kTenant, kUser));  // listening starts empty
  c.store(kStaff, c.generation());
  EXPECT_EQ(c.find(kTenant, kUser)->role, domain::Role::staff);
  c.set_listening(false);  // the notification connection dropped
  EXPECT_FALSE(c.find(kTenant, kUser));
  // Every lookup is counted, as a hit or a miss.
  EXPECT_EQ(c.hits(), 1u);
  EXPECT_EQ(c.misses(), 3u);
}

TEST(PrincipalCache, ANotificationEvictsItsUser) {
  ListeningCache c;
  c.store(kStaff, c.generation());
  c.evict(kTenant.to_string() + ":" + kUser.to_string());
  EXPECT_FALSE(c.find(kTenant, kUser));
  c.store(kStaff, c.generation());
  c.evict("not a tenant and user");  // cannot tell whom: forget everyone
  EXPECT_FALSE(c.find(kTenant, kUser));
}

TEST(PrincipalCache, AReadThatRacedAChangeIsNotKept) {
  ListeningCache c;
  const auto before = c.generation();  // a lookup starts, reads the old role...
  c.evict(kTenant, kUser);             // ...the change commits and is announced...
  c.store(kStaff, before);             // ...and the old role arrives late
  EXPECT_FALSE(c.find(kTenant, kUser));
}

TEST(PrincipalCache, EntriesExpire) {
  PrincipalCache c(std::chrono::milliseconds(0));
  c.set_listening(true);
  c.store(kStaff, c.generation());
  EXPECT_FALSE(c.find(kTenant, kUser));
}

}  // namespace
}  // namespace brandos::local
