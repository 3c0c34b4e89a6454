// The line of orders placed together, with a runner that records its batches and answers each
// order itself (no database): who goes together, in which order, and that the line never stalls.
// Each test drives one io_context by hand, so what is "concurrent" is exactly what was spawned
// before the runner's batch ends.
#include "application/ordering/order_batches.hpp"

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <list>
#include <thread>

namespace brandos::application {
namespace {

namespace asio = boost::asio;

domain::Uuid id(int n) {
  char text[37];
  std::snprintf(text, sizeof text, "00000000-0000-7000-8000-%012d", n);
  return *domain::Uuid::parse(text);
}

struct Recorder final : OrderBatchMetrics {
  void waiting(int delta) override { now_waiting += delta; }
  void ran(std::size_t orders) override { sizes.push_back(orders); }
  int now_waiting = 0;
  std::vector<std::size_t> sizes;
};

class OrderBatchesTest : public ::testing::Test {
 protected:
  // The runner holds each batch open until release() (a batch "in the database"), then answers
  // every order, or throws when told to.
  OrderBatches batches{32,
                       [this](std::vector<PendingOrder*>& batch) -> asio::awaitable<void> {
                         std::vector<std::string> keys;
                         for (auto* o : batch) keys.push_back(o->key ? o->key->key : "-");
                         ran.push_back(keys);
                         asio::steady_timer gate(io, std::chrono::steady_clock::time_point::max());
                         gates.push_back(&gate);
                         co_await gate.async_wait(asio::as_tuple(asio::use_awaitable));
                         if (throw_next) {
                           throw_next = false;
                           throw std::runtime_error("runner failed");
                         }
                         for (auto* o : batch) o->result.emplace(PlaceResult{});
                       },
                       &metrics};

  struct Sent {
    OperationContext ctx;
    IdempotencyScope scope;
    std::optional<Outcome<PlaceResult>> answer;
    bool threw = false;
  };

  // Sends an order of `tenant` with idempotency key `key`.
  Sent& send(int tenant, std::string key,
             std::chrono::steady_clock::time_point deadline =
                 std::chrono::steady_clock::time_point::max()) {
    Sent& s = sent.emplace_back();
    s.ctx.tenant = id(tenant);
    s.ctx.deadline = deadline;
    s.scope = {id(tenant), id(99), "POST /v1/orders", std::move(key), {}};
    asio::co_spawn(
        io,
        [this, &s]() -> asio::awaitable<void> {
          PendingOrder order{&s.ctx, {}, &s.scope, std::nullopt, nullptr};
          try {
            s.answer.emplace(co_await batches.place(order));
          } catch (const std::exception&) {
            s.threw = true;
          }
        },
        asio::detached);
    settle();
    return s;
  }
  // Ends the oldest running batch.
  void release() {
    ASSERT_FALSE(gates.empty());
    gates.front()->cancel();
    gates.erase(gates.begin());
    settle();
  }
  void settle() {
    io.restart();
    io.poll();
  }

  asio::io_context io;
  Recorder metrics;
  std::list<Sent> sent;
  std::vector<std::vector<std::string>> ran;
  std::vector<asio::steady_timer*> gates;
  bool throw_next = false;
};

TEST_F(OrderBatchesTest, AnOrderAloneGoesAtOnce) {
  Sent& a = send(1, "a");
  EXPECT_EQ(ran, (std::vector<std::vector<std::string>>{{"a"}}));
  release();
  ASSERT_TRUE(a.answer);
  EXPECT_TRUE(*a.answer);
  EXPECT_EQ(metrics.sizes, std::vector<std::size_t>{1});
}

TEST_F(OrderBatchesTest, OrdersArrivingDuringABatchGoTogetherNext) {
  Sent& a = send(1, "a");
  Sent& b = send(1, "b");
  Sent& c = send(1, "c");
  EXPECT_EQ(metrics.now_waiting, 2);
  EXPECT_FALSE(b.answer);
  release();  // a's batch ends: b and c go, together
  EXPECT_TRUE(a.answer);
  EXPECT_EQ(ran, (std::vector<std::vector<std::string>>{{"a"}, {"b", "c"}}));
  EXPECT_EQ(metrics.now_waiting, 0);
  release();
  EXPECT_TRUE(b.answer && *b.answer);
  EXPECT_TRUE(c.answer && *c.answer);
}

TEST_F(OrderBatchesTest, TenantsHaveLinesOfTheirOwn) {
  send(1, "a");
  send(2, "x");  // another tenant: not behind tenant 1's batch
  EXPECT_EQ(ran, (std::vector<std::vector<std::string>>{{"a"}, {"x"}}));
  release();
  release();
}

TEST_F(OrderBatchesTest, ARepeatedKeyWaitsForTheNextBatch) {
  send(1, "a");
  send(1, "k");
  send(1, "k");
  send(1, "b");
  release();
  EXPECT_EQ(ran, (std::vector<std::vector<std::string>>{{"a"}, {"k", "b"}}));
  release();
  EXPECT_EQ(ran.back(), std::vector<std::string>{"k"});
  release();
  for (const Sent& s : sent) EXPECT_TRUE(s.answer && *s.answer);
}

// Deadlines that pass while the io_context is not polled (the sleep makes the deadline pass;
// nothing here measures time). Here the order's own timer answers it before the next batch is
// taken; take()'s own check covers the same turn, which a test cannot order deterministically.
TEST_F(OrderBatchesTest, AnOrderPastItsDeadlineIsAnsweredAndNeverRuns) {
  send(1, "a");
  send(1, "b");
  Sent& late = send(1, "late", std::chrono::steady_clock::now() + std::chrono::milliseconds(20));
  send(1, "c");
  std::this_thread::sleep_for(std::chrono::milliseconds(40));
  release();  // a ends; late is answered, b leads and takes c
  EXPECT_EQ(ran.back(), (std::vector<std::string>{"b", "c"}));
  ASSERT_TRUE(late.answer);
  ASSERT_FALSE(*late.answer);
  EXPECT_EQ(late.answer->error().code, FailureCode::unavailable);
  release();
  EXPECT_EQ(metrics.now_waiting, 0);
}

TEST_F(OrderBatchesTest, ALeaderPastItsDeadlinePassesTheLineOn) {
  send(1, "a");
  Sent& late = send(1, "late", std::chrono::steady_clock::now() + std::chrono::milliseconds(20));
  Sent& c = send(1, "c");
  std::this_thread::sleep_for(std::chrono::milliseconds(40));
  release();  // a ends; the line goes to late, which is past its deadline: c leads
  ASSERT_TRUE(late.answer);
  EXPECT_FALSE(*late.answer);
  EXPECT_EQ(ran, (std::vector<std::vector<std::string>>{{"a"}, {"c"}}));
  release();
  EXPECT_TRUE(c.answer && *c.answer);
}

TEST_F(OrderBatchesTest, AFailedBatchFailsItsOrdersAndTheLineGoesOn) {
  send(1, "a");
  Sent& b = send(1, "b");
  Sent& c = send(1, "c");
  release();
  throw_next = true;
  Sent& d = send(1, "d");
  release();  // b and c's batch throws
  EXPECT_TRUE(b.threw);
  EXPECT_TRUE(c.threw);
  EXPECT_EQ(ran.back(), std::vector<std::string>{"d"});
  release();
  EXPECT_TRUE(d.answer && *d.answer);
  send(1, "e");  // the line is idle again: e goes at once
  EXPECT_EQ(ran.back(), std::vector<std::string>{"e"});
  release();
}

TEST_F(OrderBatchesTest, ABatchTakesAtMostTheMaximum) {
  send(1, "first");
  for (int i = 0; i < 40; ++i) send(1, "k" + std::to_string(i));
  release();
  EXPECT_EQ(ran.back().size(), 32u);
  release();
  EXPECT_EQ(ran.back().size(), 8u);
  release();
  for (const Sent& s : sent) EXPECT_TRUE(s.answer && *s.answer);
}

}  // namespace
}  // namespace brandos::application
