#pragma once
// Orders placed together: concurrent orders of one tenant on one I/O thread queue behind the
// transaction in progress and go, when it ends, as one transaction of their own (ADR 0013). A
// flash sale's buyers then share one lock period and one commit (one fsync) instead of queueing
// for the hot rows one commit each. Each order is still decided on its own — its own key, stock
// check, history, event and answer — by the batch runner ManageOrders gives.
//
// The first order to find its tenant idle runs at once, alone: batching adds no wait when there
// is no queue. While a batch runs, arrivals wait; when it ends its leader hands the line to the
// longest waiter, who takes up to `max_orders` waiting orders (never two with one idempotency key:
// the later one goes in the next batch, as a retry of that key). Orders past their deadline before
// a batch takes them are answered unavailable and never run.
//
// Thread-safety: none; one instance per I/O thread, used on that thread's executor.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "application/ordering/placement_request.hpp"
#include "application/ports/order_batch_metrics.hpp"

namespace brandos::application {

class OrderBatches {
 public:
  // Decides and writes a batch: sets every order's `result` (or `error`) before returning.
  using Runner = std::function<boost::asio::awaitable<void>(std::vector<PendingOrder*>&)>;

  // `metrics` may be null.
  OrderBatches(int max_orders, Runner runner, OrderBatchMetrics* metrics)
      : max_orders_(max_orders), run_(std::move(runner)), metrics_(metrics) {}

  // Places `order` in the next batch of its tenant and waits for its answer. An order whose
  // deadline passes while it is still waiting (not yet in a batch) is answered unavailable.
  boost::asio::awaitable<Outcome<PlaceResult>> place(PendingOrder& order);

 private:
  struct Waiter;
  struct Line {
    bool busy = false;            // a batch of this tenant is running
    std::deque<Waiter*> waiting;  // in arrival order
  };
  std::vector<Waiter*> take(Line& line);
  boost::asio::awaitable<void> lead(const domain::Uuid& tenant, Line& line);
  // The line to its longest waiter, or dropped when nobody waits.
  void hand_on(const domain::Uuid& tenant, Line& line);

  int max_orders_;
  Runner run_;
  OrderBatchMetrics* metrics_;
  std::map<domain::Uuid, Line> lines_;  // by tenant; a line is dropped when it goes idle
};

}  // namespace brandos::application
