# Embeds the operator page (web/operator) and its chart library (third_party/uplot-*) into the
# binary: the admin listener serves them with no files to deploy and no network (ADR 0021).
set(BRANDOS_UPLOT_DIR ${CMAKE_SOURCE_DIR}/third_party/uplot-1.6.32)
set(BRANDOS_OPERATOR_ASSETS
  "/=${CMAKE_SOURCE_DIR}/web/operator/index.html"
  "/assets/operator.js=${CMAKE_SOURCE_DIR}/web/operator/operator.js"
  "/assets/operator.css=${CMAKE_SOURCE_DIR}/web/operator/operator.css"
  "/assets/favicon.svg=${CMAKE_SOURCE_DIR}/web/operator/favicon.svg"
  "/assets/uPlot.iife.min.js=${BRANDOS_UPLOT_DIR}/uPlot.iife.min.js"
  "/assets/uPlot.min.css=${BRANDOS_UPLOT_DIR}/uPlot.min.css")
set(BRANDOS_OPERATOR_ASSET_FILES "")
foreach(entry IN LISTS BRANDOS_OPERATOR_ASSETS)
  string(REGEX REPLACE "^[^=]*=" "" file "${entry}")
  list(APPEND BRANDOS_OPERATOR_ASSET_FILES ${file})
endforeach()
string(REPLACE ";" "|" BRANDOS_OPERATOR_ASSETS_ARG "${BRANDOS_OPERATOR_ASSETS}")
set(BRANDOS_OPERATOR_ASSETS_CPP ${CMAKE_BINARY_DIR}/generated/operator_page_assets.cpp)
add_custom_command(
  OUTPUT ${BRANDOS_OPERATOR_ASSETS_CPP}
  COMMAND ${CMAKE_COMMAND} "-DASSETS=${BRANDOS_OPERATOR_ASSETS_ARG}"
          -DOUT=${BRANDOS_OPERATOR_ASSETS_CPP} -P ${CMAKE_SOURCE_DIR}/cmake/EmbedOperatorPage.cmake
  DEPENDS ${BRANDOS_OPERATOR_ASSET_FILES} ${CMAKE_SOURCE_DIR}/cmake/EmbedOperatorPage.cmake
  COMMENT "Embedding the operator page"
  VERBATIM)
