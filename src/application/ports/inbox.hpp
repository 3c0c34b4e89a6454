#pragma once
// Port: a consumer's inbox, on the unit of work of the effects it records.
#include <boost/asio/awaitable.hpp>
#include <string>
#include <vector>

#include "application/failure.hpp"
#include "domain/uuid.hpp"

namespace brandos::application {

class Inbox {
 public:
  virtual ~Inbox() = default;
  // Records that `consumer` applies these events (of this unit of work's tenant); returns those
  // it had not applied before, which the caller must now apply in the same unit of work. Waits
  // for a concurrent delivery of the same event to commit or roll back.
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<std::vector<domain::Uuid>>> accept(
      const std::string& consumer, const std::vector<domain::Uuid>& events) = 0;
};

}  // namespace brandos::application
