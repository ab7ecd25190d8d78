// IoOp: one kernel-level operation, as an awaitable that lives in the
// awaiting coroutine's frame.
//
// `co_await IoOp(request)` submits the request to the calling thread's
// reactor (io_uring SQE, or the poll runtime's epoll set / worker pool) and
// resumes with the raw result: >= 0 on success, -errno on failure (-ECANCELED
// if cancelled through the stop token). The reactor never resumes the
// awaiter before the kernel has finished with every buffer the request names,
// so borrowed spans are safe. Awaiting outside a runtime thread yields
// -EPERM (there is no reactor to submit to).
//
// Most code wants the typed helpers in strata/runtime/io.h, which turn these
// results into Status/Result, continue short transfers and retry EINTR.
//
// Thread-safety: an IoOp is owned by one coroutine. Requesting a stop on its
// token from any thread is safe.
#pragma once

#include <sys/types.h>
#include <sys/uio.h>

#include <chrono>
#include <coroutine>
#include <cstdint>
#include <memory>
#include <optional>
#include <stop_token>

struct statx;

namespace strata::runtime {

class Reactor;

enum class IoOpcode : uint8_t {
  kRead,       // pread(fd, buf, len, offset)
  kWrite,      // pwrite(fd, buf, len, offset)
  kReadV,      // preadv(fd, iov, iovcnt, offset)
  kWriteV,     // pwritev(fd, iov, iovcnt, offset)
  kFsync,      // fsync (flags == 0) or fdatasync (flags == 1)
  kOpenAt,     // openat(dirfd, path, flags, mode)
  kClose,      // close(fd)
  kStatx,      // statx(dirfd, path, flags, mask, statx_buf)
  kFallocate,  // fallocate(fd, mode=flags, offset, len)
  kRenameAt,   // renameat2(dirfd, path, dirfd2, path2, flags)
  kUnlinkAt,   // unlinkat(dirfd, path, flags)
  kMkdirAt,    // mkdirat(dirfd, path, mode)
  kTimeout,    // sleep for `timeout`; 0 when it expires
  kPollIn,     // wait until fd is readable; 0 when ready
  kPollOut,    // wait until fd is writable; 0 when ready
  kCall,       // run fn(arg) on a blocking worker; its return value
};

// What to do. Fields unused by an opcode are ignored.
struct IoRequest {
  IoOpcode opcode = IoOpcode::kRead;
  int fd = -1;
  int fd2 = -1;
  void* buf = nullptr;
  uint64_t len = 0;
  uint64_t offset = 0;
  const struct iovec* iov = nullptr;
  int iovcnt = 0;
  const char* path = nullptr;
  const char* path2 = nullptr;
  int flags = 0;
  // kWrite/kWriteV: pwritev2 flags (RWF_DSYNC, RWF_ATOMIC, ...); 0 = pwrite.
  int rw_flags = 0;
  unsigned mode = 0;
  unsigned mask = 0;
  struct statx* statx_buf = nullptr;
  std::chrono::nanoseconds timeout{0};
  int64_t (*fn)(void*) = nullptr;
  void* arg = nullptr;
};

class IoOp {
 public:
  explicit IoOp(const IoRequest& request, std::stop_token stop = {})
      : request_(request), stop_(std::move(stop)) {}
  IoOp(const IoOp&) = delete;
  IoOp& operator=(const IoOp&) = delete;
  ~IoOp();

  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<> awaiting);
  int64_t await_resume() noexcept { return result_; }

  // --- used by reactors only ---
  const IoRequest& request() const { return request_; }
  // Records the result and resumes the awaiting coroutine (reactor thread).
  void Complete(int64_t result);
  // Records the result without resuming (the reactor resumes it later).
  void SetResult(int64_t result) { result_ = result; }
  std::coroutine_handle<> awaiting() const { return awaiting_; }
  uint64_t id() const { return id_; }
  void set_id(uint64_t id) { id_ = id; }
  bool cancellable() const { return stop_.stop_possible(); }
  IoOp* next = nullptr;  // intrusive link for reactor queues
  // Scratch space a reactor may use for the op (e.g. a kernel timespec).
  alignas(8) unsigned char scratch[16] = {};

 private:
  struct CancelOnStop {
    IoOp* op;
    void operator()() const noexcept;
  };

  IoRequest request_;
  std::stop_token stop_;
  std::optional<std::stop_callback<CancelOnStop>> on_stop_;
  std::coroutine_handle<> awaiting_;
  Reactor* reactor_ = nullptr;
  uint64_t id_ = 0;
  int64_t result_ = 0;
};

}  // namespace strata::runtime
