# Embeds Openwall's common password list from the Debian john-data package.
set(BRANDOS_PASSWORD_LIST /usr/share/john/password.lst)
if(NOT EXISTS ${BRANDOS_PASSWORD_LIST})
  message(FATAL_ERROR "${BRANDOS_PASSWORD_LIST} is missing: run scripts/setup.sh (package john-data)")
endif()
set(BRANDOS_COMMON_PASSWORDS_CPP ${CMAKE_BINARY_DIR}/generated/common_passwords.cpp)
add_custom_command(
  OUTPUT ${BRANDOS_COMMON_PASSWORDS_CPP}
  COMMAND ${CMAKE_COMMAND} -DIN=${BRANDOS_PASSWORD_LIST} -DOUT=${BRANDOS_COMMON_PASSWORDS_CPP}
          -P ${CMAKE_SOURCE_DIR}/cmake/EmbedCommonPasswords.cmake
  DEPENDS ${BRANDOS_PASSWORD_LIST} ${CMAKE_SOURCE_DIR}/cmake/EmbedCommonPasswords.cmake
  COMMENT "Embedding the common password list")
