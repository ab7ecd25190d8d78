// AsyncStream<T>: an asynchronous generator, the type of listings.
//
// The producer is a coroutine that may `co_await` I/O and `co_yield` values:
//
//   AsyncStream<int> Count(int n) { for (int i = 0; i < n; ++i) co_yield i; }
//   ...
//   auto s = Count(3);
//   while (auto v = co_await s.Next()) Use(*v);
//
// Next() resumes the producer until it yields (→ the value) or finishes
// (→ std::nullopt). The producer starts lazily at the first Next(). Values are
// moved out. An exception escaping the producer is rethrown from Next().
// Destroying the stream between Next() calls destroys the producer frame.
//
// Thread-safety: single consumer; Next() must not be called concurrently.
#pragma once

#include <coroutine>
#include <exception>
#include <optional>
#include <utility>

namespace strata {

template <typename T>
class [[nodiscard]] AsyncStream {
 public:
  class promise_type {
   public:
    AsyncStream get_return_object() noexcept {
      return AsyncStream(
          std::coroutine_handle<promise_type>::from_promise(*this));
    }
    std::suspend_always initial_suspend() const noexcept { return {}; }

    struct ToConsumer {
      bool await_ready() const noexcept { return false; }
      std::coroutine_handle<> await_suspend(
          std::coroutine_handle<promise_type> h) const noexcept {
        return h.promise().consumer_;
      }
      void await_resume() const noexcept {}
    };
    ToConsumer final_suspend() const noexcept { return {}; }

    template <typename U>
    ToConsumer yield_value(U&& value) {
      current_.emplace(std::forward<U>(value));
      return {};
    }
    void return_void() noexcept {}
    void unhandled_exception() noexcept {
      exception_ = std::current_exception();
    }

   private:
    friend class AsyncStream;
    std::coroutine_handle<> consumer_;
    std::optional<T> current_;
    std::exception_ptr exception_;
  };

  AsyncStream() = default;
  AsyncStream(AsyncStream&& o) noexcept
      : handle_(std::exchange(o.handle_, {})) {}
  AsyncStream& operator=(AsyncStream&& o) noexcept {
    if (this != &o) {
      if (handle_) handle_.destroy();
      handle_ = std::exchange(o.handle_, {});
    }
    return *this;
  }
  AsyncStream(const AsyncStream&) = delete;
  ~AsyncStream() {
    if (handle_) handle_.destroy();
  }

  // Awaitable yielding std::optional<T>: the next value, or nullopt at end.
  auto Next() noexcept {
    struct Awaiter {
      std::coroutine_handle<promise_type> handle;
      bool await_ready() const noexcept { return !handle || handle.done(); }
      std::coroutine_handle<> await_suspend(std::coroutine_handle<> c) {
        handle.promise().consumer_ = c;
        handle.promise().current_.reset();
        return handle;
      }
      std::optional<T> await_resume() {
        if (!handle) return std::nullopt;
        auto& p = handle.promise();
        if (p.exception_)
          std::rethrow_exception(std::exchange(p.exception_, {}));
        if (handle.done()) return std::nullopt;
        return std::exchange(p.current_, std::nullopt);
      }
    };
    return Awaiter{handle_};
  }

 private:
  explicit AsyncStream(std::coroutine_handle<promise_type> h) : handle_(h) {}
  std::coroutine_handle<promise_type> handle_;
};

}  // namespace strata
