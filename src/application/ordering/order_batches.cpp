#include "application/ordering/order_batches.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <stdexcept>

namespace brandos::application {

namespace asio = boost::asio;
using SteadyClock = std::chrono::steady_clock;

struct OrderBatches::Waiter {
  Waiter(PendingOrder* o, asio::any_io_executor ex) : order(o), wakeup(std::move(ex)) {}
  PendingOrder* order;
  asio::steady_timer wakeup;  // cancelled to wake: answered, or handed the line
  bool leads = false;         // handed the line: runs the next batch
  bool taken = false;         // in a running batch: waits for its answer whatever its deadline
  bool counted = false;       // counted as waiting in the metrics
};

namespace {

bool same_key(const IdempotencyScope& a, const IdempotencyScope& b) {
  return a.user_id == b.user_id && a.endpoint == b.endpoint && a.key == b.key;
}

bool expired(const PendingOrder& o) {
  return o.ctx->deadline <= SteadyClock::now();
}

}  // namespace

asio::awaitable<Outcome<PlaceResult>> OrderBatches::place(PendingOrder& order) {
  if (!order.ctx->tenant) throw std::logic_error("an order needs a tenant");
  const domain::Uuid tenant = *order.ctx->tenant;
  Line& line = lines_[tenant];
  Waiter me(&order, co_await asio::this_coro::executor);
  line.waiting.push_back(&me);
  if (line.busy) {
    me.counted = metrics_ != nullptr;
    if (me.counted) metrics_->waiting(+1);
    // Nothing suspends between joining the line and waiting, so no wake-up can be missed; on
    // waking, the answer is looked at before the timer is armed again.
    me.wakeup.expires_at(order.ctx->deadline);
    for (;;) {
      co_await me.wakeup.async_wait(asio::as_tuple(asio::use_awaitable));
      if (order.result || order.error) break;
      if (me.taken) {
        me.wakeup.expires_at(SteadyClock::time_point::max());
        continue;
      }
      if (me.leads && !expired(order)) break;
      // Its deadline passed before a batch took it (if it was just handed the line, it passes
      // the line on: a batch must not run for an order nobody waits for any more).
      std::erase(line.waiting, &me);
      if (me.counted) metrics_->waiting(-1);
      if (me.leads) hand_on(tenant, line);
      co_return std::unexpected(failures::unavailable());
    }
  }
  if (!order.result && !order.error) co_await lead(tenant, line);
  if (order.error) std::rethrow_exception(order.error);
  co_return std::move(*order.result);
}

std::vector<OrderBatches::Waiter*> OrderBatches::take(Line& line) {
  std::vector<Waiter*> batch;
  for (auto it = line.waiting.begin();
       it != line.waiting.end() && batch.size() < static_cast<std::size_t>(max_orders_);) {
    Waiter* w = *it;
    const IdempotencyScope* key = w->order->key;
    // One transaction may hold a key only once: a repeat waits for the next batch, where it is
    // answered as any retry of a key is — replayed if the first was placed, else as in flight or
    // decided afresh, depending on whether the first one's refusal is being recorded.
    const bool repeat = key && std::any_of(batch.begin(), batch.end(), [&](Waiter* t) {
                          return t->order->key && same_key(*t->order->key, *key);
                        });
    // An order whose deadline has passed is left to its own timer, which answers it (the leader,
    // first, is never past its deadline: see place()).
    if (repeat || (!batch.empty() && expired(*w->order))) {
      ++it;
      continue;
    }
    w->taken = true;
    if (w->counted) metrics_->waiting(-1);
    batch.push_back(w);
    it = line.waiting.erase(it);
  }
  return batch;
}

void OrderBatches::hand_on(const domain::Uuid& tenant, Line& line) {
  if (line.waiting.empty()) {
    lines_.erase(tenant);
    return;
  }
  Waiter* next = line.waiting.front();
  next->leads = true;
  next->wakeup.cancel();
}

asio::awaitable<void> OrderBatches::lead(const domain::Uuid& tenant, Line& line) {
  // The leader is the front of the line (it found the line idle, or was handed it as the longest
  // waiter), so take() always includes its own order.
  line.busy = true;
  const std::vector<Waiter*> taken = take(line);
  std::vector<PendingOrder*> batch;
  for (Waiter* w : taken) batch.push_back(w->order);
  if (metrics_) metrics_->ran(batch.size());
  // The runner's exceptions are caught, so the line is always handed on below: a line left busy
  // would stall its tenant's orders on this thread for good. (Not from a destructor: when the
  // io_context is destroyed at shutdown, the waiters' frames may already be gone.)
  std::exception_ptr failed;
  try {
    co_await run_(batch);
  } catch (...) {
    failed = std::current_exception();
  }
  for (PendingOrder* o : batch)
    if (!o->result && !o->error)
      o->error =
          failed ? failed : std::make_exception_ptr(std::logic_error("batch left an order open"));
  for (std::size_t i = 1; i < taken.size(); ++i) taken[i]->wakeup.cancel();
  hand_on(tenant, line);
}

}  // namespace brandos::application
