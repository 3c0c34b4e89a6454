// Fuzzes the parsers of identity input that arrive before authentication: e-mail
// normalisation, UTF-8 counting and the password shape rules, list cursors, and the
// X-Forwarded-For walk. None may crash, and their answers must be self-consistent.
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "api/client_ip.hpp"
#include "api/cursor.hpp"
#include "domain/identity/credentials.hpp"

using namespace brandos;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto email = domain::normalise_email(text)) {
    // Normalising is idempotent.
    if (domain::normalise_email(*email) != email) std::abort();
  }
  (void)domain::utf8_length(text);
  (void)domain::valid_slug(text);
  (void)domain::valid_display_name(text);
  const std::size_t cut = size / 2;
  (void)domain::check_password_shape(text.substr(0, cut), text.substr(cut), "acme");

  static const auto tenant = *domain::Uuid::parse("018f0000-0000-7000-8000-00000000000a");
  if (auto id = api::decode_cursor(text, "users", tenant)) {
    if (api::decode_cursor(api::encode_cursor("users", tenant, *id), "users", tenant) != id)
      std::abort();
  }
  static const api::TrustedProxies proxies({"10.0.0.0/8", "fd00::/8"});
  const std::string ip = api::resolve_client_ip("10.0.0.1", text, proxies);
  if (ip.empty()) std::abort();
  (void)api::rate_limit_subject(text);
  // The trusted-proxies setting: any text is accepted or refused with invalid_argument.
  try {
    const api::TrustedProxies parsed(std::vector<std::string>{std::string(text)});
    (void)parsed.contains(boost::asio::ip::make_address_v4("10.1.2.3"));
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
