#include "strata/core/status.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <string>
#include <utility>

#include "strata/core/result.h"
#include "strata/core/task.h"

namespace strata {
namespace {

// Runs a coroutine that never suspends and returns its value.
template <typename T>
detail::DetachedTask DriveInto(Task<T> task, std::optional<T>* out) {
  out->emplace(co_await std::move(task));
}

template <typename T>
std::optional<T> SyncRun(Task<T> task) {
  std::optional<T> out;
  DriveInto(std::move(task), &out).Release().resume();
  EXPECT_TRUE(out.has_value()) << "task suspended";
  return out;
}

TEST(StatusTest, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kOk);
  EXPECT_EQ(s.sys_errno(), 0);
  EXPECT_FALSE(s.retryable());
  EXPECT_EQ(s.message(), "");
  EXPECT_EQ(s.ToString(), "OK");
  EXPECT_TRUE(Status::OK().ok());
}

TEST(StatusTest, OkCodeDropsMessage) {
  Status s(StatusCode::kOk, "ignored", EIO, true);
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.message(), "");
  EXPECT_FALSE(s.retryable());
  EXPECT_EQ(s.sys_errno(), 0);
}

TEST(StatusTest, CodeNames) {
  const std::pair<StatusCode, std::string_view> cases[] = {
      {StatusCode::kOk, "OK"},
      {StatusCode::kCancelled, "Cancelled"},
      {StatusCode::kInvalidArgument, "InvalidArgument"},
      {StatusCode::kDeadlineExceeded, "DeadlineExceeded"},
      {StatusCode::kNotFound, "NotFound"},
      {StatusCode::kAlreadyExists, "AlreadyExists"},
      {StatusCode::kPermissionDenied, "PermissionDenied"},
      {StatusCode::kResourceExhausted, "ResourceExhausted"},
      {StatusCode::kFailedPrecondition, "FailedPrecondition"},
      {StatusCode::kAborted, "Aborted"},
      {StatusCode::kOutOfRange, "OutOfRange"},
      {StatusCode::kUnimplemented, "Unimplemented"},
      {StatusCode::kInternal, "Internal"},
      {StatusCode::kUnavailable, "Unavailable"},
      {StatusCode::kDataLoss, "DataLoss"},
  };
  for (const auto& [code, name] : cases) {
    EXPECT_EQ(StatusCodeName(code), name);
  }
  // Values outside the enumerated set (2 is the canonical "Unknown").
  EXPECT_TRUE(
      StatusCodeName(static_cast<StatusCode>(2)).starts_with("Unknown"));
  EXPECT_TRUE(
      StatusCodeName(static_cast<StatusCode>(99)).starts_with("Unknown"));
  EXPECT_TRUE(
      StatusCodeName(static_cast<StatusCode>(-1)).starts_with("Unknown"));
}

TEST(StatusTest, ConvenienceConstructors) {
  using Maker = Status (*)(std::string);
  const std::pair<Maker, StatusCode> cases[] = {
      {CancelledError, StatusCode::kCancelled},
      {InvalidArgumentError, StatusCode::kInvalidArgument},
      {DeadlineExceededError, StatusCode::kDeadlineExceeded},
      {NotFoundError, StatusCode::kNotFound},
      {AlreadyExistsError, StatusCode::kAlreadyExists},
      {PermissionDeniedError, StatusCode::kPermissionDenied},
      {ResourceExhaustedError, StatusCode::kResourceExhausted},
      {FailedPreconditionError, StatusCode::kFailedPrecondition},
      {AbortedError, StatusCode::kAborted},
      {OutOfRangeError, StatusCode::kOutOfRange},
      {UnimplementedError, StatusCode::kUnimplemented},
      {InternalError, StatusCode::kInternal},
      {UnavailableError, StatusCode::kUnavailable},
      {DataLossError, StatusCode::kDataLoss},
  };
  for (const auto& [make, code] : cases) {
    Status s = make("object x");
    EXPECT_FALSE(s.ok());
    EXPECT_EQ(s.code(), code);
    EXPECT_EQ(s.message(), "object x");
    EXPECT_EQ(s.sys_errno(), 0);
    EXPECT_FALSE(s.retryable());
    EXPECT_EQ(s.ToString(), std::string(StatusCodeName(code)) + ": object x");
  }
}

TEST(StatusTest, ToStringIncludesErrno) {
  Status s(StatusCode::kNotFound, "open /a/b", ENOENT);
  EXPECT_EQ(s.ToString(),
            "NotFound: open /a/b [errno " + std::to_string(ENOENT) + "]");
}

TEST(StatusTest, ErrnoMapping) {
  struct Case {
    int err;
    StatusCode code;
    bool retryable;
  };
  const Case cases[] = {
      {ENOENT, StatusCode::kNotFound, false},
      {EEXIST, StatusCode::kAlreadyExists, false},
      {EACCES, StatusCode::kPermissionDenied, false},
      {EPERM, StatusCode::kPermissionDenied, false},
      {EROFS, StatusCode::kPermissionDenied, false},
      {EINVAL, StatusCode::kInvalidArgument, false},
      {EISDIR, StatusCode::kInvalidArgument, false},
      {ENOTDIR, StatusCode::kInvalidArgument, false},
      {ENOTEMPTY, StatusCode::kFailedPrecondition, false},
      {ENOSPC, StatusCode::kResourceExhausted, false},
      {EMFILE, StatusCode::kResourceExhausted, false},
      {ECANCELED, StatusCode::kCancelled, false},
      {ETIMEDOUT, StatusCode::kDeadlineExceeded, true},
      {EINTR, StatusCode::kUnavailable, true},
      {EAGAIN, StatusCode::kUnavailable, true},
      {EBUSY, StatusCode::kUnavailable, true},
      {ECONNRESET, StatusCode::kUnavailable, true},
      {ECONNREFUSED, StatusCode::kUnavailable, true},
      {EPIPE, StatusCode::kUnavailable, true},
      {ENOSYS, StatusCode::kUnimplemented, false},
      {EOPNOTSUPP, StatusCode::kUnimplemented, false},
      {ERANGE, StatusCode::kOutOfRange, false},
      {EIO, StatusCode::kDataLoss, false},
      {EXDEV, StatusCode::kFailedPrecondition, false},
      {12345, StatusCode::kInternal, false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE("errno " + std::to_string(c.err));
    Status s = ErrnoToStatus(c.err, "read /data/x");
    EXPECT_EQ(s.code(), c.code);
    EXPECT_EQ(s.retryable(), c.retryable);
    EXPECT_EQ(s.sys_errno(), c.err);
    EXPECT_EQ(s.message(),
              std::string("read /data/x: ") + std::strerror(c.err));
  }
}

TEST(StatusTest, ErrnoZeroIsOk) { EXPECT_TRUE(ErrnoToStatus(0, "x").ok()); }

TEST(StatusTest, WithContextPrefixesAndKeepsEverythingElse) {
  Status s = ErrnoToStatus(EAGAIN, "write /f");
  Status c = s.WithContext("flush journal");
  EXPECT_EQ(c.code(), StatusCode::kUnavailable);
  EXPECT_EQ(c.sys_errno(), EAGAIN);
  EXPECT_TRUE(c.retryable());
  EXPECT_EQ(c.message(),
            std::string("flush journal: write /f: ") + std::strerror(EAGAIN));
  // The original is unchanged (statuses are immutable).
  EXPECT_EQ(s.message(), std::string("write /f: ") + std::strerror(EAGAIN));
  EXPECT_TRUE(Status::OK().WithContext("anything").ok());
}

TEST(StatusTest, WithRetryable) {
  Status s = InternalError("x");
  Status r = s.WithRetryable(true);
  EXPECT_TRUE(r.retryable());
  EXPECT_FALSE(s.retryable());
  EXPECT_EQ(r.code(), StatusCode::kInternal);
  EXPECT_EQ(r.message(), "x");
  EXPECT_FALSE(r.WithRetryable(false).retryable());
  EXPECT_FALSE(Status::OK().WithRetryable(true).retryable());
}

TEST(StatusTest, EqualityComparesCodeAndMessage) {
  EXPECT_EQ(NotFoundError("a"), NotFoundError("a"));
  EXPECT_FALSE(NotFoundError("a") == NotFoundError("b"));
  EXPECT_FALSE(NotFoundError("a") == InternalError("a"));
  EXPECT_EQ(Status(), Status::OK());
  Status copy = NotFoundError("a");
  Status copy2 = copy;
  EXPECT_EQ(copy, copy2);
}

// ---- macros -----------------------------------------------------------------

Status Step(bool fail, int* steps) {
  ++*steps;
  return fail ? AbortedError("step failed") : Status::OK();
}

Status TwoSteps(bool fail_first, int* steps) {
  STRATA_RETURN_IF_ERROR(Step(fail_first, steps));
  STRATA_RETURN_IF_ERROR(Step(false, steps));
  return Status::OK();
}

TEST(StatusMacroTest, ReturnIfError) {
  int steps = 0;
  EXPECT_TRUE(TwoSteps(false, &steps).ok());
  EXPECT_EQ(steps, 2);
  steps = 0;
  EXPECT_EQ(TwoSteps(true, &steps), AbortedError("step failed"));
  EXPECT_EQ(steps, 1);
}

Result<int> Parse(bool fail) {
  if (fail) return InvalidArgumentError("bad number");
  return 21;
}

Result<int> Doubled(bool fail) {
  STRATA_ASSIGN_OR_RETURN(int v, Parse(fail));
  return v * 2;
}

Status CheckResult(bool fail) {
  STRATA_RETURN_IF_ERROR(Parse(fail));  // a Result is accepted too
  return Status::OK();
}

Result<int> AssignExisting(bool fail) {
  int v = -1;
  STRATA_ASSIGN_OR_RETURN(v, Parse(fail));
  return v;
}

TEST(StatusMacroTest, AssignOrReturn) {
  EXPECT_EQ(Doubled(false).value_or(-1), 42);
  Result<int> r = Doubled(true);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status(), InvalidArgumentError("bad number"));
  EXPECT_TRUE(CheckResult(false).ok());
  EXPECT_EQ(CheckResult(true).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(AssignExisting(false).value_or(-1), 21);
  EXPECT_EQ(AssignExisting(true).status().code(), StatusCode::kInvalidArgument);
}

Result<std::unique_ptr<int>> MakePtr() { return std::make_unique<int>(5); }

Result<int> UsePtr() {
  STRATA_ASSIGN_OR_RETURN(std::unique_ptr<int> p, MakePtr());
  return *p;
}

TEST(StatusMacroTest, AssignOrReturnMovesOnlyTypes) {
  EXPECT_EQ(UsePtr().value_or(-1), 5);
}

Task<Status> CoSteps(bool fail_first, int* steps) {
  STRATA_CO_RETURN_IF_ERROR(Step(fail_first, steps));
  STRATA_CO_RETURN_IF_ERROR(Step(false, steps));
  co_return Status::OK();
}

Task<Result<int>> CoDoubled(bool fail) {
  STRATA_CO_ASSIGN_OR_RETURN(int v, Parse(fail));
  co_return v * 2;
}

TEST(StatusMacroTest, CoroutineTwins) {
  int steps = 0;
  auto ok = SyncRun(CoSteps(false, &steps));
  ASSERT_TRUE(ok.has_value());
  EXPECT_TRUE(ok->ok());
  EXPECT_EQ(steps, 2);
  steps = 0;
  auto failed = SyncRun(CoSteps(true, &steps));
  ASSERT_TRUE(failed.has_value());
  EXPECT_EQ(failed->code(), StatusCode::kAborted);
  EXPECT_EQ(steps, 1);

  auto good = SyncRun(CoDoubled(false));
  ASSERT_TRUE(good.has_value() && good->ok());
  EXPECT_EQ(**good, 42);
  auto bad = SyncRun(CoDoubled(true));
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ(bad->status(), InvalidArgumentError("bad number"));
}

}  // namespace
}  // namespace strata
