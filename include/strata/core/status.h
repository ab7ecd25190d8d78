// Status: the outcome of an operation that can fail.
//
// A Status is either OK or carries a canonical code, an optional errno, a
// retryable bit and a message that names the path or object involved. It is
// cheap to copy (an OK status holds no allocation) and immutable once built.
// No exceptions cross strata's public API: fallible functions return Status
// or Result<T>, and ignoring one on purpose is spelled `.IgnoreError()`.
//
// Thread-safety: a Status is a value; distinct objects may be used from any
// thread, and a const Status may be shared.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace strata {

// A subset of the canonical error space (absl / gRPC). Pick the most specific:
// kNotFound for a missing path, kAlreadyExists for a create-only conflict,
// kFailedPrecondition when state (not the argument) is wrong, kUnavailable for
// transient failures worth retrying, kDataLoss for corruption.
enum class StatusCode : int {
  kOk = 0,
  kCancelled = 1,
  kInvalidArgument = 3,
  kDeadlineExceeded = 4,
  kNotFound = 5,
  kAlreadyExists = 6,
  kPermissionDenied = 7,
  kResourceExhausted = 8,
  kFailedPrecondition = 9,
  kAborted = 10,
  kOutOfRange = 11,
  kUnimplemented = 12,
  kInternal = 13,
  kUnavailable = 14,
  kDataLoss = 15,
};

// "NotFound", "InvalidArgument", ... ("Unknown" for values out of range).
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  // OK.
  Status() = default;
  // `sys_errno` is the errno behind the failure, 0 when there is none.
  Status(StatusCode code, std::string message, int sys_errno = 0,
         bool retryable = false);

  static Status OK() { return Status(); }

  bool ok() const { return state_ == nullptr; }
  StatusCode code() const { return ok() ? StatusCode::kOk : state_->code; }
  // The errno that caused this status, or 0.
  int sys_errno() const { return ok() ? 0 : state_->sys_errno; }
  // True when repeating the same operation may succeed (timeouts, 5xx, ...).
  bool retryable() const { return !ok() && state_->retryable; }
  std::string_view message() const;

  // "NotFound: open /a/b: No such file or directory [errno 2]" or "OK".
  std::string ToString() const;

  // A copy with the retryable bit set as given.
  Status WithRetryable(bool retryable) const;
  // A copy whose message is "<context>: <message>".
  Status WithContext(std::string_view context) const;

  // Marks a deliberately ignored status.
  void IgnoreError() const {}

  // Equal code and message (errno and the retryable bit are not compared).
  friend bool operator==(const Status& a, const Status& b) {
    return a.code() == b.code() && a.message() == b.message();
  }

 private:
  struct State {
    StatusCode code;
    int sys_errno;
    bool retryable;
    std::string message;
  };
  std::shared_ptr<const State> state_;
};

// Convenience constructors; each names the code it builds.
Status CancelledError(std::string message);
Status InvalidArgumentError(std::string message);
Status DeadlineExceededError(std::string message);
Status NotFoundError(std::string message);
Status AlreadyExistsError(std::string message);
Status PermissionDeniedError(std::string message);
Status ResourceExhaustedError(std::string message);
Status FailedPreconditionError(std::string message);
Status AbortedError(std::string message);
Status OutOfRangeError(std::string message);
Status UnimplementedError(std::string message);
Status InternalError(std::string message);
Status UnavailableError(std::string message);
Status DataLossError(std::string message);

// The one errno → Status mapping. `context` names the operation and the path,
// e.g. "open /data/x"; the message becomes "<context>: <strerror>".
// EINTR/EAGAIN/EBUSY/ETIMEDOUT/ECONNRESET and similar are marked retryable.
Status ErrnoToStatus(int sys_errno, std::string_view context);

}  // namespace strata

#define STRATA_STATUS_CONCAT_INNER_(a, b) a##b
#define STRATA_STATUS_CONCAT_(a, b) STRATA_STATUS_CONCAT_INNER_(a, b)

// Returns the status from the enclosing function if `expr` is not OK.
#define STRATA_RETURN_IF_ERROR(expr)                            \
  do {                                                          \
    ::strata::Status strata_status_ = ::strata::AsStatus(expr); \
    if (!strata_status_.ok()) return strata_status_;            \
  } while (0)

// Coroutine twin: co_returns the status if `expr` is not OK.
#define STRATA_CO_RETURN_IF_ERROR(expr)                         \
  do {                                                          \
    ::strata::Status strata_status_ = ::strata::AsStatus(expr); \
    if (!strata_status_.ok()) co_return strata_status_;         \
  } while (0)

namespace strata {
inline const Status& AsStatus(const Status& s) { return s; }
}  // namespace strata
