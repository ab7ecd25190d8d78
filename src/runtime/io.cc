#include "strata/runtime/io.h"

#include <cerrno>
#include <vector>

namespace strata::runtime {
namespace {

IoRequest FdRequest(IoOpcode opcode, int fd) {
  IoRequest r;
  r.opcode = opcode;
  r.fd = fd;
  return r;
}

Task<int64_t> Run(IoRequest req, std::stop_token stop = {}) {
  co_return co_await IoOp(req, std::move(stop));
}

// Drops the first `n` bytes from an iovec array.
void Advance(std::vector<struct iovec>& iov, size_t& first, uint64_t n) {
  while (n > 0 && first < iov.size()) {
    if (n >= iov[first].iov_len) {
      n -= iov[first].iov_len;
      ++first;
      continue;
    }
    iov[first].iov_base = static_cast<char*>(iov[first].iov_base) + n;
    iov[first].iov_len -= n;
    n = 0;
  }
  while (first < iov.size() && iov[first].iov_len == 0) ++first;
}

Task<int64_t> VectoredFull(IoOpcode opcode, int fd,
                           std::span<const struct iovec> in, uint64_t offset,
                           std::stop_token stop, int rw_flags) {
  std::vector<struct iovec> iov(in.begin(), in.end());
  size_t first = 0;
  Advance(iov, first, 0);
  int64_t total = 0;
  while (first < iov.size()) {
    IoRequest req = FdRequest(opcode, fd);
    req.iov = iov.data() + first;
    req.iovcnt =
        static_cast<int>(std::min<size_t>(iov.size() - first, IOV_MAX));
    req.offset = offset + static_cast<uint64_t>(total);
    req.rw_flags = rw_flags;
    int64_t n = co_await IoOp(req, stop);
    if (n < 0) co_return n;
    if (n == 0) {
      if (opcode == IoOpcode::kReadV) break;  // EOF
      co_return -EIO;                         // a write that makes no progress
    }
    total += n;
    Advance(iov, first, static_cast<uint64_t>(n));
  }
  co_return total;
}

}  // namespace

Task<int64_t> ReadFull(int fd, std::span<std::byte> dst, uint64_t offset,
                       std::stop_token stop) {
  size_t done = 0;
  while (done < dst.size()) {
    IoRequest req = FdRequest(IoOpcode::kRead, fd);
    req.buf = dst.data() + done;
    req.len = dst.size() - done;
    req.offset = offset + done;
    int64_t n = co_await IoOp(req, stop);
    if (n < 0) co_return n;
    if (n == 0) break;  // EOF
    done += static_cast<size_t>(n);
  }
  co_return static_cast<int64_t>(done);
}

Task<int64_t> WriteFull(int fd, std::span<const std::byte> src, uint64_t offset,
                        std::stop_token stop, int rw_flags) {
  size_t done = 0;
  while (done < src.size()) {
    IoRequest req = FdRequest(IoOpcode::kWrite, fd);
    req.buf = const_cast<std::byte*>(src.data() + done);
    req.len = src.size() - done;
    req.offset = offset + done;
    req.rw_flags = rw_flags;
    int64_t n = co_await IoOp(req, stop);
    if (n < 0) co_return n;
    if (n == 0) co_return -EIO;
    done += static_cast<size_t>(n);
  }
  co_return static_cast<int64_t>(done);
}

Task<int64_t> ReadVFull(int fd, std::span<const struct iovec> iov,
                        uint64_t offset, std::stop_token stop) {
  return VectoredFull(IoOpcode::kReadV, fd, iov, offset, std::move(stop), 0);
}

Task<int64_t> WriteVFull(int fd, std::span<const struct iovec> iov,
                         uint64_t offset, std::stop_token stop, int rw_flags) {
  return VectoredFull(IoOpcode::kWriteV, fd, iov, offset, std::move(stop),
                      rw_flags);
}

Task<int64_t> Fsync(int fd, bool datasync) {
  IoRequest r = FdRequest(IoOpcode::kFsync, fd);
  r.flags = datasync ? 1 : 0;
  return Run(r);
}

Task<int64_t> OpenAt(int dirfd, const char* path, int flags, mode_t mode) {
  IoRequest r = FdRequest(IoOpcode::kOpenAt, dirfd);
  r.path = path;
  r.flags = flags;
  r.mode = mode;
  return Run(r);
}

Task<int64_t> Close(int fd) { return Run(FdRequest(IoOpcode::kClose, fd)); }

Task<int64_t> Statx(int dirfd, const char* path, int flags, unsigned mask,
                    struct statx* out) {
  IoRequest r = FdRequest(IoOpcode::kStatx, dirfd);
  r.path = path;
  r.flags = flags;
  r.mask = mask;
  r.statx_buf = out;
  return Run(r);
}

Task<int64_t> Fallocate(int fd, int mode, uint64_t offset, uint64_t len) {
  IoRequest r = FdRequest(IoOpcode::kFallocate, fd);
  r.flags = mode;
  r.offset = offset;
  r.len = len;
  return Run(r);
}

Task<int64_t> RenameAt(int olddirfd, const char* oldpath, int newdirfd,
                       const char* newpath, unsigned flags) {
  IoRequest r = FdRequest(IoOpcode::kRenameAt, olddirfd);
  r.path = oldpath;
  r.fd2 = newdirfd;
  r.path2 = newpath;
  r.flags = static_cast<int>(flags);
  return Run(r);
}

Task<int64_t> UnlinkAt(int dirfd, const char* path, int flags) {
  IoRequest r = FdRequest(IoOpcode::kUnlinkAt, dirfd);
  r.path = path;
  r.flags = flags;
  return Run(r);
}

Task<int64_t> MkdirAt(int dirfd, const char* path, mode_t mode) {
  IoRequest r = FdRequest(IoOpcode::kMkdirAt, dirfd);
  r.path = path;
  r.mode = mode;
  return Run(r);
}

Task<Status> SleepFor(std::chrono::nanoseconds duration, std::stop_token stop) {
  IoRequest r;
  r.opcode = IoOpcode::kTimeout;
  r.timeout = duration.count() > 0 ? duration : std::chrono::nanoseconds(0);
  int64_t res = co_await IoOp(r, std::move(stop));
  if (res == -ECANCELED) co_return CancelledError("sleep cancelled");
  if (res < 0) co_return ErrnoToStatus(static_cast<int>(-res), "sleep");
  co_return Status::OK();
}

Task<Status> SleepUntil(std::chrono::steady_clock::time_point deadline,
                        std::stop_token stop) {
  return SleepFor(deadline - std::chrono::steady_clock::now(), std::move(stop));
}

Task<int64_t> WaitReadable(int fd, std::stop_token stop) {
  return Run(FdRequest(IoOpcode::kPollIn, fd), std::move(stop));
}

Task<int64_t> WaitWritable(int fd, std::stop_token stop) {
  return Run(FdRequest(IoOpcode::kPollOut, fd), std::move(stop));
}

}  // namespace strata::runtime
