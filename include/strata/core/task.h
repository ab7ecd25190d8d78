// Task<T>: a lazy, move-only coroutine producing a T.
//
// A Task does nothing until it is awaited (`co_await task`) or handed to a
// Runtime (`BlockOn`, `Spawn`). Completion transfers control straight back to
// the awaiting coroutine (symmetric transfer), so chains of tasks use no stack
// and no scheduler round trip. A Task is awaited at most once; awaiting an
// empty or moved-from Task is a bug (valid() tells). Destroying a
// Task that was never started destroys its frame; destroying one that is
// running is a bug.
//
// strata code does not throw, but an exception escaping a task body (e.g.
// std::bad_alloc) is captured and rethrown to the awaiter.
//
// Thread-safety: a Task is a single-owner value. Its body runs on whichever
// thread resumes it (in strata, a runtime's reactor thread).
//
// Style notes:
// - Do not write coroutine lambdas with captures; the closure dies before the
//   frame. Use free functions or member functions with parameters.
// - Never write a lambda expression or a braced aggregate temporary inside a
//   co_await expression (`co_await RunBlocking([x] {...})`,
//   `co_await f(Options{...})`, `co_await f(x, {})`): GCC 12 destroys such
//   temporaries twice. Name them first:
//   `auto fn = [x] {...}; co_await RunBlocking(std::move(fn));`
//   Defaulted `= {}` arguments of aggregate type trigger it too, which is why
//   strata's option structs are non-aggregates.
//   scripts/check-coroutine-rules.sh enforces this in `make test`.
#pragma once

#include <coroutine>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

namespace strata {

template <typename T = void>
class Task;

namespace detail {

class TaskPromiseBase {
 public:
  struct FinalAwaiter {
    bool await_ready() const noexcept { return false; }
    template <typename P>
    std::coroutine_handle<> await_suspend(
        std::coroutine_handle<P> h) const noexcept {
      auto next = h.promise().continuation_;
      return next ? next : std::noop_coroutine();
    }
    void await_resume() const noexcept {}
  };

  std::suspend_always initial_suspend() const noexcept { return {}; }
  FinalAwaiter final_suspend() const noexcept { return {}; }
  void unhandled_exception() noexcept { exception_ = std::current_exception(); }
  void set_continuation(std::coroutine_handle<> c) noexcept {
    continuation_ = c;
  }

 protected:
  void RethrowIfFailed() const {
    if (exception_) std::rethrow_exception(exception_);
  }

 private:
  std::coroutine_handle<> continuation_;
  std::exception_ptr exception_;
};

template <typename T>
class TaskPromise final : public TaskPromiseBase {
 public:
  Task<T> get_return_object() noexcept;

  template <typename U>
  requires std::is_convertible_v<U&&, T>
  void return_value(U&& value) { value_.emplace(std::forward<U>(value)); }

  T TakeResult() {
    RethrowIfFailed();
    return std::move(*value_);
  }

 private:
  std::optional<T> value_;
};

template <>
class TaskPromise<void> final : public TaskPromiseBase {
 public:
  Task<void> get_return_object() noexcept;
  void return_void() noexcept {}
  void TakeResult() const { RethrowIfFailed(); }
};

}  // namespace detail

template <typename T>
class [[nodiscard]] Task {
 public:
  using promise_type = detail::TaskPromise<T>;
  using value_type = T;

  Task() = default;
  explicit Task(std::coroutine_handle<promise_type> h) noexcept : handle_(h) {}
  Task(Task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      Reset();
      handle_ = std::exchange(other.handle_, {});
    }
    return *this;
  }
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;
  ~Task() { Reset(); }

  bool valid() const noexcept { return static_cast<bool>(handle_); }

  auto operator co_await() && noexcept {
    struct Awaiter {
      std::coroutine_handle<promise_type> handle;
      bool await_ready() const noexcept { return !handle || handle.done(); }
      std::coroutine_handle<> await_suspend(
          std::coroutine_handle<> awaiting) noexcept {
        handle.promise().set_continuation(awaiting);
        return handle;
      }
      T await_resume() { return handle.promise().TakeResult(); }
    };
    return Awaiter{handle_};
  }

 private:
  void Reset() noexcept {
    if (handle_) handle_.destroy();
    handle_ = {};
  }

  std::coroutine_handle<promise_type> handle_;
};

namespace detail {

template <typename T>
Task<T> TaskPromise<T>::get_return_object() noexcept {
  return Task<T>(std::coroutine_handle<TaskPromise<T>>::from_promise(*this));
}

inline Task<void> TaskPromise<void>::get_return_object() noexcept {
  return Task<void>(
      std::coroutine_handle<TaskPromise<void>>::from_promise(*this));
}

// A fire-and-forget coroutine that starts suspended and frees itself when it
// finishes. Used by runtimes to drive a Task to completion.
class DetachedTask {
 public:
  struct promise_type {
    DetachedTask get_return_object() noexcept {
      return DetachedTask(
          std::coroutine_handle<promise_type>::from_promise(*this));
    }
    std::suspend_always initial_suspend() const noexcept { return {}; }
    std::suspend_never final_suspend() const noexcept { return {}; }
    void return_void() const noexcept {}
    void unhandled_exception() const noexcept { std::terminate(); }
  };

  explicit DetachedTask(std::coroutine_handle<promise_type> h) : handle_(h) {}
  // Releases ownership; the caller must resume the handle exactly once.
  std::coroutine_handle<> Release() && { return std::exchange(handle_, {}); }
  DetachedTask(DetachedTask&& o) noexcept
      : handle_(std::exchange(o.handle_, {})) {}
  DetachedTask(const DetachedTask&) = delete;
  ~DetachedTask() {
    if (handle_) handle_.destroy();
  }

 private:
  std::coroutine_handle<promise_type> handle_;
};

}  // namespace detail
}  // namespace strata
