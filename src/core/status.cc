#include "strata/core/status.h"

#include <cerrno>
#include <cstring>
#include <string>

namespace strata {
namespace {

constexpr std::string_view kCodeNames[] = {
    "OK",
    "Cancelled",
    "Unknown",
    "InvalidArgument",
    "DeadlineExceeded",
    "NotFound",
    "AlreadyExists",
    "PermissionDenied",
    "ResourceExhausted",
    "FailedPrecondition",
    "Aborted",
    "OutOfRange",
    "Unimplemented",
    "Internal",
    "Unavailable",
    "DataLoss",
};

StatusCode CodeForErrno(int e) {
  switch (e) {
    case 0:
      return StatusCode::kOk;
    case ENOENT:
    case ENXIO:
      return StatusCode::kNotFound;
    case EEXIST:
      return StatusCode::kAlreadyExists;
    case ENOTEMPTY:
      return StatusCode::kFailedPrecondition;
    case EACCES:
    case EPERM:
    case EROFS:
      return StatusCode::kPermissionDenied;
    case EINVAL:
    case ENAMETOOLONG:
    case EISDIR:
    case ENOTDIR:
    case EBADF:
    case ELOOP:
      return StatusCode::kInvalidArgument;
    case ENOSPC:
    case EDQUOT:
    case ENOMEM:
    case EMFILE:
    case ENFILE:
    case EFBIG:
      return StatusCode::kResourceExhausted;
    case ECANCELED:
      return StatusCode::kCancelled;
    case ETIMEDOUT:
      return StatusCode::kDeadlineExceeded;
    case EINTR:
    case EAGAIN:
    case EBUSY:
    case ECONNRESET:
    case ECONNREFUSED:
    case ECONNABORTED:
    case EPIPE:
    case EHOSTUNREACH:
    case ENETUNREACH:
      return StatusCode::kUnavailable;
    case ENOSYS:
    case EOPNOTSUPP:
      return StatusCode::kUnimplemented;
    case ERANGE:
    case EOVERFLOW:
      return StatusCode::kOutOfRange;
    case EIO:
      return StatusCode::kDataLoss;
    case EXDEV:
      return StatusCode::kFailedPrecondition;
    default:
      return StatusCode::kInternal;
  }
}

bool RetryableErrno(int e) {
  switch (e) {
    case EINTR:
    case EAGAIN:
    case EBUSY:
    case ETIMEDOUT:
    case ECONNRESET:
    case ECONNREFUSED:
    case ECONNABORTED:
    case EPIPE:
    case EHOSTUNREACH:
    case ENETUNREACH:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::string_view StatusCodeName(StatusCode code) {
  auto i = static_cast<size_t>(code);
  if (i < std::size(kCodeNames) && i != 2) return kCodeNames[i];
  return "Unknown";
}

Status::Status(StatusCode code, std::string message, int sys_errno,
               bool retryable) {
  if (code == StatusCode::kOk) return;
  state_ = std::make_shared<const State>(
      State{code, sys_errno, retryable, std::move(message)});
}

std::string_view Status::message() const {
  return ok() ? std::string_view() : std::string_view(state_->message);
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out(StatusCodeName(code()));
  out += ": ";
  out += state_->message;
  if (state_->sys_errno != 0) {
    out += " [errno " + std::to_string(state_->sys_errno) + "]";
  }
  return out;
}

Status Status::WithRetryable(bool retryable) const {
  if (ok()) return *this;
  return Status(code(), state_->message, state_->sys_errno, retryable);
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  std::string msg(context);
  msg += ": ";
  msg += state_->message;
  return Status(code(), std::move(msg), state_->sys_errno, state_->retryable);
}

#define STRATA_DEFINE_ERROR_(Name, Code)                 \
  Status Name(std::string message) {                     \
    return Status(StatusCode::Code, std::move(message)); \
  }
STRATA_DEFINE_ERROR_(CancelledError, kCancelled)
STRATA_DEFINE_ERROR_(InvalidArgumentError, kInvalidArgument)
STRATA_DEFINE_ERROR_(DeadlineExceededError, kDeadlineExceeded)
STRATA_DEFINE_ERROR_(NotFoundError, kNotFound)
STRATA_DEFINE_ERROR_(AlreadyExistsError, kAlreadyExists)
STRATA_DEFINE_ERROR_(PermissionDeniedError, kPermissionDenied)
STRATA_DEFINE_ERROR_(ResourceExhaustedError, kResourceExhausted)
STRATA_DEFINE_ERROR_(FailedPreconditionError, kFailedPrecondition)
STRATA_DEFINE_ERROR_(AbortedError, kAborted)
STRATA_DEFINE_ERROR_(OutOfRangeError, kOutOfRange)
STRATA_DEFINE_ERROR_(UnimplementedError, kUnimplemented)
STRATA_DEFINE_ERROR_(InternalError, kInternal)
STRATA_DEFINE_ERROR_(UnavailableError, kUnavailable)
STRATA_DEFINE_ERROR_(DataLossError, kDataLoss)
#undef STRATA_DEFINE_ERROR_

Status ErrnoToStatus(int sys_errno, std::string_view context) {
  std::string msg(context);
  msg += ": ";
  msg += std::strerror(sys_errno);
  return Status(CodeForErrno(sys_errno), std::move(msg), sys_errno,
                RetryableErrno(sys_errno));
}

}  // namespace strata
