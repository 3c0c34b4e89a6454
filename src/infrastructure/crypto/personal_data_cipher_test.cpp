#include "infrastructure/crypto/personal_data_cipher.hpp"

#include <gtest/gtest.h>

#include <sodium.h>
#include <algorithm>

namespace brandos::crypto {
namespace {

const auto kTenant = *domain::Uuid::parse("018f0000-0000-7000-8000-00000000000a");
const auto kOther = *domain::Uuid::parse("018f0000-0000-7000-8000-00000000000b");
const auto kCustomer = *domain::Uuid::parse("018f0000-0000-7000-8000-0000000000c1");
const auto kCustomer2 = *domain::Uuid::parse("018f0000-0000-7000-8000-0000000000c2");

MasterKey key(const char* kid, std::uint8_t fill) {
  MasterKey m{kid, {}};
  m.key.fill(fill);
  return m;
}

TEST(PersonalDataCipher, SealsAndOpensBoundToTenantCustomerAndField) {
  ASSERT_GE(sodium_init(), 0);
  SodiumPersonalDataCipher c({key("m1", 1)}, {});
  const auto k = c.new_data_key(kTenant, kCustomer);
  const auto sealed = c.seal(k, kTenant, kCustomer, "name", "Zoë Canary");
  EXPECT_EQ(c.open(k, kTenant, kCustomer, "name", sealed), "Zoë Canary");
  EXPECT_FALSE(c.open(k, kTenant, kCustomer, "email", sealed));  // another field
  EXPECT_FALSE(c.open(k, kOther, kCustomer, "name", sealed));    // another tenant
  EXPECT_FALSE(c.open(k, kTenant, kCustomer2, "name", sealed));  // another customer
  auto tampered = sealed;
  tampered.back() ^= 1;
  EXPECT_FALSE(c.open(k, kTenant, kCustomer, "name", tampered));
  EXPECT_NE(c.seal(k, kTenant, kCustomer, "name", "Zoë Canary"), sealed);  // fresh nonce
  const std::string_view plain = "Zoë Canary";
  EXPECT_EQ(std::search(sealed.begin(), sealed.end(), plain.begin(), plain.end()), sealed.end());
}

TEST(PersonalDataCipher, MasterKeysRotateByKeyId) {
  SodiumPersonalDataCipher old_only({key("m1", 1)}, {});
  const auto k = old_only.new_data_key(kTenant, kCustomer);
  const auto sealed = old_only.seal(k, kTenant, kCustomer, "email", "a@b.test");
  SodiumPersonalDataCipher rotated({key("m2", 2), key("m1", 1)}, {});
  EXPECT_EQ(rotated.open(k, kTenant, kCustomer, "email", sealed), "a@b.test");
  EXPECT_EQ(rotated.new_data_key(kTenant, kCustomer).key_id, "m2");
  SodiumPersonalDataCipher without_old({key("m2", 2)}, {});
  EXPECT_FALSE(without_old.open(k, kTenant, kCustomer, "email", sealed));
}

TEST(PersonalDataCipher, BlindIndexIsKeyedAndTenantScoped) {
  std::array<std::uint8_t, 32> ik{};
  ik.fill(7);
  SodiumPersonalDataCipher c({key("m1", 1)}, ik);
  EXPECT_EQ(c.email_index(kTenant, "a@b.test"), c.email_index(kTenant, "a@b.test"));
  EXPECT_NE(c.email_index(kTenant, "a@b.test"), c.email_index(kOther, "a@b.test"));
  ik.fill(8);
  SodiumPersonalDataCipher other_key({key("m1", 1)}, ik);
  EXPECT_NE(c.email_index(kTenant, "a@b.test"), other_key.email_index(kTenant, "a@b.test"));
}

}  // namespace
}  // namespace brandos::crypto
