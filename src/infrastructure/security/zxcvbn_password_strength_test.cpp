#include "infrastructure/security/zxcvbn_password_strength.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include "application/identity/password_policy.hpp"
#include "infrastructure/crypto/argon2_password_hasher.hpp"

namespace brandos::security {
namespace {

TEST(PasswordStrength, ShipsTheCommonPasswordList) {
  const ZxcvbnPasswordStrength s;
  EXPECT_GE(s.common_list_size(), 3000u);
  EXPECT_TRUE(s.is_common("password"));
  EXPECT_TRUE(s.is_common("PassWord"));  // case-insensitive
  EXPECT_FALSE(s.is_common("violet harbour tangent 42"));
}

TEST(PasswordStrength, EstimatesGuessability) {
  const ZxcvbnPasswordStrength s;
  for (const char* weak :
       {"Password2024", "qwertyuiop123", "1234567890123", "aaaaaaaaaaaaaa", "iloveyou2020!"})
    EXPECT_LT(s.entropy_bits(weak, {}), application::kMinPasswordEntropyBits) << weak;
  for (const char* strong :
       {"violet harbour tangent 42", "copper lantern mosaic 77", "tQ8#mZ2!vR9@"})
    EXPECT_GE(s.entropy_bits(strong, {}), application::kMinPasswordEntropyBits) << strong;
  // Personal words count as known: a password built from them is weak.
  EXPECT_LT(s.entropy_bits("harbourview2023", {"harbourview"}),
            s.entropy_bits("harbourview2023", {}));
}

TEST(PasswordPolicy, CombinesShapeListAndStrength) {
  const ZxcvbnPasswordStrength s;
  using application::password_policy_violation;
  EXPECT_FALSE(
      password_policy_violation("violet harbour tangent 42", "olga@acme.test", "acme", "Olga", s));
  EXPECT_TRUE(password_policy_violation("Password2024", "olga@acme.test", "acme", "Olga", s));
  EXPECT_TRUE(
      password_policy_violation("olga-is-the-best-2024", "olga@acme.test", "shop", "Olga", s));
  EXPECT_TRUE(password_policy_violation("acme forever and ever", "x@y.test", "acme", "X", s));
}

TEST(Argon2PasswordHasher, UsesArgon2idWithAtLeastTheRequiredCost) {
  ASSERT_GE(sodium_init(), 0);
  const std::string h = crypto::Argon2PasswordHasher::hash_now("violet harbour tangent 42");
  EXPECT_EQ(h.rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u) << h;
  EXPECT_TRUE(crypto::Argon2PasswordHasher::verify_now("violet harbour tangent 42", h));
  EXPECT_FALSE(crypto::Argon2PasswordHasher::verify_now("violet harbour tangent 43", h));
  EXPECT_FALSE(crypto::Argon2PasswordHasher::verify_now("x", "$2b$10$notargon"));
  EXPECT_NE(h, crypto::Argon2PasswordHasher::hash_now("violet harbour tangent 42"));  // salted
}

}  // namespace
}  // namespace brandos::security
