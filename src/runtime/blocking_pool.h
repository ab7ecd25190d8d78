// BlockingPool: worker threads that run blocking syscalls for reactors
// (every file op of the poll runtime; listing and kCall on both).
//
// Thread-safety: Submit and TryCancel are safe from any thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "strata/runtime/io_op.h"

namespace strata::runtime {

class Reactor;

class BlockingPool {
 public:
  explicit BlockingPool(size_t threads);
  // Joins the workers after they finish the queue.
  ~BlockingPool();
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;

  // Runs `op` on a worker, then reports to `owner->PostCompletion`.
  void Submit(IoOp* op, Reactor* owner);
  // Removes `op` if no worker has started it yet.
  bool TryCancel(IoOp* op);
  size_t threads() const { return workers_.size(); }

 private:
  struct Job {
    IoOp* op;
    Reactor* owner;
  };
  void Work();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> queue_;
  bool shutdown_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace strata::runtime
