#include "domain/identity/credentials.hpp"

#include <gtest/gtest.h>

#include "domain/identity/role.hpp"

namespace brandos::domain {
namespace {

TEST(Email, NormalisesAndValidates) {
  EXPECT_EQ(normalise_email("  Alice@Example.COM "), "alice@example.com");
  for (const char* bad : {"", "a@b", "@x.io", "a@", "a@@x.io", "a b@x.io", "a@x..io", "a@.x.io",
                          "a@x.io.", "a\n@x.io"})
    EXPECT_FALSE(normalise_email(bad)) << bad;
  EXPECT_FALSE(normalise_email(std::string(65, 'a') + "@x.io"));
}

TEST(Slug, FollowsThePattern) {
  EXPECT_TRUE(valid_slug("acme"));
  EXPECT_TRUE(valid_slug("a1-b2"));
  EXPECT_FALSE(valid_slug("a"));
  EXPECT_FALSE(valid_slug("-acme"));
  EXPECT_FALSE(valid_slug("Acme"));
  EXPECT_FALSE(valid_slug("ac_me"));
  EXPECT_FALSE(valid_slug(std::string(64, 'a')));
  EXPECT_TRUE(valid_slug(std::string(63, 'a')));
}

TEST(Utf8, CountsCodePointsAndRejectsInvalidSequences) {
  EXPECT_EQ(utf8_length("żółw"), 4u);
  EXPECT_EQ(utf8_length("🙂"), 1u);
  EXPECT_FALSE(utf8_length("\xC0\xAF"));      // overlong
  EXPECT_FALSE(utf8_length("\xED\xA0\x80"));  // surrogate
  EXPECT_FALSE(utf8_length("\xE2\x82"));      // truncated
}

TEST(PasswordShape, AppliesLengthInCodePointsAndPersonalParts) {
  EXPECT_EQ(check_password_shape("short", "a@x.io", "acme"), PasswordProblem::too_short);
  // 12 code points but 24 bytes: long enough.
  EXPECT_FALSE(check_password_shape("żżżżżżżżżżżż", "a@x.io", "acme"));
  EXPECT_EQ(check_password_shape(std::string(129, 'x'), "a@x.io", "acme"),
            PasswordProblem::too_long);
  EXPECT_EQ(check_password_shape("my-ALICE-is-long-enough", "alice@x.io", "acme"),
            PasswordProblem::contains_email_local_part);
  EXPECT_EQ(check_password_shape("we love AcmeWear forever", "bob@x.io", "acmewear"),
            PasswordProblem::contains_tenant_slug);
  EXPECT_EQ(check_password_shape("bad\x01password-long", "bob@x.io", "acme"),
            PasswordProblem::invalid_text);
  EXPECT_FALSE(check_password_shape("violet-harbour-tangent-42", "bob@x.io", "acme"));
}

TEST(Roles, AreOrderedAndInheritPermissions) {
  EXPECT_TRUE(has_permission(Role::viewer, Permission::orders_read));
  EXPECT_FALSE(has_permission(Role::viewer, Permission::orders_write));
  EXPECT_TRUE(has_permission(Role::staff, Permission::orders_write));
  EXPECT_FALSE(has_permission(Role::staff, Permission::users_read));
  EXPECT_TRUE(has_permission(Role::manager, Permission::users_read));
  EXPECT_FALSE(has_permission(Role::manager, Permission::users_write));
  EXPECT_TRUE(has_permission(Role::admin, Permission::audit_read));
  EXPECT_TRUE(has_permission(Role::owner, Permission::tenant_write));
  EXPECT_EQ(permission_names(Role::viewer).size(), 4u);
  EXPECT_EQ(permission_names(Role::owner).size(), 19u);
}

TEST(Roles, OnlyStrictlyLowerRolesMayBeManaged) {
  EXPECT_TRUE(may_manage_role(Role::admin, Role::manager));
  EXPECT_FALSE(may_manage_role(Role::admin, Role::admin));
  EXPECT_FALSE(may_manage_role(Role::admin, Role::owner));
  EXPECT_TRUE(may_manage_role(Role::owner, Role::admin));
  EXPECT_FALSE(may_manage_role(Role::viewer, Role::viewer));
  for (const char* r : {"owner", "admin", "manager", "staff", "viewer"})
    EXPECT_STREQ(to_string(*parse_role(r)), r);
  EXPECT_FALSE(parse_role("root"));
}

}  // namespace
}  // namespace brandos::domain
