#include "strata/runtime/semaphore.h"

#include "strata/runtime/runtime.h"

namespace strata::runtime {

bool Semaphore::TryAcquire() {
  std::lock_guard lock(mu_);
  if (available_ == 0 || !waiters_.empty()) return false;
  --available_;
  return true;
}

size_t Semaphore::available() const {
  std::lock_guard lock(mu_);
  return available_;
}

size_t Semaphore::waiters() const {
  std::lock_guard lock(mu_);
  return waiters_.size();
}

bool Semaphore::Enqueue(std::coroutine_handle<> h) {
  std::lock_guard lock(mu_);
  if (available_ > 0 && waiters_.empty()) {
    --available_;
    return false;  // got one meanwhile: continue without suspending
  }
  waiters_.push_back(
      Waiter{h, Runtime::Current(), detail::CurrentReactorIndex()});
  return true;
}

void Semaphore::Release() {
  Waiter next;
  {
    std::lock_guard lock(mu_);
    if (waiters_.empty()) {
      ++available_;
      return;
    }
    next = waiters_.front();  // the permit passes straight to it
    waiters_.pop_front();
  }
  if (next.runtime != nullptr) {
    next.runtime->Schedule(next.handle, next.reactor);
  } else {
    next.handle.resume();
  }
}

}  // namespace strata::runtime
