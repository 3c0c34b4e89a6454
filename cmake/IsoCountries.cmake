# Embeds the ISO 3166-1 alpha-2 codes from Debian's iso-codes package.
set(BRANDOS_ISO_3166 /usr/share/iso-codes/json/iso_3166-1.json)
if(NOT EXISTS ${BRANDOS_ISO_3166})
  message(FATAL_ERROR "${BRANDOS_ISO_3166} is missing: run scripts/setup.sh (package iso-codes)")
endif()
set(BRANDOS_ISO_COUNTRIES_CPP ${CMAKE_BINARY_DIR}/generated/iso_countries.cpp)
add_custom_command(
  OUTPUT ${BRANDOS_ISO_COUNTRIES_CPP}
  COMMAND ${CMAKE_COMMAND} -DIN=${BRANDOS_ISO_3166} -DOUT=${BRANDOS_ISO_COUNTRIES_CPP}
          -P ${CMAKE_SOURCE_DIR}/cmake/EmbedIsoCountries.cmake
  DEPENDS ${BRANDOS_ISO_3166} ${CMAKE_SOURCE_DIR}/cmake/EmbedIsoCountries.cmake
  COMMENT "Embedding ISO 3166-1 country codes")
