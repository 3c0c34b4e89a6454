#pragma once
// Ids for fuzzing: deterministic, so a crash reproduces from its input alone.
#include "application/ports/id_generator.hpp"

namespace brandos::fuzz {

class DeterministicIds final : public application::IdGenerator {
 public:
  domain::Uuid new_id() override {
    std::array<std::uint8_t, 10> r{};
    r[9] = static_cast<std::uint8_t>(++n_);
    return domain::Uuid::v7(1700000000000ULL + n_, r);
  }
  void fill_random(std::span<std::uint8_t> out) override {
    for (auto& b : out) b = static_cast<std::uint8_t>(++n_);
  }

 private:
  std::uint64_t n_ = 0;
};

}  // namespace brandos::fuzz
