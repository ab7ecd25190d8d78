#include "runtime/blocking_pool.h"

#include <algorithm>

#include "runtime/reactor.h"

namespace strata::runtime {

BlockingPool::BlockingPool(size_t threads) {
  workers_.reserve(threads);
  for (size_t i = 0; i < threads; ++i)
    workers_.emplace_back([this] { Work(); });
}

BlockingPool::~BlockingPool() {
  {
    std::lock_guard lock(mu_);
    shutdown_ = true;
  }
  cv_.notify_all();
  for (auto& t : workers_) t.join();
}

void BlockingPool::Submit(IoOp* op, Reactor* owner) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(Job{op, owner});
  }
  cv_.notify_one();
}

bool BlockingPool::TryCancel(IoOp* op) {
  std::lock_guard lock(mu_);
  auto it = std::find_if(queue_.begin(), queue_.end(),
                         [op](const Job& j) { return j.op == op; });
  if (it == queue_.end()) return false;
  queue_.erase(it);
  return true;
}

void BlockingPool::Work() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return shutdown_ || !queue_.empty(); });
      if (queue_.empty()) return;
      job = queue_.front();
      queue_.pop_front();
    }
    int64_t result = ExecuteBlocking(job.op->request());
    job.owner->PostCompletion(job.op, result);
  }
}

}  // namespace strata::runtime
