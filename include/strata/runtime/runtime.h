// Runtime: the reactor threads that drive strata's coroutines and I/O.
//
// A Runtime owns N reactor threads (default 1). Each reactor is either an
// io_uring ring (completion-based; RuntimeKind::kIoUring) or an epoll loop
// plus a worker pool for blocking file syscalls (RuntimeKind::kPoll). The
// kind is chosen once, at creation: RuntimeOptions::io_uring, else the
// STRATA_IO_URING environment variable (auto|on|off; default auto, which
// probes the kernel and falls back to poll). Both kinds run the same
// coroutines and pass the same tests.
//
// Coroutines run on reactor threads only. A coroutine that awaits I/O is
// resumed on the reactor that submitted it. `BlockOn` drives a task from an
// ordinary thread; `Spawn` starts one concurrently and returns a JoinHandle.
//
// Destruction stops the reactors: queued and in-flight operations are
// cancelled and awaited, then the threads are joined. Tasks still suspended
// at that point are abandoned, so join what you spawn before destroying the
// runtime.
//
// Thread-safety: every method is safe to call from any thread, except that
// BlockOn must not be called from one of this runtime's reactor threads (it
// would wait for itself; it aborts with a message instead).
#pragma once

#include <atomic>
#include <condition_variable>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "strata/core/result.h"
#include "strata/core/task.h"
#include "strata/runtime/semaphore.h"

namespace strata::runtime {

class Reactor;
class BlockingPool;

enum class RuntimeKind { kIoUring, kPoll };
// "io_uring" or "poll".
std::string_view RuntimeKindName(RuntimeKind kind);

enum class IoUringMode { kAuto, kOn, kOff };

struct RuntimeOptions {
  // Number of reactor threads (>= 1).
  size_t reactor_threads = 1;
  // Unset: read STRATA_IO_URING (auto|on|off), default auto. kOn fails
  // Create() with kUnavailable if the kernel refuses io_uring.
  std::optional<IoUringMode> io_uring;
  // io_uring submission queue depth per reactor (completion queue is 2x).
  unsigned ring_entries = 256;
  // io_uring kernel-side submission polling. Falls back to normal
  // submission (with a logged warning) if the kernel refuses it.
  bool sqpoll = false;
  // Worker threads for blocking syscalls (the poll runtime's file I/O, and
  // directory listing on both). 0: 16.
  size_t blocking_threads = 0;
  // Cap on file operations in flight per runtime; excess callers wait.
  // 0: STRATA_MAX_CONCURRENT_FILE_OPS, default 1024.
  size_t max_concurrent_file_ops = 0;
};

// Resolves STRATA_IO_URING; an unknown value is kInvalidArgument.
Result<IoUringMode> IoUringModeFromEnv();
// True if this kernel lets the process create an io_uring ring.
bool IoUringAvailable();

template <typename T>
class JoinHandle;

class Runtime {
 public:
  // Fails with kUnavailable when io_uring is required but refused, and with
  // kInvalidArgument for bad options (naming the option).
  static Result<std::unique_ptr<Runtime>> Create(RuntimeOptions options = {});
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  RuntimeKind kind() const { return kind_; }
  size_t reactor_count() const { return reactors_.size(); }
  const RuntimeOptions& options() const { return options_; }

  // Runs `task` on a reactor and blocks the calling thread until it is done.
  template <typename T>
  T BlockOn(Task<T> task);

  // Starts `task` on a reactor (round robin) and returns a handle to await
  // or block on its result. Dropping the handle detaches the task.
  template <typename T>
  JoinHandle<T> Spawn(Task<T> task);

  // The runtime whose reactor thread is calling, or nullptr.
  static Runtime* Current();

  // Limits concurrent file operations (see RuntimeOptions).
  Semaphore& file_ops() { return *file_ops_; }

  // Schedules `h` to be resumed on reactor `index % reactor_count()`.
  void Schedule(std::coroutine_handle<> h, size_t index);

 private:
  Runtime() = default;
  size_t NextReactor() {
    return next_reactor_.fetch_add(1, std::memory_order_relaxed);
  }
  bool OnReactorThread() const;
  Status CreateUringReactors();
  Status CreatePollReactors();

  RuntimeKind kind_ = RuntimeKind::kPoll;
  RuntimeOptions options_;
  std::unique_ptr<Semaphore> file_ops_;
  std::unique_ptr<BlockingPool> pool_;
  std::vector<std::unique_ptr<Reactor>> reactors_;
  std::atomic<size_t> next_reactor_{0};
};

namespace detail {

// Shared state between a spawned task and its JoinHandle.
template <typename T>
class JoinState {
 public:
  template <typename... U>
  void Finish(U&&... value) {
    if constexpr (!std::is_void_v<T>) {
      std::lock_guard lock(mu_);
      value_.emplace(std::forward<U>(value)...);
    }
    Complete();
  }
  void Fail(std::exception_ptr e) {
    {
      std::lock_guard lock(mu_);
      error_ = std::move(e);
    }
    Complete();
  }
  // Returns false if already done (resume immediately).
  bool SetWaiter(std::coroutine_handle<> h, Runtime* rt, size_t reactor) {
    std::lock_guard lock(mu_);
    if (done_) return false;
    waiter_ = h;
    waiter_runtime_ = rt;
    waiter_reactor_ = reactor;
    return true;
  }
  void Wait() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return done_; });
  }
  T Take() {
    if (error_) std::rethrow_exception(error_);
    if constexpr (!std::is_void_v<T>) return std::move(*value_);
  }

 private:
  void Complete() {
    std::coroutine_handle<> waiter;
    {
      std::lock_guard lock(mu_);
      done_ = true;
      waiter = waiter_;
    }
    cv_.notify_all();
    if (!waiter) return;
    if (waiter_runtime_ != nullptr) {
      waiter_runtime_->Schedule(waiter, waiter_reactor_);
    } else {
      waiter.resume();  // awaited outside a runtime: resume here
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::coroutine_handle<> waiter_;
  Runtime* waiter_runtime_ = nullptr;
  size_t waiter_reactor_ = 0;
  std::exception_ptr error_;
  std::conditional_t<std::is_void_v<T>, char, std::optional<T>> value_{};
};

template <typename T>
::strata::detail::DetachedTask RunToState(Task<T> task,
                                          std::shared_ptr<JoinState<T>> state) {
  try {
    if constexpr (std::is_void_v<T>) {
      co_await std::move(task);
      state->Finish();
    } else {
      state->Finish(co_await std::move(task));
    }
  } catch (...) {
    state->Fail(std::current_exception());
  }
}

// Index of the calling reactor thread within its runtime.
size_t CurrentReactorIndex();
// Aborts with a message if BlockOn is called from a reactor thread.
void CheckNotOnReactor(bool on_reactor);

}  // namespace detail

// The result of Runtime::Spawn. `co_await handle` (from a coroutine on any
// runtime) or `handle.Join()` (blocking, from an ordinary thread) yields the
// task's value. Either may be used once.
template <typename T>
class JoinHandle {
 public:
  explicit JoinHandle(std::shared_ptr<detail::JoinState<T>> s)
      : state_(std::move(s)) {}

  T Join() {
    state_->Wait();
    return state_->Take();
  }

  auto operator co_await() {
    struct Awaiter {
      detail::JoinState<T>* state;
      bool await_ready() const noexcept { return false; }
      bool await_suspend(std::coroutine_handle<> h) {
        return state->SetWaiter(h, Runtime::Current(),
                                detail::CurrentReactorIndex());
      }
      T await_resume() { return state->Take(); }
    };
    return Awaiter{state_.get()};
  }

 private:
  std::shared_ptr<detail::JoinState<T>> state_;
};

template <typename T>
JoinHandle<T> Runtime::Spawn(Task<T> task) {
  auto state = std::make_shared<detail::JoinState<T>>();
  auto h = detail::RunToState(std::move(task), state).Release();
  Schedule(h, NextReactor());
  return JoinHandle<T>(std::move(state));
}

template <typename T>
T Runtime::BlockOn(Task<T> task) {
  detail::CheckNotOnReactor(OnReactorThread());
  return Spawn(std::move(task)).Join();
}

}  // namespace strata::runtime

namespace strata {
using runtime::JoinHandle;
using runtime::Runtime;
using runtime::RuntimeKind;
using runtime::RuntimeOptions;
}  // namespace strata
