// Typed asynchronous syscalls on the calling reactor.
//
// Each returns >= 0 on success or -errno (never throws, never blocks the
// reactor thread). Reads continue short transfers until the buffer is full or
// EOF; writes until everything is written; EINTR/EAGAIN are retried by the
// reactor. A stop request on `stop` yields -ECANCELED (an operation the
// kernel already started may complete instead). Convert results with
// strata::ErrnoToStatus(-r, "<op> <path>").
//
// Must be awaited on a runtime thread (otherwise -EPERM). Buffers must stay
// valid until the task completes.
#pragma once

#include <sys/stat.h>
#include <sys/uio.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stop_token>
#include <type_traits>
#include <utility>

#include "strata/core/status.h"
#include "strata/core/task.h"
#include "strata/runtime/io_op.h"

namespace strata::runtime {

Task<int64_t> ReadFull(int fd, std::span<std::byte> dst, uint64_t offset,
                       std::stop_token stop = {});
// `rw_flags` are pwritev2 flags for every write the call issues (RWF_DSYNC:
// each completes only once its bytes are durable).
Task<int64_t> WriteFull(int fd, std::span<const std::byte> src, uint64_t offset,
                        std::stop_token stop = {}, int rw_flags = 0);
// Scatter/gather: `iov` is copied, so the caller's array may be temporary.
Task<int64_t> ReadVFull(int fd, std::span<const struct iovec> iov,
                        uint64_t offset, std::stop_token stop = {});
Task<int64_t> WriteVFull(int fd, std::span<const struct iovec> iov,
                         uint64_t offset, std::stop_token stop = {},
                         int rw_flags = 0);
Task<int64_t> Fsync(int fd, bool datasync);
Task<int64_t> OpenAt(int dirfd, const char* path, int flags, mode_t mode);
Task<int64_t> Close(int fd);
Task<int64_t> Statx(int dirfd, const char* path, int flags, unsigned mask,
                    struct statx* out);
Task<int64_t> Fallocate(int fd, int mode, uint64_t offset, uint64_t len);
Task<int64_t> RenameAt(int olddirfd, const char* oldpath, int newdirfd,
                       const char* newpath, unsigned flags);
Task<int64_t> UnlinkAt(int dirfd, const char* path, int flags);
Task<int64_t> MkdirAt(int dirfd, const char* path, mode_t mode);

// Sleeps; OK, or kCancelled when stopped first.
Task<Status> SleepFor(std::chrono::nanoseconds duration,
                      std::stop_token stop = {});
Task<Status> SleepUntil(std::chrono::steady_clock::time_point deadline,
                        std::stop_token stop = {});
// Socket readiness: 0 when ready (errors surface on the next syscall).
Task<int64_t> WaitReadable(int fd, std::stop_token stop = {});
Task<int64_t> WaitWritable(int fd, std::stop_token stop = {});

namespace detail {
template <typename F>
struct BlockingCall {
  F fn;
  std::optional<std::invoke_result_t<F&>> result;
  static int64_t Run(void* self) {
    auto* call = static_cast<BlockingCall*>(self);
    call->result.emplace(call->fn());
    return 0;
  }
};
}  // namespace detail

// Runs `fn()` on the runtime's blocking worker pool and returns its value;
// for work with no io_uring equivalent (readdir, ...). `fn` must not return
// void and must not throw.
template <typename F>
Task<std::invoke_result_t<F&>> RunBlocking(F fn) {
  detail::BlockingCall<F> call{std::move(fn), std::nullopt};
  IoRequest req;
  req.opcode = IoOpcode::kCall;
  req.fn = &detail::BlockingCall<F>::Run;
  req.arg = &call;
  co_await IoOp(req);
  co_return std::move(*call.result);
}

}  // namespace strata::runtime
