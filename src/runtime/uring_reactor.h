// UringReactor: a reactor over one io_uring ring (completion-based).
//
// An op's address is its SQE user_data. Ops that find no free SQE, or that
// would push the number in flight past the completion queue size, wait in an
// intrusive FIFO and are prepared at the next turn; each turn submits once
// (io_uring_submit_and_wait). EINTR/EAGAIN results are resubmitted. A
// persistent POLL_ADD on an eventfd wakes the ring from other threads.
// kCall ops go to the blocking pool.
#pragma once

#include <liburing.h>

#include <memory>

#include "runtime/reactor.h"
#include "strata/core/result.h"
#include "strata/runtime/runtime.h"

namespace strata::runtime {

class UringReactor final : public Reactor {
 public:
  static Result<std::unique_ptr<Reactor>> Create(Runtime* runtime, size_t index,
                                                 BlockingPool* pool,
                                                 const RuntimeOptions& options);
  ~UringReactor() override;

 protected:
  void SubmitNative(IoOp* op) override;
  void CancelNative(IoOp* op) override;
  void Poll(bool may_block) override;
  void Wake() override;
  size_t InFlight() const override { return ops_in_kernel_ + pending_count_; }
  void CancelAllNative() override;

 private:
  UringReactor(Runtime* runtime, size_t index, BlockingPool* pool)
      : Reactor(runtime, index, pool) {}
  Status Init(const RuntimeOptions& options);
  struct io_uring_sqe* GetSqe();
  bool TryPrepare(IoOp* op);
  void PrepareSqe(struct io_uring_sqe* sqe, IoOp* op);
  void FlushPending();
  void PushPending(IoOp* op);
  bool RemovePending(IoOp* op);
  void ArmWake();
  void Reap();
  void Dispatch(uint64_t user_data, int32_t res);

  struct io_uring ring_ {};
  bool ring_ready_ = false;
  int wake_fd_ = -1;
  bool wake_armed_ = false;
  uint64_t wake_buf_ = 0;
  unsigned cq_capacity_ = 0;
  size_t ops_in_kernel_ = 0;
  size_t cancels_in_kernel_ = 0;
  IoOp* pending_head_ = nullptr;
  IoOp* pending_tail_ = nullptr;
  size_t pending_count_ = 0;
};

}  // namespace strata::runtime
