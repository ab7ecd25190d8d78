#include "runtime/uring_reactor.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "core/logging.h"

namespace strata::runtime {
namespace {

constexpr uint64_t kWakeTag = 1;
constexpr uint64_t kCancelTag = 2;
constexpr unsigned kReapBatch = 256;
// Linux transfers at most this much per read/write call.
constexpr uint64_t kMaxRw = 0x7ffff000;

int InitRing(unsigned entries, bool sqpoll, struct io_uring* ring) {
  struct io_uring_params p {};
  p.flags = IORING_SETUP_CQSIZE | IORING_SETUP_COOP_TASKRUN;
  p.cq_entries = entries * 2;
  if (sqpoll) {
    p.flags |= IORING_SETUP_SQPOLL;
    p.sq_thread_idle = 50;
  }
  int r = io_uring_queue_init_params(entries, ring, &p);
  if (r == -EINVAL) {  // older kernel: no COOP_TASKRUN
    p = {};
    p.flags = IORING_SETUP_CQSIZE | (sqpoll ? IORING_SETUP_SQPOLL : 0);
    p.cq_entries = entries * 2;
    r = io_uring_queue_init_params(entries, ring, &p);
  }
  return r;
}

bool Restartable(IoOpcode op, int32_t res) {
  if (res != -EINTR && res != -EAGAIN) return false;
  return op != IoOpcode::kTimeout && op != IoOpcode::kPollIn &&
         op != IoOpcode::kPollOut;
}

}  // namespace

Result<std::unique_ptr<Reactor>> UringReactor::Create(
    Runtime* runtime, size_t index, BlockingPool* pool,
    const RuntimeOptions& options) {
  std::unique_ptr<UringReactor> r(new UringReactor(runtime, index, pool));
  STRATA_RETURN_IF_ERROR(r->Init(options));
  return std::unique_ptr<Reactor>(std::move(r));
}

Status UringReactor::Init(const RuntimeOptions& options) {
  int r = InitRing(options.ring_entries, options.sqpoll, &ring_);
  if (r < 0 && options.sqpoll) {
    Logger().warn("io_uring SQPOLL refused ({}); submitting normally",
                  std::strerror(-r));
    r = InitRing(options.ring_entries, false, &ring_);
  }
  if (r < 0) return ErrnoToStatus(-r, "io_uring_queue_init");
  ring_ready_ = true;
  cq_capacity_ = ring_.cq.ring_entries;
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC);  // blocking: the ring waits on it
  if (wake_fd_ < 0) return ErrnoToStatus(errno, "eventfd");
  return Status::OK();
}

UringReactor::~UringReactor() {
  if (ring_ready_) io_uring_queue_exit(&ring_);
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

void UringReactor::Wake() {
  uint64_t one = 1;
  ssize_t n = ::write(wake_fd_, &one, sizeof(one));
  (void)n;  // EAGAIN means the counter is already non-zero: awake anyway
}

struct io_uring_sqe* UringReactor::GetSqe() {
  // Keep one CQE slot per possible cancel and the wake poll.
  if (ops_in_kernel_ + cancels_in_kernel_ + 2 > cq_capacity_) return nullptr;
  return io_uring_get_sqe(&ring_);
}

void UringReactor::SubmitNative(IoOp* op) {
  if (op->request().opcode == IoOpcode::kCall) {
    SubmitToPool(op);
    return;
  }
  if (pending_head_ != nullptr || !TryPrepare(op)) PushPending(op);
}

bool UringReactor::TryPrepare(IoOp* op) {
  struct io_uring_sqe* sqe = GetSqe();
  if (sqe == nullptr) return false;
  PrepareSqe(sqe, op);
  io_uring_sqe_set_data(sqe, op);
  ++ops_in_kernel_;
  return true;
}

void UringReactor::PrepareSqe(struct io_uring_sqe* sqe, IoOp* op) {
  const IoRequest& r = op->request();
  const unsigned len = static_cast<unsigned>(r.len < kMaxRw ? r.len : kMaxRw);
  switch (r.opcode) {
    case IoOpcode::kRead:
      return io_uring_prep_read(sqe, r.fd, r.buf, len, r.offset);
    case IoOpcode::kWrite:
      io_uring_prep_write(sqe, r.fd, r.buf, len, r.offset);
      sqe->rw_flags = r.rw_flags;
      return;
    case IoOpcode::kReadV:
      return io_uring_prep_readv(sqe, r.fd, r.iov, r.iovcnt, r.offset);
    case IoOpcode::kWriteV:
      io_uring_prep_writev(sqe, r.fd, r.iov, r.iovcnt, r.offset);
      sqe->rw_flags = r.rw_flags;
      return;
    case IoOpcode::kFsync:
      return io_uring_prep_fsync(sqe, r.fd,
                                 r.flags ? IORING_FSYNC_DATASYNC : 0);
    case IoOpcode::kOpenAt:
      return io_uring_prep_openat(sqe, r.fd, r.path, r.flags, r.mode);
    case IoOpcode::kClose:
      return io_uring_prep_close(sqe, r.fd);
    case IoOpcode::kStatx:
      return io_uring_prep_statx(sqe, r.fd, r.path, r.flags, r.mask,
                                 r.statx_buf);
    case IoOpcode::kFallocate:
      return io_uring_prep_fallocate(sqe, r.fd, r.flags, r.offset, r.len);
    case IoOpcode::kRenameAt:
      return io_uring_prep_renameat(sqe, r.fd, r.path, r.fd2, r.path2,
                                    static_cast<unsigned>(r.flags));
    case IoOpcode::kUnlinkAt:
      return io_uring_prep_unlinkat(sqe, r.fd, r.path, r.flags);
    case IoOpcode::kMkdirAt:
      return io_uring_prep_mkdirat(sqe, r.fd, r.path, r.mode);
    case IoOpcode::kTimeout: {
      auto* ts = reinterpret_cast<struct __kernel_timespec*>(op->scratch);
      ts->tv_sec = r.timeout.count() / 1000000000;
      ts->tv_nsec = r.timeout.count() % 1000000000;
      return io_uring_prep_timeout(sqe, ts, 0, 0);
    }
    case IoOpcode::kPollIn:
      return io_uring_prep_poll_add(sqe, r.fd, POLLIN);
    case IoOpcode::kPollOut:
      return io_uring_prep_poll_add(sqe, r.fd, POLLOUT);
    case IoOpcode::kCall:
      break;  // never reaches the ring (see SubmitNative)
  }
  io_uring_prep_nop(sqe);
}

void UringReactor::PushPending(IoOp* op) {
  op->next = nullptr;
  if (pending_tail_) {
    pending_tail_->next = op;
  } else {
    pending_head_ = op;
  }
  pending_tail_ = op;
  ++pending_count_;
}

bool UringReactor::RemovePending(IoOp* op) {
  IoOp* prev = nullptr;
  for (IoOp* cur = pending_head_; cur != nullptr; prev = cur, cur = cur->next) {
    if (cur != op) continue;
    (prev ? prev->next : pending_head_) = cur->next;
    if (pending_tail_ == cur) pending_tail_ = prev;
    --pending_count_;
    return true;
  }
  return false;
}

void UringReactor::FlushPending() {
  while (pending_head_ != nullptr) {
    IoOp* op = pending_head_;
    if (!TryPrepare(op)) return;
    pending_head_ = op->next;
    if (pending_head_ == nullptr) pending_tail_ = nullptr;
    --pending_count_;
  }
}

void UringReactor::ArmWake() {
  struct io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
  if (sqe == nullptr) return;  // retried next turn
  io_uring_prep_read(sqe, wake_fd_, &wake_buf_, sizeof(wake_buf_), 0);
  io_uring_sqe_set_data64(sqe, kWakeTag);
  wake_armed_ = true;
}

void UringReactor::CancelNative(IoOp* op) {
  if (RemovePending(op)) {
    Finish(op, -ECANCELED);
    return;
  }
  if (op->request().opcode == IoOpcode::kCall) {
    CancelInPool(op);  // a running blocking call finishes normally
    return;
  }
  struct io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
  if (sqe == nullptr) {
    io_uring_submit(&ring_);
    sqe = io_uring_get_sqe(&ring_);
    if (sqe == nullptr) return;  // best effort: the op completes on its own
  }
  io_uring_prep_cancel(sqe, op, 0);
  io_uring_sqe_set_data64(sqe, kCancelTag);
  ++cancels_in_kernel_;
}

void UringReactor::CancelAllNative() {
  while (pending_head_ != nullptr) {
    IoOp* op = pending_head_;
    pending_head_ = op->next;
    --pending_count_;
    Finish(op, -ECANCELED);
  }
  pending_tail_ = nullptr;
  struct io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
  if (sqe == nullptr) {
    io_uring_submit(&ring_);
    sqe = io_uring_get_sqe(&ring_);
  }
  if (sqe == nullptr) return;
  io_uring_prep_cancel64(sqe, 0, IORING_ASYNC_CANCEL_ANY);
  io_uring_sqe_set_data64(sqe, kCancelTag);
  ++cancels_in_kernel_;
}

void UringReactor::Poll(bool may_block) {
  FlushPending();
  if (!wake_armed_) ArmWake();
  int r = io_uring_submit_and_wait(&ring_, may_block ? 1 : 0);
  if (r < 0 && r != -EINTR && r != -EBUSY && r != -EAGAIN && r != -ETIME) {
    Logger().error("io_uring_submit_and_wait: {}", std::strerror(-r));
  }
  Reap();
}

void UringReactor::Reap() {
  struct io_uring_cqe* cqes[kReapBatch];
  struct Done {
    uint64_t user_data;
    int32_t res;
  } done[kReapBatch];
  for (;;) {
    unsigned n = io_uring_peek_batch_cqe(&ring_, cqes, kReapBatch);
    if (n == 0) return;
    for (unsigned i = 0; i < n; ++i) {
      done[i] = {io_uring_cqe_get_data64(cqes[i]), cqes[i]->res};
    }
    io_uring_cq_advance(&ring_, n);
    for (unsigned i = 0; i < n; ++i) Dispatch(done[i].user_data, done[i].res);
  }
}

void UringReactor::Dispatch(uint64_t user_data, int32_t res) {
  if (user_data == kWakeTag) {
    wake_armed_ = false;
    ClearWakeFlag();
    return;
  }
  if (user_data == kCancelTag) {
    --cancels_in_kernel_;
    return;
  }
  auto* op = reinterpret_cast<IoOp*>(user_data);
  --ops_in_kernel_;
  const IoOpcode opcode = op->request().opcode;
  if (Restartable(opcode, res) && !stopping()) {
    SubmitNative(op);
    return;
  }
  if (opcode == IoOpcode::kTimeout && res == -ETIME) res = 0;
  if ((opcode == IoOpcode::kPollIn || opcode == IoOpcode::kPollOut) &&
      res > 0) {
    res = 0;
  }
  Finish(op, res);
}

}  // namespace strata::runtime
