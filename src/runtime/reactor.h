// Reactor: one event-loop thread of a Runtime (private to src/runtime).
//
// The base class owns what both kinds share: the thread, the cross-thread
// inbox (handles to resume, completed ops, cancel requests), the ready queue,
// the registry of cancellable in-flight ops, and the shutdown protocol.
// Subclasses (UringReactor, PollReactor) implement submission, cancellation
// and one wait-and-dispatch turn.
//
// Threading: Schedule, PostCompletion and RequestCancel are thread-safe;
// everything else runs on the reactor thread.
#pragma once

#include <atomic>
#include <coroutine>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "strata/runtime/io_op.h"

namespace strata::runtime {

class Runtime;
class BlockingPool;

class Reactor {
 public:
  Reactor(Runtime* runtime, size_t index, BlockingPool* pool);
  virtual ~Reactor();
  Reactor(const Reactor&) = delete;
  Reactor& operator=(const Reactor&) = delete;

  // The reactor whose thread is calling, or nullptr.
  static Reactor* Current();

  void Start();
  // Stops the loop: cancels in-flight work, waits for it, joins the thread.
  void Stop();

  Runtime* runtime() const { return runtime_; }
  size_t index() const { return index_; }
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }
  bool OnThread() const { return Current() == this; }

  // Thread-safe: resume `h` on this reactor's thread.
  void Schedule(std::coroutine_handle<> h);
  // Thread-safe: `op` (submitted by this reactor) finished with `result`.
  void PostCompletion(IoOp* op, int64_t result);
  // Thread-safe: cancel the op registered under `op_id` if still in flight.
  void RequestCancel(uint64_t op_id);

  // Reactor thread: called by IoOp::await_suspend.
  void Submit(IoOp* op);
  // Reactor thread: records the result and resumes the awaiting coroutine.
  void Finish(IoOp* op, int64_t result);

 protected:
  virtual void SubmitNative(IoOp* op) = 0;
  virtual void CancelNative(IoOp* op) = 0;
  // One turn: submit what is queued, wait (if may_block) and dispatch.
  virtual void Poll(bool may_block) = 0;
  // Thread-safe: interrupt a blocking Poll().
  virtual void Wake() = 0;
  // Ops the kernel (or pool) still owns; shutdown waits for zero.
  virtual size_t InFlight() const = 0;
  // At shutdown: ask the kernel to cancel everything it still holds.
  virtual void CancelAllNative() = 0;

  // Hands an op to the blocking worker pool; it completes via
  // PostCompletion. Counted in pool_inflight().
  void SubmitToPool(IoOp* op);
  bool CancelInPool(IoOp* op);
  size_t pool_inflight() const { return pool_inflight_; }
  // Must be called by Poll() when the wake signal fired.
  void ClearWakeFlag() {
    wake_pending_.store(false, std::memory_order_release);
  }

 private:
  struct Completion {
    IoOp* op;
    int64_t result;
  };
  void Loop();
  void WakeLocked();
  void DrainInbox();
  void RunReady();
  void Shutdown();

  Runtime* runtime_;
  size_t index_;
  BlockingPool* pool_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> wake_pending_{false};

  std::mutex inbox_mu_;
  std::vector<std::coroutine_handle<>> inbox_handles_;
  std::vector<Completion> inbox_completions_;
  std::vector<uint64_t> inbox_cancels_;

  std::deque<std::coroutine_handle<>> ready_;
  std::unordered_map<uint64_t, IoOp*> cancellable_;
  uint64_t next_op_id_ = 1;
  size_t pool_inflight_ = 0;
};

// Executes `req` with the equivalent blocking syscall: >= 0 or -errno.
int64_t ExecuteBlocking(const IoRequest& req);

}  // namespace strata::runtime
