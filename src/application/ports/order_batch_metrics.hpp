#pragma once
// Port: what an operator sees of orders placed together (order_batches.hpp): how many wait for a
// batch right now, and how large the batches that ran were.
#include <cstddef>

namespace brandos::application {

class OrderBatchMetrics {
 public:
  virtual ~OrderBatchMetrics() = default;
  // Called from any I/O thread.
  virtual void waiting(int delta) = 0;
  virtual void ran(std::size_t orders) = 0;
};

}  // namespace brandos::application
