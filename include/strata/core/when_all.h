// WhenAll: await several tasks concurrently and collect their results.
//
// The tasks are started one after another on the awaiting coroutine's thread;
// each runs until it first suspends, so their I/O overlaps. The awaiting
// coroutine resumes when the last one finishes, on the thread that finished
// it (in strata every task of one reactor resumes on that reactor's thread).
// Results keep the order of the arguments. Tasks returning void contribute
// nothing to the tuple form and are not allowed in the vector form.
//
// If a task throws, WhenAll still waits for every task, then rethrows the
// first exception.
//
// Thread-safety: the counter is atomic, so tasks may complete on different
// threads.
#pragma once

#include <atomic>
#include <coroutine>
#include <cstddef>
#include <exception>
#include <optional>
#include <tuple>
#include <utility>
#include <vector>

#include "strata/core/task.h"

namespace strata {
namespace detail {

class WhenAllLatch {
 public:
  explicit WhenAllLatch(size_t count) : remaining_(count + 1) {}
  // Returns true if the awaiting coroutine must suspend (work still pending).
  bool TrySuspend(std::coroutine_handle<> awaiting) {
    awaiting_ = awaiting;
    return remaining_.fetch_sub(1, std::memory_order_acq_rel) > 1;
  }
  void Arrive() {
    if (remaining_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      awaiting_.resume();
    }
  }
  // Records the first exception a branch threw; rethrown once all finish.
  void Fail(std::exception_ptr e) {
    if (!failed_.exchange(true, std::memory_order_acq_rel))
      error_ = std::move(e);
  }
  void RethrowIfFailed() const {
    if (error_) std::rethrow_exception(error_);
  }

 private:
  std::atomic<size_t> remaining_;
  std::coroutine_handle<> awaiting_;
  std::atomic<bool> failed_{false};
  std::exception_ptr error_;
};

template <typename T>
DetachedTask RunBranch(Task<T> task, std::optional<T>* slot,
                       WhenAllLatch* latch) {
  try {
    slot->emplace(co_await std::move(task));
  } catch (...) {
    latch->Fail(std::current_exception());
  }
  latch->Arrive();
}

inline DetachedTask RunVoidBranch(Task<void> task, WhenAllLatch* latch) {
  try {
    co_await std::move(task);
  } catch (...) {
    latch->Fail(std::current_exception());
  }
  latch->Arrive();
}

struct LatchAwaiter {
  WhenAllLatch* latch;
  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<> h) { return latch->TrySuspend(h); }
  void await_resume() const { latch->RethrowIfFailed(); }
};

}  // namespace detail

// Runs every task concurrently; returns their results in order.
template <typename T>
Task<std::vector<T>> WhenAll(std::vector<Task<T>> tasks) {
  detail::WhenAllLatch latch(tasks.size());
  std::vector<std::optional<T>> slots(tasks.size());
  for (size_t i = 0; i < tasks.size(); ++i) {
    detail::RunBranch(std::move(tasks[i]), &slots[i], &latch)
        .Release()
        .resume();
  }
  co_await detail::LatchAwaiter{&latch};
  std::vector<T> out;
  out.reserve(slots.size());
  for (auto& s : slots) out.push_back(std::move(*s));
  co_return out;
}

// Runs every void task concurrently and waits for all of them.
inline Task<void> WhenAll(std::vector<Task<void>> tasks) {
  detail::WhenAllLatch latch(tasks.size());
  for (auto& t : tasks) {
    detail::RunVoidBranch(std::move(t), &latch).Release().resume();
  }
  co_await detail::LatchAwaiter{&latch};
}

// Heterogeneous form: co_await WhenAll(TaskA(), TaskB()) → std::tuple<A, B>.
template <typename... Ts>
requires(sizeof...(Ts) > 0 &&
         (!std::is_void_v<Ts> &&
          ...)) Task<std::tuple<Ts...>> WhenAll(Task<Ts>... tasks) {
  detail::WhenAllLatch latch(sizeof...(Ts));
  std::tuple<std::optional<Ts>...> slots;
  [&]<size_t... I>(std::index_sequence<I...>) {
    (detail::RunBranch(std::move(tasks), &std::get<I>(slots), &latch)
         .Release()
         .resume(),
     ...);
  }
  (std::index_sequence_for<Ts...>{});
  co_await detail::LatchAwaiter{&latch};
  co_return std::apply(
      [](auto&... s) { return std::tuple<Ts...>(std::move(*s)...); }, slots);
}

}  // namespace strata
