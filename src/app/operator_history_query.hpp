#pragma once
// The query of the operator page's /operator/history: how many minutes of history to answer.
#include <optional>
#include <string_view>

namespace brandos::app {

// The `minutes` query parameter: 60 when absent, nullopt when it is not a whole number from 1 to
// 1440 (the last one given counts).
std::optional<int> history_minutes(std::string_view query);

}  // namespace brandos::app
