#include "runtime/reactor.h"

#include <cerrno>
#include <utility>

#include "core/logging.h"
#include "runtime/blocking_pool.h"

namespace strata::runtime {
namespace {
thread_local Reactor* current_reactor = nullptr;
}  // namespace

Reactor::Reactor(Runtime* runtime, size_t index, BlockingPool* pool)
    : runtime_(runtime), index_(index), pool_(pool) {}

Reactor::~Reactor() = default;

Reactor* Reactor::Current() { return current_reactor; }

void Reactor::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void Reactor::Stop() {
  stopping_.store(true, std::memory_order_release);
  Wake();
  if (thread_.joinable()) thread_.join();
}

void Reactor::Schedule(std::coroutine_handle<> h) {
  if (OnThread()) {
    ready_.push_back(h);
    return;
  }
  std::lock_guard lock(inbox_mu_);
  inbox_handles_.push_back(h);
  WakeLocked();
}

void Reactor::PostCompletion(IoOp* op, int64_t result) {
  std::lock_guard lock(inbox_mu_);
  inbox_completions_.push_back(Completion{op, result});
  WakeLocked();
}

void Reactor::RequestCancel(uint64_t op_id) {
  std::lock_guard lock(inbox_mu_);
  inbox_cancels_.push_back(op_id);
  WakeLocked();
}

// Called with inbox_mu_ held: once the poster releases the lock it touches
// nothing of this reactor, so the reactor may drain, stop and be destroyed
// right after (a wake outside the lock would race with destruction).
void Reactor::WakeLocked() {
  if (!wake_pending_.exchange(true, std::memory_order_acq_rel)) Wake();
}

void Reactor::Submit(IoOp* op) {
  if (op->cancellable()) {
    op->set_id(next_op_id_++);
    cancellable_.emplace(op->id(), op);
  }
  SubmitNative(op);
}

void Reactor::Finish(IoOp* op, int64_t result) {
  if (op->cancellable()) cancellable_.erase(op->id());
  op->Complete(result);
}

void Reactor::SubmitToPool(IoOp* op) {
  ++pool_inflight_;
  pool_->Submit(op, this);
}

bool Reactor::CancelInPool(IoOp* op) {
  if (!pool_->TryCancel(op)) return false;
  --pool_inflight_;
  Finish(op, -ECANCELED);
  return true;
}

void Reactor::DrainInbox() {
  std::vector<std::coroutine_handle<>> handles;
  std::vector<Completion> completions;
  std::vector<uint64_t> cancels;
  {
    std::lock_guard lock(inbox_mu_);
    handles.swap(inbox_handles_);
    completions.swap(inbox_completions_);
    cancels.swap(inbox_cancels_);
  }
  for (uint64_t id : cancels) {
    auto it = cancellable_.find(id);
    if (it != cancellable_.end()) CancelNative(it->second);
  }
  for (auto h : handles) ready_.push_back(h);
  for (const auto& c : completions) {
    --pool_inflight_;
    Finish(c.op, c.result);
  }
}

void Reactor::RunReady() {
  // Resume only what is ready now; handles scheduled meanwhile wait a turn,
  // so I/O completions are not starved.
  size_t n = ready_.size();
  for (size_t i = 0; i < n; ++i) {
    auto h = ready_.front();
    ready_.pop_front();
    h.resume();
  }
}

void Reactor::Loop() {
  current_reactor = this;
  while (!stopping()) {
    DrainInbox();
    RunReady();
    bool may_block = ready_.empty() && !stopping();
    Poll(may_block);
  }
  Shutdown();
  current_reactor = nullptr;
}

void Reactor::Shutdown() {
  // New submissions now fail with -ECANCELED (see IoOp::await_suspend).
  CancelAllNative();
  // A copy: cancelling may finish an op, which erases it from the map.
  for (auto& [id, op] : std::unordered_map<uint64_t, IoOp*>(cancellable_)) {
    CancelNative(op);
  }
  size_t turns = 0;
  while (InFlight() > 0 || pool_inflight_ > 0 || !ready_.empty()) {
    DrainInbox();
    RunReady();
    Poll(ready_.empty());
    if (++turns % 100000 == 0) {
      Logger().warn("reactor {} shutdown: still waiting for {} ops", index_,
                    InFlight() + pool_inflight_);
    }
  }
  DrainInbox();
  RunReady();
}

}  // namespace strata::runtime
