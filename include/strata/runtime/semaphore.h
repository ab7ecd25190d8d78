// Semaphore: an asynchronous counting semaphore.
//
// `co_await sem.Acquire()` returns a Permit once one of `count` permits is
// free; callers beyond the limit wait in FIFO order (they never fail).
// Dropping the Permit releases it and resumes the first waiter on the reactor
// it was waiting on. The runtime uses one to cap in-flight file operations.
//
// Thread-safety: safe for concurrent use from any reactor thread.
#pragma once

#include <coroutine>
#include <cstddef>
#include <deque>
#include <mutex>
#include <utility>

namespace strata::runtime {

class Runtime;

class Semaphore {
 public:
  explicit Semaphore(size_t count) : available_(count), capacity_(count) {}
  Semaphore(const Semaphore&) = delete;
  Semaphore& operator=(const Semaphore&) = delete;

  class Permit {
   public:
    Permit() = default;
    explicit Permit(Semaphore* s) : sem_(s) {}
    Permit(Permit&& o) noexcept : sem_(std::exchange(o.sem_, nullptr)) {}
    Permit& operator=(Permit&& o) noexcept {
      if (this != &o) {
        Release();
        sem_ = std::exchange(o.sem_, nullptr);
      }
      return *this;
    }
    ~Permit() { Release(); }
    void Release() {
      if (sem_) std::exchange(sem_, nullptr)->Release();
    }

   private:
    Semaphore* sem_ = nullptr;
  };

  class AcquireAwaiter {
   public:
    explicit AcquireAwaiter(Semaphore* s) : sem_(s) {}
    bool await_ready() { return sem_->TryAcquire(); }
    bool await_suspend(std::coroutine_handle<> h) { return sem_->Enqueue(h); }
    Permit await_resume() { return Permit(sem_); }

   private:
    Semaphore* sem_;
  };

  AcquireAwaiter Acquire() { return AcquireAwaiter(this); }
  bool TryAcquire();
  size_t available() const;
  size_t capacity() const { return capacity_; }
  size_t waiters() const;

 private:
  struct Waiter {
    std::coroutine_handle<> handle;
    Runtime* runtime;
    size_t reactor;
  };
  bool Enqueue(std::coroutine_handle<> h);
  void Release();

  mutable std::mutex mu_;
  size_t available_;
  const size_t capacity_;
  std::deque<Waiter> waiters_;
};

}  // namespace strata::runtime
