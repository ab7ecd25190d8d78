// PollReactor: a reactor over epoll (sockets, the wake eventfd), a timer set
// (sleeps and deadlines; nanosecond resolution through epoll_pwait2, falling
// back to epoll_wait's milliseconds on kernels before 5.11) and the
// blocking worker pool (every file operation).
//
// One reader and one writer may wait on a given fd at a time; a second
// waiter for the same direction fails with -EBUSY. Regular files, which
// epoll refuses, are reported ready at once.
#pragma once

#include <sys/epoll.h>
#include <time.h>

#include <chrono>
#include <memory>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

#include "runtime/reactor.h"
#include "strata/core/result.h"

namespace strata::runtime {

class PollReactor final : public Reactor {
 public:
  static Result<std::unique_ptr<Reactor>> Create(Runtime* runtime, size_t index,
                                                 BlockingPool* pool);
  ~PollReactor() override;

 protected:
  void SubmitNative(IoOp* op) override;
  void CancelNative(IoOp* op) override;
  void Poll(bool may_block) override;
  void Wake() override;
  size_t InFlight() const override;
  void CancelAllNative() override;

 private:
  using Clock = std::chrono::steady_clock;
  using TimerKey = std::pair<Clock::time_point, IoOp*>;
  struct FdWaiters {
    IoOp* reader = nullptr;
    IoOp* writer = nullptr;
    bool registered = false;
  };

  PollReactor(Runtime* runtime, size_t index, BlockingPool* pool)
      : Reactor(runtime, index, pool) {}
  Status Init();
  void AddTimer(IoOp* op);
  static Clock::time_point Deadline(const IoOp* op);
  void AddFdWaiter(IoOp* op);
  bool RemoveFdWaiter(IoOp* op);
  void UpdateInterest(int fd);
  void DispatchFd(int fd, uint32_t events);
  void FireTimers();
  // Finishes ops whose completion was deferred; true if there were any.
  bool FinishDeferred();
  // How long the next epoll wait may block; false means forever.
  bool WaitTimeout(bool may_block, struct timespec* timeout) const;
  int Wait(struct epoll_event* events, int max, bool may_block);

  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  std::set<TimerKey> timers_;
  std::unordered_map<int, FdWaiters> fd_waiters_;
  size_t fd_waiter_count_ = 0;
  std::vector<std::pair<IoOp*, int64_t>> deferred_;
  bool have_epoll_pwait2_ = true;  // cleared on ENOSYS (kernel < 5.11)
};

}  // namespace strata::runtime
