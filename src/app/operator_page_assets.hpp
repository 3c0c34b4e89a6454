#pragma once
// The operator page's files, compiled into the binary from web/operator and third_party/uplot-*
// by cmake/OperatorPage.cmake (ADR 0021).
#include <string_view>
#include <vector>

namespace brandos::app {

struct OperatorPageAsset {
  std::string_view path;  // as served on the admin listener: "/", "/assets/operator.js"
  std::string_view bytes;
};

const std::vector<OperatorPageAsset>& operator_page_assets();

}  // namespace brandos::app
