// Result<T>: a value of type T, or the Status explaining why there is none.
//
// Construct from a T (success) or from a non-OK Status (failure); building a
// Result from an OK Status is a programming error and becomes kInternal.
// Accessing value() of a failed Result aborts the process with the status
// message: check ok() first, or use STRATA_ASSIGN_OR_RETURN.
//
// Thread-safety: a value type, like Status.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <type_traits>
#include <utility>

#include "strata/core/status.h"

namespace strata {

template <typename T>
class [[nodiscard]] Result {
 public:
  using value_type = T;

  Result(const Status& status) : status_(status) { CheckNotOk(); }  // NOLINT
  Result(Status&& status) : status_(std::move(status)) {            // NOLINT
    CheckNotOk();
  }
  Result(const T& value) : value_(value) {}        // NOLINT
  Result(T&& value) : value_(std::move(value)) {}  // NOLINT
  template <typename U, typename = std::enable_if_t<
                            std::is_constructible_v<T, U&&> &&
                            !std::is_same_v<std::decay_t<U>, T> &&
                            !std::is_same_v<std::decay_t<U>, Status> &&
                            !std::is_same_v<std::decay_t<U>, Result<T>>>>
  Result(U&& value)
      : value_(std::in_place, std::forward<U>(value)) {}  // NOLINT

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  T& value() & {
    CheckOk();
    return *value_;
  }
  const T& value() const& {
    CheckOk();
    return *value_;
  }
  T&& value() && {
    CheckOk();
    return std::move(*value_);
  }
  T value_or(T fallback) const& { return ok() ? *value_ : std::move(fallback); }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  void CheckNotOk() {
    if (status_.ok()) status_ = InternalError("Result built from an OK Status");
  }
  void CheckOk() const {
    if (!ok()) {
      std::fprintf(stderr, "strata: value() of a failed Result: %s\n",
                   status_.ToString().c_str());
      std::abort();
    }
  }

  Status status_;
  std::optional<T> value_;
};

template <typename T>
const Status& AsStatus(const Result<T>& r) {
  return r.status();
}

}  // namespace strata

// STRATA_ASSIGN_OR_RETURN(auto x, Foo()); declares/assigns x from a Result, or
// returns its status from the enclosing function.
#define STRATA_ASSIGN_OR_RETURN(lhs, expr) \
  STRATA_ASSIGN_OR_RETURN_IMPL_(           \
      STRATA_STATUS_CONCAT_(strata_result_, __COUNTER__), lhs, expr, return )

// Coroutine twin: co_returns the status instead.
#define STRATA_CO_ASSIGN_OR_RETURN(lhs, expr)                        \
  STRATA_ASSIGN_OR_RETURN_IMPL_(                                     \
      STRATA_STATUS_CONCAT_(strata_result_, __COUNTER__), lhs, expr, \
      co_return )

#define STRATA_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr, ret) \
  auto tmp = (expr);                                       \
  if (!tmp.ok()) ret tmp.status();                         \
  lhs = std::move(tmp).value()
