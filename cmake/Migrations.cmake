# Embeds migrations/*.sql into the binary, so one file is all an operator deploys and the schema
# always matches the code that expects it.
file(GLOB BRANDOS_MIGRATION_FILES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/migrations/*.sql)
list(SORT BRANDOS_MIGRATION_FILES)
set(BRANDOS_MIGRATIONS_CPP ${CMAKE_BINARY_DIR}/generated/embedded_migrations.cpp)
add_custom_command(
  OUTPUT ${BRANDOS_MIGRATIONS_CPP}
  COMMAND ${CMAKE_COMMAND} -DOUT=${BRANDOS_MIGRATIONS_CPP} -DDIR=${CMAKE_SOURCE_DIR}/migrations
          -P ${CMAKE_SOURCE_DIR}/cmake/EmbedMigrations.cmake
  DEPENDS ${BRANDOS_MIGRATION_FILES} ${CMAKE_SOURCE_DIR}/cmake/EmbedMigrations.cmake
  COMMENT "Embedding SQL migrations")
