// The blocking equivalent of every IoOpcode, used by the worker pool.
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <thread>

#include "runtime/reactor.h"

namespace strata::runtime {
namespace {

int64_t Ret(int64_t r) { return r < 0 ? -errno : r; }

int64_t WaitFd(int fd, short events, std::chrono::nanoseconds timeout) {
  struct pollfd p = {fd, events, 0};
  int ms = timeout.count() > 0 ? static_cast<int>(timeout.count() / 1000000 + 1)
                               : -1;
  int r = ::poll(&p, 1, ms);
  return r < 0 ? -errno : 0;
}

}  // namespace

int64_t ExecuteBlocking(const IoRequest& r) {
  switch (r.opcode) {
    case IoOpcode::kRead:
      return Ret(::pread(r.fd, r.buf, r.len, static_cast<off_t>(r.offset)));
    case IoOpcode::kWrite: {
      if (r.rw_flags == 0) {
        return Ret(::pwrite(r.fd, r.buf, r.len, static_cast<off_t>(r.offset)));
      }
      struct iovec one {
        r.buf, r.len
      };
      return Ret(
          ::pwritev2(r.fd, &one, 1, static_cast<off_t>(r.offset), r.rw_flags));
    }
    case IoOpcode::kReadV:
      return Ret(::preadv(r.fd, r.iov, r.iovcnt, static_cast<off_t>(r.offset)));
    case IoOpcode::kWriteV:
      return Ret(::pwritev2(r.fd, r.iov, r.iovcnt, static_cast<off_t>(r.offset),
                            r.rw_flags));
    case IoOpcode::kFsync:
      return Ret(r.flags ? ::fdatasync(r.fd) : ::fsync(r.fd));
    case IoOpcode::kOpenAt:
      return Ret(::openat(r.fd, r.path, r.flags, r.mode));
    case IoOpcode::kClose:
      return Ret(::close(r.fd));
    case IoOpcode::kStatx:
      return Ret(::statx(r.fd, r.path, r.flags, r.mask, r.statx_buf));
    case IoOpcode::kFallocate:
      return Ret(::fallocate(r.fd, r.flags, static_cast<off_t>(r.offset),
                             static_cast<off_t>(r.len)));
    case IoOpcode::kRenameAt:
      return Ret(::renameat2(r.fd, r.path, r.fd2, r.path2,
                             static_cast<unsigned>(r.flags)));
    case IoOpcode::kUnlinkAt:
      return Ret(::unlinkat(r.fd, r.path, r.flags));
    case IoOpcode::kMkdirAt:
      return Ret(::mkdirat(r.fd, r.path, r.mode));
    case IoOpcode::kTimeout:
      std::this_thread::sleep_for(r.timeout);
      return 0;
    case IoOpcode::kPollIn:
      return WaitFd(r.fd, POLLIN, r.timeout);
    case IoOpcode::kPollOut:
      return WaitFd(r.fd, POLLOUT, r.timeout);
    case IoOpcode::kCall:
      return r.fn(r.arg);
  }
  return -ENOSYS;
}

}  // namespace strata::runtime
