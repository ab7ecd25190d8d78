#include "strata/runtime/io_op.h"

#include <cerrno>

#include "runtime/reactor.h"

namespace strata::runtime {

IoOp::~IoOp() = default;

bool IoOp::await_suspend(std::coroutine_handle<> awaiting) {
  Reactor* reactor = Reactor::Current();
  if (reactor == nullptr) {
    result_ = -EPERM;  // awaited outside a runtime thread
    return false;
  }
  if (reactor->stopping() ||
      (stop_.stop_possible() && stop_.stop_requested())) {
    result_ = -ECANCELED;
    return false;
  }
  awaiting_ = awaiting;
  reactor_ = reactor;
  reactor->Submit(this);
  if (stop_.stop_possible()) on_stop_.emplace(stop_, CancelOnStop{this});
  return true;
}

void IoOp::Complete(int64_t result) {
  result_ = result;
  awaiting_.resume();
}

void IoOp::CancelOnStop::operator()() const noexcept {
  op->reactor_->RequestCancel(op->id_);
}

}  // namespace strata::runtime
