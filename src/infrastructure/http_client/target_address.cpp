#include "infrastructure/http_client/target_address.hpp"

namespace brandos::http_client {

namespace {

bool in(std::uint32_t a, std::uint32_t net, int bits) {
  const std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
  return (a & mask) == (net & mask);
}

bool is_public_v4(const boost::asio::ip::address_v4& v4) {
  const std::uint32_t a = v4.to_uint();
  struct Net {
    std::uint32_t net;
    int bits;
  };
  static constexpr Net kRefused[] = {
      {0x00000000, 8},   // 0.0.0.0/8 "this network"
      {0x0A000000, 8},   // 10/8
      {0x64400000, 10},  // 100.64/10 carrier-grade NAT
      {0x7F000000, 8},   // 127/8 loopback
      {0xA9FE0000, 16},  // 169.254/16 link-local (metadata services)
      {0xAC100000, 12},  // 172.16/12
      {0xC0000000, 24},  // 192.0.0/24 IETF protocol assignments
      {0xC0000200, 24},  // 192.0.2/24 TEST-NET-1
      {0xC0A80000, 16},  // 192.168/16
      {0xC6120000, 15},  // 198.18/15 benchmarking
      {0xC6336400, 24},  // 198.51.100/24 TEST-NET-2
      {0xCB007100, 24},  // 203.0.113/24 TEST-NET-3
      {0xE0000000, 4},   // 224/4 multicast
      {0xF0000000, 4},   // 240/4 reserved, and the broadcast address
  };
  for (const auto& n : kRefused)
    if (in(a, n.net, n.bits)) return false;
  return true;
}

}  // namespace

bool is_public_address(const boost::asio::ip::address& a) {
  if (a.is_v4()) return is_public_v4(a.to_v4());
  const auto v6 = a.to_v6();
  if (v6.is_v4_mapped())
    return is_public_v4(boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6));
  const auto b = v6.to_bytes();
  if (v6.is_loopback() || v6.is_unspecified() || v6.is_multicast() || v6.is_link_local() ||
      v6.is_site_local())
    return false;
  if ((b[0] & 0xFE) == 0xFC) return false;  // fc00::/7 unique local
  auto v4_at = [&](std::size_t i) {
    return boost::asio::ip::address_v4({b[i], b[i + 1], b[i + 2], b[i + 3]});
  };
  // Forms that carry an IPv4 address are judged by it: NAT64 64:ff9b::/96 and the local-use
  // 64:ff9b:1::/48 (last four bytes), SIIT ::ffff:0:a.b.c.d, and 6to4 2002:a.b.c.d::/48.
  static constexpr unsigned char kNat64[12] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
  if (std::equal(std::begin(kNat64), std::end(kNat64), b.begin())) return is_public_v4(v4_at(12));
  if (b[0] == 0 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b[4] == 0 && b[5] == 1)
    return is_public_v4(v4_at(12));
  static constexpr unsigned char kSiit[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0};
  if (std::equal(std::begin(kSiit), std::end(kSiit), b.begin())) return is_public_v4(v4_at(12));
  if (b[0] == 0x20 && b[1] == 0x02) return is_public_v4(v4_at(2));
  // Teredo 2001::/32 hides its IPv4 address (obfuscated); refused whole.
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0) return false;
  // v4-compatible (::a.b.c.d, deprecated) and 2001:db8::/32 documentation.
  if (std::all_of(b.begin(), b.begin() + 12, [](unsigned char x) { return x == 0; })) return false;
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) return false;
  return true;
}

}  // namespace brandos::http_client
