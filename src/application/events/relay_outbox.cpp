#include "application/events/relay_outbox.hpp"

#include <stdexcept>

#include "domain/timestamp.hpp"

namespace brandos::application {

namespace asio = boost::asio;

asio::awaitable<Outcome<RelayStep>> RelayOutbox::operator()(const OperationContext& ctx) const {
  if (!ctx.fence) throw std::logic_error("the relay runs under a lease");
  auto events = co_await feed_.unpublished(ctx, batch_);
  if (!events) co_return std::unexpected(std::move(events.error()));
  RelayStep step;
  step.read = events->size();
  auto occurred_us = [&](std::size_t i) {
    return domain::parse_rfc3339_us((*events)[i].occurred_at).value_or(0);
  };
  oldest_unpublished_us_.store(events->empty() ? 0 : occurred_us(0), std::memory_order_relaxed);
  last_step_us_.store(unix_now_us_(), std::memory_order_relaxed);
  if (events->empty()) co_return step;
  auto confirmed = co_await publisher_.publish(ctx, *events);
  if (!confirmed) co_return std::unexpected(std::move(confirmed.error()));
  step.confirmed_at_us = unix_now_us_();
  if (*confirmed == 0) co_return step;
  // Only a confirmed prefix is marked: what follows an unconfirmed event goes again after it,
  // so no aggregate's later version is settled before an earlier one.
  std::vector<domain::Uuid> ids;
  ids.reserve(*confirmed);
  for (std::size_t i = 0; i < *confirmed && i < events->size(); ++i) ids.push_back((*events)[i].id);
  auto marked = co_await feed_.mark_published(ctx, ids);
  if (!marked) co_return std::unexpected(std::move(marked.error()));
  step.published = ids.size();
  // What still waits: the first event not confirmed, or none when this step drained the outbox (a
  // full batch published says nothing of what follows: the next step, at once, will).
  oldest_unpublished_us_.store(ids.size() < events->size() ? occurred_us(ids.size()) : 0,
                               std::memory_order_relaxed);
  for (std::size_t i = 0; i < ids.size(); ++i)
    if (auto t = domain::parse_rfc3339_us((*events)[i].occurred_at))
      step.published_occurred_us.push_back(*t);
  co_return step;
}

}  // namespace brandos::application
