// Black-box tests of tenancy and identity over HTTP against the real binary and PostgreSQL:
// sign-up, login, tokens and their attacks, refresh rotation, roles and escalation, the audit
// log, rate limits, and tenant isolation as a property.
#include <gtest/gtest.h>
#include <sodium.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <random>
#include <set>
#include <thread>

#include "support/api_client.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace brandos::testing {
namespace {

namespace json = boost::json;

constexpr const char* kKeyBase64 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";  // 32 bytes
const std::vector<unsigned char> kKey = [] {
  std::vector<unsigned char> k(32);
  for (int i = 0; i < 32; ++i) k[i] = static_cast<unsigned char>(i);
  return k;
}();

const char* kPassword = "violet harbour tangent 42";

struct Tenant {
  std::string slug;
  std::string id;
  std::string owner_id;
  std::string owner_email;
  std::string owner_token;
};

class IdentityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_GE(sodium_init(), 0);
    server_ =
        new TestServer({"--jwt-keys", std::string("k1=") + kKeyBase64, "--sign-ups-per-hour-per-ip",
                        "1000", "--login-attempts-per-minute-per-ip", "1000"});
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  ApiClient api() { return ApiClient(server_->process.port()); }

  std::string unique(const std::string& prefix) {
    static int n = 0;
    return prefix + "-" + std::to_string(getpid()) + "-" + std::to_string(++n);
  }

  Tenant sign_up() {
    Tenant t;
    t.slug = unique("brand");
    t.owner_email = "owner@" + t.slug + ".test";
    auto r = api().post(
        "/v1/tenants",
        json::object{
            {"name", "Brand " + t.slug},
            {"slug", t.slug},
            {"owner",
             {{"email", t.owner_email}, {"password", kPassword}, {"name", "Olga Owner"}}}});
    EXPECT_EQ(r.status, 201) << r.raw.body;
    t.id = str(r.body.at("tenant"), "id");
    t.owner_id = str(r.body.at("user"), "id");
    t.owner_token = login(t.slug, t.owner_email, kPassword).first;
    return t;
  }

  std::pair<std::string, std::string> login(const std::string& slug, const std::string& email,
                                            const std::string& password) {
    auto r = api().post("/v1/auth/login",
                        json::object{{"tenant", slug}, {"email", email}, {"password", password}});
    EXPECT_EQ(r.status, 200) << r.raw.body;
    return {str(r.body, "access_token"), str(r.body, "refresh_token")};
  }

  // Creates a user with `role` as the owner and logs them in: {id, token}.
  std::pair<std::string, std::string> add_user(const Tenant& t, const std::string& role) {
    const std::string email = unique(role) + "@" + t.slug + ".test";
    auto r = api().post(
        "/v1/users",
        json::object{
            {"email", email}, {"name", "U " + role}, {"password", kPassword}, {"role", role}},
        t.owner_token);
    EXPECT_EQ(r.status, 201) << r.raw.body;
    return {str(r.body, "id"), login(t.slug, email, kPassword).first};
  }

  std::vector<json::value> audit(const Tenant& t, const std::string& action) {
    auto r = api().get("/v1/audit-events?limit=100&action=" + action, t.owner_token);
    EXPECT_EQ(r.status, 200) << r.raw.body;
    std::vector<json::value> out;
    for (const auto& e : r.body.at("data").as_array()) out.push_back(e);
    return out;
  }

  static TestServer* server_;
};
TestServer* IdentityTest::server_ = nullptr;

TEST_F(IdentityTest, SignUpCreatesTheTenantAndItsOwner) {
  const std::string slug = unique("signup");
  auto r = api().post(
      "/v1/tenants",
      json::object{
          {"name", "Acme"},
          {"slug", slug},
          {"owner", {{"email", "Olga@Acme.test"}, {"password", kPassword}, {"name", "Olga"}}}});
  ASSERT_EQ(r.status, 201) << r.raw.body;
  EXPECT_EQ(str(r.body.at("tenant"), "slug"), slug);
  EXPECT_EQ(str(r.body.at("user"), "role"), "owner");
  EXPECT_EQ(str(r.body.at("user"), "email"), "olga@acme.test");
  EXPECT_FALSE(r.body.at("user").as_object().contains("password_hash"));
  EXPECT_TRUE(str(r.body.at("tenant"), "created_at").ends_with("Z"));

  auto again = api().post(
      "/v1/tenants",
      json::object{{"name", "Acme"},
                   {"slug", slug},
                   {"owner", {{"email", "x@y.test"}, {"password", kPassword}, {"name", "X"}}}});
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(str(again.body, "type"), "https://brandos.dev/problems/slug-taken");
}

TEST_F(IdentityTest, SignUpValidatesEveryFieldAndThePasswordPolicy) {
  auto bad = [&](json::object body, const std::string& field) {
    auto r = api().post("/v1/tenants", body);
    EXPECT_TRUE(has_field_error(r, field)) << field << " in " << r.raw.body;
  };
  const std::string slug = unique("valid");
  auto with_password = [&](const std::string& pw, const std::string& email = "alice@shop.test") {
    return json::object{{"name", "N"},
                        {"slug", slug},
                        {"owner", {{"email", email}, {"password", pw}, {"name", "Alice"}}}};
  };
  bad(with_password("short-pw"), "owner.password");                       // < 12
  bad(with_password(std::string(129, 'x')), "owner.password");            // > 128
  bad(with_password("Password2024"), "owner.password");                   // word + year
  bad(with_password("qwertyuiop123"), "owner.password");                  // keyboard run
  bad(with_password("1234567890123"), "owner.password");                  // sequence
  bad(with_password("alice-rocks-the-store-9"), "owner.password");        // e-mail local part
  bad(with_password("we sell at " + slug + " 4ever"), "owner.password");  // tenant slug
  bad(json::object{{"name", "N"},
                   {"slug", "Bad_Slug"},
                   {"owner", {{"email", "a@b.test"}, {"password", kPassword}, {"name", "A"}}}},
      "slug");
  bad(json::object{{"name", "N"},
                   {"slug", slug},
                   {"owner", {{"email", "not-an-email"}, {"password", kPassword}, {"name", "A"}}}},
      "owner.email");
  bad(json::object{{"name", "N"}, {"slug", slug}}, "owner");
  bad(json::object{{"name", "N"},
                   {"slug", slug},
                   {"owner", {{"email", "a@b.test"}, {"password", kPassword}, {"name", "A"}}},
                   {"plan", "gold"}},
      "plan");
  bad(json::object{{"name", 5},
                   {"slug", slug},
                   {"owner", {{"email", "a@b.test"}, {"password", kPassword}, {"name", "A"}}}},
      "name");
  // A strong passphrase passes (12 code points of non-ASCII text count as 12, not as bytes).
  auto ok = api().post("/v1/tenants", with_password("żółte jabłka spadają 7"));
  EXPECT_EQ(ok.status, 201) << ok.raw.body;

  // Media type and JSON errors come before validation.
  auto r = http_request(server_->process.direct_port(), "POST", "/v1/tenants",
                        {{"Content-Type", "text/plain"}}, "{}");
  EXPECT_EQ(r->status, 415);
  r = http_request(server_->process.direct_port(), "POST", "/v1/tenants",
                   {{"Content-Type", "application/json"}}, "{\"a\":");
  EXPECT_EQ(r->status, 400);
}

TEST_F(IdentityTest, LoginReturnsTokensAndOneAnswerForEveryKindOfWrong) {
  const Tenant t = sign_up();
  auto r = api().post("/v1/auth/login", json::object{{"tenant", t.slug},
                                                     {"email", "OWNER@" + t.slug + ".TEST"},
                                                     {"password", kPassword}});
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(str(r.body, "token_type"), "Bearer");
  EXPECT_EQ(r.body.at("expires_in").as_int64(), 900);
  EXPECT_FALSE(str(r.body, "refresh_token").empty());
  EXPECT_EQ(r.raw.header("Cache-Control"), "no-store");

  std::set<std::string> details;
  for (const auto& [tenant, email, pw] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {t.slug, t.owner_email, "wrong password 123!"},
           {t.slug, "nobody@" + t.slug + ".test", kPassword},
           {"no-such-tenant-" + t.slug, t.owner_email, kPassword}}) {
    auto w = api().post("/v1/auth/login",
                        json::object{{"tenant", tenant}, {"email", email}, {"password", pw}});
    EXPECT_EQ(w.status, 401);
    EXPECT_EQ(w.raw.header("WWW-Authenticate"), "Bearer");
    details.insert(str(w.body, "detail"));
  }
  EXPECT_EQ(details.size(), 1u);
  EXPECT_EQ(audit(t, "auth.login_failed").size(), 2u);  // the unknown tenant has no log to write to
}

TEST_F(IdentityTest, FiveFailuresLockTheAccountAndAreAudited) {
  const Tenant t = sign_up();
  for (int i = 0; i < 5; ++i) {
    auto w = api().post("/v1/auth/login", json::object{{"tenant", t.slug},
                                                       {"email", t.owner_email},
                                                       {"password", "nope nope nope 1"}});
    EXPECT_EQ(w.status, 401) << i;
  }
  auto locked = api().post(
      "/v1/auth/login",
      json::object{{"tenant", t.slug}, {"email", t.owner_email}, {"password", kPassword}});
  EXPECT_EQ(locked.status, 429);
  const auto retry = locked.raw.header("Retry-After");
  ASSERT_TRUE(retry);
  EXPECT_GT(std::stoi(*retry), 0);
  EXPECT_LE(std::stoi(*retry), 15 * 60);
  EXPECT_GE(audit(t, "auth.login_locked").size(), 2u);  // when it locked, and the refused attempt
}

TEST_F(IdentityTest, MeShowsUserTenantAndPermissions) {
  const Tenant t = sign_up();
  auto [viewer_id, viewer_token] = add_user(t, "viewer");
  auto me = api().get("/v1/me", viewer_token);
  ASSERT_EQ(me.status, 200) << me.raw.body;
  EXPECT_EQ(str(me.body.at("user"), "id"), viewer_id);
  EXPECT_EQ(str(me.body.at("user"), "role"), "viewer");
  EXPECT_EQ(str(me.body.at("tenant"), "id"), t.id);
  std::set<std::string> perms;
  for (const auto& p : me.body.at("permissions").as_array())
    perms.insert(std::string(p.as_string()));
  EXPECT_EQ(perms, (std::set<std::string>{"products:read", "customers:read", "orders:read",
                                          "payments:read"}));
  EXPECT_EQ(api().get("/v1/me", "").status, 401);
}

std::string b64url(std::string_view s) {
  std::string out(sodium_base64_encoded_len(s.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(s.data()),
                    s.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.find('\0'));
  return out;
}

std::string hs256(const json::object& header, const json::object& claims,
                  const std::vector<unsigned char>& key) {
  const std::string input = b64url(json::serialize(header)) + "." + b64url(json::serialize(claims));
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, key.data(), key.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(input.data()),
                                input.size());
  crypto_auth_hmacsha256_final(&st, mac);
  return input + "." + b64url(std::string_view(reinterpret_cast<char*>(mac), sizeof mac));
}

TEST_F(IdentityTest, ForgedAndInvalidAccessTokensAreRejected) {
  const Tenant t = sign_up();
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  const json::object header{{"alg", "HS256"}, {"typ", "at+jwt"}, {"kid", "k1"}};
  auto claims = [&] {
    return json::object{{"iss", "brandos"}, {"aud", "brandos-api"}, {"sub", t.owner_id},
                        {"tid", t.id},      {"role", "owner"},      {"jti", "j"},
                        {"iat", now},       {"nbf", now},           {"exp", now + 600}};
  };
  // The baseline: a token the test signs with the server's key is accepted.
  ASSERT_EQ(api().get("/v1/me", hs256(header, claims(), kKey)).status, 200);

  std::vector<std::pair<std::string, std::string>> attacks;
  attacks.emplace_back("alg none", b64url(R"({"alg":"none","typ":"at+jwt","kid":"k1"})") + "." +
                                       b64url(json::serialize(claims())) + ".");
  attacks.emplace_back("another key",
                       hs256(header, claims(), std::vector<unsigned char>(32, 0x42)));
  auto expired = claims();
  expired["exp"] = now - 1;
  attacks.emplace_back("expired", hs256(header, expired, kKey));
  auto aud = claims();
  aud["aud"] = "other-service";
  attacks.emplace_back("wrong aud", hs256(header, aud, kKey));
  auto iss = claims();
  iss["iss"] = "evil";
  attacks.emplace_back("wrong iss", hs256(header, iss, kKey));
  auto typ = header;
  typ["typ"] = "JWT";
  attacks.emplace_back("wrong typ", hs256(typ, claims(), kKey));
  auto hs512 = header;
  hs512["alg"] = "HS512";
  attacks.emplace_back("other alg", hs256(hs512, claims(), kKey));
  const std::string good = t.owner_token;
  const auto d1 = good.find('.'), d2 = good.rfind('.');
  auto c = claims();
  c["tid"] = "018f0000-0000-7000-8000-0000000000aa";
  attacks.emplace_back("tampered payload",
                       good.substr(0, d1) + "." + b64url(json::serialize(c)) + good.substr(d2));
  attacks.emplace_back("garbage", "not.a.token");
  for (const auto& [name, token] : attacks) {
    auto r = api().get("/v1/me", token);
    EXPECT_EQ(r.status, 401) << name;
    EXPECT_EQ(r.raw.header("WWW-Authenticate"), "Bearer") << name;
  }
}

TEST_F(IdentityTest, RefreshRotatesAndReuseRevokesTheFamily) {
  const Tenant t = sign_up();
  auto [access, refresh1] = login(t.slug, t.owner_email, kPassword);
  auto r = api().post("/v1/auth/refresh", json::object{{"refresh_token", refresh1}});
  ASSERT_EQ(r.status, 200) << r.raw.body;
  const std::string refresh2 = str(r.body, "refresh_token");
  EXPECT_NE(refresh2, refresh1);
  EXPECT_EQ(api().get("/v1/me", str(r.body, "access_token")).status, 200);

  auto r3 = api().post("/v1/auth/refresh", json::object{{"refresh_token", refresh2}});
  ASSERT_EQ(r3.status, 200) << r3.raw.body;
  const std::string refresh3 = str(r3.body, "refresh_token");

  // A spent token whose successor was used is presented again: someone kept a copy. 401, and
  // the newest token dies with the family.
  EXPECT_EQ(api().post("/v1/auth/refresh", json::object{{"refresh_token", refresh1}}).status, 401);
  EXPECT_EQ(api().post("/v1/auth/refresh", json::object{{"refresh_token", refresh3}}).status, 401);
  EXPECT_EQ(audit(t, "auth.refresh_reuse").size(), 1u);
  EXPECT_EQ(api().post("/v1/auth/refresh", json::object{{"refresh_token", "made-up"}}).status, 401);
}

// Two tabs refreshing with the same token at once both get the one successor; nothing is taken
// for reuse, and the successor works.
TEST_F(IdentityTest, ParallelRefreshesWithOneTokenGetTheSameSuccessor) {
  const Tenant t = sign_up();
  const auto [access, refresh] = login(t.slug, t.owner_email, kPassword);
  std::vector<ApiResponse> answers(6);
  std::vector<std::thread> tabs;
  for (auto& a : answers)
    tabs.emplace_back([&a, token = refresh, this] {
      a = api().post("/v1/auth/refresh", json::object{{"refresh_token", token}});
    });
  for (auto& tab : tabs) tab.join();
  std::set<std::string> successors;
  for (const auto& a : answers) {
    EXPECT_EQ(a.status, 200) << a.raw.body;
    successors.insert(str(a.body, "refresh_token"));
    EXPECT_EQ(api().get("/v1/me", str(a.body, "access_token")).status, 200);
  }
  EXPECT_EQ(successors.size(), 1u);
  EXPECT_TRUE(audit(t, "auth.refresh_reuse").empty());
  EXPECT_EQ(audit(t, "auth.refresh_grace").size(), answers.size() - 1);  // each second answer
  EXPECT_EQ(
      api().post("/v1/auth/refresh", json::object{{"refresh_token", *successors.begin()}}).status,
      200);
}

TEST_F(IdentityTest, LogoutRevokesTheFamily) {
  const Tenant t = sign_up();
  auto [access, refresh] = login(t.slug, t.owner_email, kPassword);
  auto out = api().post("/v1/auth/logout", json::object{{"refresh_token", refresh}});
  EXPECT_EQ(out.status, 204) << out.raw.body;
  EXPECT_EQ(api().post("/v1/auth/refresh", json::object{{"refresh_token", refresh}}).status, 401);
  EXPECT_EQ(audit(t, "auth.logout").size(), 1u);
}

// Every actor role × every target role × every user-management action: the rule of API.md
// (admin+ manage users; only roles strictly below one's own) or a 403 with an audit row.
TEST_F(IdentityTest, RoleMatrixForUserManagement) {
  const std::vector<std::string> roles = {"owner", "admin", "manager", "staff", "viewer"};
  auto rank = [&](const std::string& r) {
    return 4 - static_cast<int>(std::find(roles.begin(), roles.end(), r) - roles.begin());
  };
  const Tenant t = sign_up();
  std::map<std::string, std::string> actor_token;
  actor_token["owner"] = t.owner_token;
  for (const auto& r : {"admin", "manager", "staff", "viewer"})
    actor_token[r] = add_user(t, r).second;

  int denials = 0;
  for (const auto& actor : roles) {
    const bool writes = rank(actor) >= 3;
    for (const auto& target : roles) {
      const bool allowed = writes && rank(actor) > rank(target);
      // create
      auto c = api().post("/v1/users",
                          json::object{{"email", unique("m") + "@" + t.slug + ".test"},
                                       {"name", "M"},
                                       {"password", kPassword},
                                       {"role", target}},
                          actor_token[actor]);
      EXPECT_EQ(c.status, allowed ? 201 : 403)
          << actor << " creates " << target << ": " << c.raw.body;
      denials += c.status == 403;
      if (target == "owner") continue;  // there is exactly one owner; it cannot be created
      // change and delete an existing user of the target role (made by the owner)
      const auto [victim, victim_token] = add_user(t, target);
      const std::string new_role = target == "viewer" ? "staff" : "viewer";
      const bool may_change = allowed && rank(actor) > rank(new_role);
      auto p =
          api().patch("/v1/users/" + victim, json::object{{"role", new_role}}, actor_token[actor]);
      EXPECT_EQ(p.status, may_change ? 200 : 403)
          << actor << " changes " << target << ": " << p.raw.body;
      denials += p.status == 403;
      auto d = api().del("/v1/users/" + victim, actor_token[actor]);
      EXPECT_EQ(d.status, allowed ? 204 : 403)
          << actor << " deletes " << target << ": " << d.raw.body;
      denials += d.status == 403;
    }
    // Nobody may change their own role.
    if (actor != "owner") {
      auto me = api().get("/v1/me", actor_token[actor]);
      const std::string my_id = str(me.body.at("user"), "id");
      auto self =
          api().patch("/v1/users/" + my_id, json::object{{"role", "viewer"}}, actor_token[actor]);
      EXPECT_EQ(self.status, 403) << actor;
      denials += self.status == 403;
    }
  }
  const auto escalations = audit(t, "security.role_escalation_denied").size();
  const auto permissions = audit(t, "security.permission_denied").size();
  EXPECT_EQ(static_cast<int>(escalations + permissions), denials);
  EXPECT_GT(escalations, 0u);
  EXPECT_GT(permissions, 0u);
}

TEST_F(IdentityTest, DeletedUsersAndChangedRolesTakeEffectOnTheNextRequest) {
  const Tenant t = sign_up();
  auto [admin_id, admin_token] = add_user(t, "admin");
  EXPECT_EQ(api().get("/v1/users", admin_token).status, 200);
  ASSERT_EQ(
      api().patch("/v1/users/" + admin_id, json::object{{"role", "viewer"}}, t.owner_token).status,
      200);
  EXPECT_EQ(api().get("/v1/users", admin_token).status, 403);  // same token, new role
  ASSERT_EQ(api().del("/v1/users/" + admin_id, t.owner_token).status, 204);
  EXPECT_EQ(api().get("/v1/me", admin_token).status, 401);
  EXPECT_EQ(api().get("/v1/users/" + admin_id, t.owner_token).status, 404);
  EXPECT_EQ(audit(t, "user.role_changed").size(), 1u);
  EXPECT_EQ(audit(t, "user.deleted").size(), 1u);
}

TEST_F(IdentityTest, UsersAreListedNewestFirstWithCursors) {
  const Tenant t = sign_up();
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(add_user(t, "staff").first);
  auto page1 = api().get("/v1/users?limit=2", t.owner_token);
  ASSERT_EQ(page1.status, 200);
  ASSERT_EQ(page1.body.at("data").as_array().size(), 2u);
  EXPECT_EQ(str(page1.body.at("data").as_array()[0], "id"), ids[3]);
  const std::string cursor = str(page1.body, "next_cursor");
  auto page2 = api().get("/v1/users?limit=2&cursor=" + cursor, t.owner_token);
  EXPECT_EQ(str(page2.body.at("data").as_array()[0], "id"), ids[1]);
  auto page3 =
      api().get("/v1/users?limit=2&cursor=" + str(page2.body, "next_cursor"), t.owner_token);
  ASSERT_EQ(page3.body.at("data").as_array().size(), 1u);  // the owner
  EXPECT_TRUE(page3.body.at("next_cursor").is_null());
  EXPECT_EQ(api().get("/v1/users?limit=0", t.owner_token).status, 422);
  EXPECT_EQ(api().get("/v1/users?limit=101", t.owner_token).status, 422);
  EXPECT_EQ(api().get("/v1/users?cursor=%%%", t.owner_token).status, 400);
  EXPECT_EQ(api().get("/v1/users?cursor=bm9wZQ", t.owner_token).status, 400);
  const Tenant other = sign_up();  // another tenant's cursor is foreign
  EXPECT_EQ(api().get("/v1/users?cursor=" + cursor, other.owner_token).status, 400);
}

TEST_F(IdentityTest, CreatingAUserValidatesAndRefusesATakenEmail) {
  const Tenant t = sign_up();
  const json::object user{{"email", "Dup@" + t.slug + ".test"},
                          {"name", "D"},
                          {"password", kPassword},
                          {"role", "staff"}};
  ASSERT_EQ(api().post("/v1/users", user, t.owner_token).status, 201);
  auto dup = api().post("/v1/users", user, t.owner_token);  // e-mails compare case-insensitively
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(str(dup.body, "type"), "https://brandos.dev/problems/email-taken");
  auto bad = api().post("/v1/users",
                        json::object{{"email", "x@" + t.slug + ".test"},
                                     {"name", "D"},
                                     {"password", "Password2024"},
                                     {"role", "chief"}},
                        t.owner_token);
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(bad.body.at("errors").as_array().size(), 2u);  // password and role
  // The same e-mail in another tenant is fine.
  const Tenant other = sign_up();
  EXPECT_EQ(api().post("/v1/users", user, other.owner_token).status, 201);
}

TEST_F(IdentityTest, AuditLogIsForAdminsAndFilters) {
  const Tenant t = sign_up();
  auto [manager_id, manager_token] = add_user(t, "manager");
  auto [admin_id, admin_token] = add_user(t, "admin");
  EXPECT_EQ(api().get("/v1/audit-events", manager_token).status, 403);
  auto r = api().get("/v1/audit-events?action=user.created", admin_token);
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(r.body.at("data").as_array().size(), 2u);
  const auto& e = r.body.at("data").as_array()[0];
  for (const char* k : {"id", "occurred_at", "actor_user_id", "action", "target_type", "target_id",
                        "ip", "request_id", "outcome", "details"})
    EXPECT_TRUE(e.as_object().contains(k)) << k;
  EXPECT_EQ(str(e, "target_id"), admin_id);
  EXPECT_EQ(str(e, "actor_user_id"), t.owner_id);
  EXPECT_EQ(str(e, "ip"), "127.0.0.1");
}

// Tenant isolation as a property: with several tenants and random users, every attempt by one
// tenant to read, change or delete another's users gets 404, and its lists show none of them.
TEST_F(IdentityTest, NoTenantCanReachAnotherTenantsUsers) {
  std::mt19937 rng(20261127);
  std::vector<Tenant> tenants;
  std::map<std::string, std::vector<std::string>> users_of;  // tenant id -> user ids
  const std::vector<std::string> roles = {"admin", "manager", "staff", "viewer"};
  for (int i = 0; i < 3; ++i) {
    tenants.push_back(sign_up());
    users_of[tenants.back().id].push_back(tenants.back().owner_id);
    const int n = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < n; ++k)
      users_of[tenants.back().id].push_back(
          add_user(tenants.back(), roles[rng() % roles.size()]).first);
  }
  for (const auto& a : tenants) {
    auto list = api().get("/v1/users?limit=100", a.owner_token);
    ASSERT_EQ(list.status, 200);
    std::set<std::string> seen;
    for (const auto& u : list.body.at("data").as_array()) seen.insert(str(u, "id"));
    EXPECT_EQ(seen, std::set<std::string>(users_of[a.id].begin(), users_of[a.id].end()));
    for (const auto& b : tenants) {
      if (b.id == a.id) continue;
      for (const auto& victim : users_of[b.id]) {
        EXPECT_EQ(api().get("/v1/users/" + victim, a.owner_token).status, 404);
        EXPECT_EQ(api()
                      .patch("/v1/users/" + victim, json::object{{"name", "pwned"}}, a.owner_token)
                      .status,
                  404);
        EXPECT_EQ(api().del("/v1/users/" + victim, a.owner_token).status, 404);
      }
    }
  }
  // And nothing changed on the other side.
  for (const auto& b : tenants) {
    auto list = api().get("/v1/users?limit=100", b.owner_token);
    EXPECT_EQ(list.body.at("data").as_array().size(), users_of[b.id].size());
    for (const auto& u : list.body.at("data").as_array()) EXPECT_NE(str(u, "name"), "pwned");
  }
}

TEST(IdentityLimits, TenantTrafficAndSignUpsAreRateLimited) {
  TestServer s({"--tenant-requests-per-minute", "5", "--sign-ups-per-hour-per-ip", "3",
                "--trusted-proxies", "127.0.0.1"});
  ApiClient api(s.process.port());
  auto sign_up = [&](const std::string& slug, const std::string& forwarded_for) {
    return api.post(
        "/v1/tenants",
        json::object{
            {"name", "N"},
            {"slug", slug},
            {"owner", {{"email", "o@" + slug + ".test"}, {"password", kPassword}, {"name", "O"}}}},
        "", {{"X-Forwarded-For", forwarded_for}});
  };
  const std::string base = "rl-" + std::to_string(getpid());
  EXPECT_EQ(sign_up(base + "-a", "198.51.100.1").status, 201);
  EXPECT_EQ(sign_up(base + "-b", "198.51.100.1").status, 201);
  EXPECT_EQ(sign_up(base + "-c", "198.51.100.1").status, 201);
  auto limited = sign_up(base + "-d", "198.51.100.1");
  EXPECT_EQ(limited.status, 429);
  EXPECT_TRUE(limited.raw.header("Retry-After"));
  EXPECT_TRUE(limited.raw.header("RateLimit-Policy"));
  // Another client behind the same trusted proxy has its own budget.
  EXPECT_EQ(sign_up(base + "-e", "198.51.100.2").status, 201);

  auto login = api.post("/v1/auth/login", json::object{{"tenant", base + "-a"},
                                                       {"email", "o@" + base + "-a.test"},
                                                       {"password", kPassword}});
  const std::string token = str(login.body, "access_token");
  for (int i = 0; i < 5; ++i) {
    auto r = api.get("/v1/me", token);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.raw.header("RateLimit-Policy"), "5;w=60");
    EXPECT_TRUE(r.raw.header("RateLimit"));
  }
  auto over = api.get("/v1/me", token);
  EXPECT_EQ(over.status, 429);
  EXPECT_TRUE(over.raw.header("Retry-After"));
}

TEST(IdentityConfig, ProductionRefusesDevelopmentKeys) {
  ServerProcess p;
  p.launch({"serve", "--env", "production"});
  EXPECT_EQ(p.wait_exit(std::chrono::seconds(20)), std::optional<int>(2));
  EXPECT_NE(p.log().find("BRANDOS_JWT_KEYS"), std::string::npos) << p.log();
}

}  // namespace
}  // namespace brandos::testing
