#include "runtime/poll_reactor.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/logging.h"

namespace strata::runtime {
namespace {
constexpr int kMaxEvents = 128;
}  // namespace

Result<std::unique_ptr<Reactor>> PollReactor::Create(Runtime* runtime,
                                                     size_t index,
                                                     BlockingPool* pool) {
  std::unique_ptr<PollReactor> r(new PollReactor(runtime, index, pool));
  STRATA_RETURN_IF_ERROR(r->Init());
  return std::unique_ptr<Reactor>(std::move(r));
}

Status PollReactor::Init() {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) return ErrnoToStatus(errno, "epoll_create1");
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) return ErrnoToStatus(errno, "eventfd");
  struct epoll_event ev {};
  ev.events = EPOLLIN;
  ev.data.fd = wake_fd_;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev) < 0) {
    return ErrnoToStatus(errno, "epoll_ctl(wake eventfd)");
  }
  return Status::OK();
}

PollReactor::~PollReactor() {
  if (wake_fd_ >= 0) ::close(wake_fd_);
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
}

void PollReactor::Wake() {
  uint64_t one = 1;
  ssize_t n = ::write(wake_fd_, &one, sizeof(one));
  (void)n;  // EAGAIN: the counter is already non-zero
}

size_t PollReactor::InFlight() const {
  return timers_.size() + fd_waiter_count_ + deferred_.size();
}

void PollReactor::SubmitNative(IoOp* op) {
  switch (op->request().opcode) {
    case IoOpcode::kTimeout:
      return AddTimer(op);
    case IoOpcode::kPollIn:
    case IoOpcode::kPollOut:
      return AddFdWaiter(op);
    default:
      return SubmitToPool(op);
  }
}

PollReactor::Clock::time_point PollReactor::Deadline(const IoOp* op) {
  Clock::time_point t;
  std::memcpy(&t, op->scratch, sizeof(t));
  return t;
}

void PollReactor::AddTimer(IoOp* op) {
  auto deadline = Clock::now() + op->request().timeout;
  static_assert(sizeof(deadline) <= sizeof(op->scratch));
  std::memcpy(op->scratch, &deadline, sizeof(deadline));
  timers_.emplace(deadline, op);
}

void PollReactor::AddFdWaiter(IoOp* op) {
  const int fd = op->request().fd;
  FdWaiters& w = fd_waiters_[fd];
  IoOp*& slot = op->request().opcode == IoOpcode::kPollIn ? w.reader : w.writer;
  if (slot != nullptr) {
    deferred_.emplace_back(op, -EBUSY);
    return;
  }
  slot = op;
  ++fd_waiter_count_;
  UpdateInterest(fd);
}

void PollReactor::UpdateInterest(int fd) {
  FdWaiters& w = fd_waiters_[fd];
  struct epoll_event ev {};
  ev.events = (w.reader ? uint32_t{EPOLLIN} : 0u) |
              (w.writer ? uint32_t{EPOLLOUT} : 0u);
  ev.data.fd = fd;
  if (ev.events == 0) {
    if (w.registered) ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
    fd_waiters_.erase(fd);
    return;
  }
  int r = ::epoll_ctl(epoll_fd_, w.registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD,
                      fd, &ev);
  if (r == 0) {
    w.registered = true;
    return;
  }
  // EPERM: a regular file, always ready. Anything else: report it.
  int64_t result = errno == EPERM ? 0 : -errno;
  for (IoOp** slot : {&w.reader, &w.writer}) {
    if (*slot == nullptr) continue;
    deferred_.emplace_back(*slot, result);
    *slot = nullptr;
    --fd_waiter_count_;
  }
  fd_waiters_.erase(fd);
}

bool PollReactor::RemoveFdWaiter(IoOp* op) {
  auto it = fd_waiters_.find(op->request().fd);
  if (it == fd_waiters_.end()) return false;
  for (IoOp** slot : {&it->second.reader, &it->second.writer}) {
    if (*slot != op) continue;
    *slot = nullptr;
    --fd_waiter_count_;
    UpdateInterest(op->request().fd);
    return true;
  }
  return false;
}

void PollReactor::CancelNative(IoOp* op) {
  switch (op->request().opcode) {
    case IoOpcode::kTimeout:
      if (timers_.erase(TimerKey(Deadline(op), op)) > 0) {
        Finish(op, -ECANCELED);
      }
      return;
    case IoOpcode::kPollIn:
    case IoOpcode::kPollOut:
      if (RemoveFdWaiter(op)) Finish(op, -ECANCELED);
      return;
    default:
      CancelInPool(op);  // a running syscall finishes normally
  }
}

void PollReactor::CancelAllNative() {
  while (!timers_.empty()) {
    IoOp* op = timers_.begin()->second;
    timers_.erase(timers_.begin());
    Finish(op, -ECANCELED);
  }
  while (!fd_waiters_.empty()) {
    FdWaiters& w = fd_waiters_.begin()->second;
    IoOp* op = w.reader ? w.reader : w.writer;
    RemoveFdWaiter(op);
    Finish(op, -ECANCELED);
  }
}

bool PollReactor::WaitTimeout(bool may_block, struct timespec* timeout) const {
  *timeout = {0, 0};
  if (!may_block || !deferred_.empty()) return true;
  if (timers_.empty()) return false;
  auto wait = timers_.begin()->first - Clock::now();
  if (wait <= Clock::duration::zero()) return true;
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(wait).count();
  timeout->tv_sec = static_cast<time_t>(ns / 1000000000);
  timeout->tv_nsec = static_cast<long>(ns % 1000000000);
  return true;
}

int PollReactor::Wait(struct epoll_event* events, int max, bool may_block) {
  struct timespec timeout;
  const bool bounded = WaitTimeout(may_block, &timeout);
  if (have_epoll_pwait2_) {
    int n = ::epoll_pwait2(epoll_fd_, events, max, bounded ? &timeout : nullptr,
                           nullptr);
    if (n >= 0 || errno != ENOSYS) return n;
    have_epoll_pwait2_ = false;
  }
  // Milliseconds, rounded up so a timer never fires early.
  int ms = -1;
  if (bounded) {
    ms = static_cast<int>(timeout.tv_sec * 1000 +
                          (timeout.tv_nsec + 999999) / 1000000);
  }
  return ::epoll_wait(epoll_fd_, events, max, ms);
}

void PollReactor::Poll(bool may_block) {
  // Ops finished here have coroutines to resume: the wait must not block,
  // or (at shutdown, with nothing else pending) it would never return.
  if (FinishDeferred()) may_block = false;
  struct epoll_event events[kMaxEvents];
  int n = Wait(events, kMaxEvents, may_block);
  if (n < 0 && errno != EINTR) {
    Logger().error("epoll_wait: {}", std::strerror(errno));
  }
  for (int i = 0; i < n; ++i) {
    if (events[i].data.fd == wake_fd_) {
      uint64_t v;
      ssize_t r = ::read(wake_fd_, &v, sizeof(v));
      (void)r;
      ClearWakeFlag();
      continue;
    }
    DispatchFd(events[i].data.fd, events[i].events);
  }
  FireTimers();
  FinishDeferred();
}

void PollReactor::DispatchFd(int fd, uint32_t events) {
  auto it = fd_waiters_.find(fd);
  if (it == fd_waiters_.end()) return;
  const bool error = events & (EPOLLERR | EPOLLHUP);
  IoOp* ready[2] = {nullptr, nullptr};
  if (it->second.reader && (events & (EPOLLIN | EPOLLRDHUP) || error)) {
    ready[0] = std::exchange(it->second.reader, nullptr);
  }
  if (it->second.writer && (events & EPOLLOUT || error)) {
    ready[1] = std::exchange(it->second.writer, nullptr);
  }
  for (IoOp* op : ready) {
    if (op) --fd_waiter_count_;
  }
  UpdateInterest(fd);
  // The caller's next syscall reports any error on the fd.
  for (IoOp* op : ready) {
    if (op) Finish(op, 0);
  }
}

void PollReactor::FireTimers() {
  const auto now = Clock::now();
  while (!timers_.empty() && timers_.begin()->first <= now) {
    IoOp* op = timers_.begin()->second;
    timers_.erase(timers_.begin());
    Finish(op, 0);
  }
}

bool PollReactor::FinishDeferred() {
  bool finished = false;
  while (!deferred_.empty()) {
    auto batch = std::move(deferred_);
    deferred_.clear();
    for (auto& [op, result] : batch) Finish(op, result);
    finished = true;
  }
  return finished;
}

}  // namespace strata::runtime
