#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

#include "fs/local_util.h"
#include "strata/fs/local.h"
#include "strata/runtime/io.h"

namespace strata::fs {

using local::FileOpsLimit;

LocalFile::LocalFile(int fd, std::string path, bool direct,
                     uint64_t write_offset, bool remove_on_abort)
    : fd_(fd),
      path_(std::move(path)),
      direct_(direct),
      write_offset_(write_offset),
      remove_on_abort_(remove_on_abort) {}

LocalFile::~LocalFile() {
  if (fd_ >= 0) ::close(fd_);  // never blocks on I/O: no sync here
}

Status LocalFile::CheckOpen() const {
  if (fd_ >= 0) return Status::OK();
  return FailedPreconditionError("file " + path_ + " is closed");
}

Status LocalFile::CheckAligned(const void* data, size_t len,
                               uint64_t offset) const {
  if (!direct_) return Status::OK();
  const auto a = kDirectIoAlignment;
  if (reinterpret_cast<uintptr_t>(data) % a == 0 && len % a == 0 &&
      offset % a == 0) {
    return Status::OK();
  }
  return InvalidArgumentError("O_DIRECT I/O on " + path_ +
                              " needs buffer address, offset and length "
                              "aligned to " +
                              std::to_string(a) + " bytes (got offset " +
                              std::to_string(offset) + ", length " +
                              std::to_string(len) + ")");
}

Status LocalFile::IoError(int neg_errno, const char* op) const {
  return local::PathError(neg_errno, op, path_);
}

Task<Result<size_t>> LocalFile::ReadAt(MutableBytes dst, uint64_t offset,
                                       const IoOptions& options) {
  STRATA_CO_RETURN_IF_ERROR(CheckOpen());
  STRATA_CO_RETURN_IF_ERROR(CheckAligned(dst.data(), dst.size(), offset));
  auto permit = co_await FileOpsLimit().Acquire();
  int64_t n = co_await runtime::ReadFull(fd_, dst, offset, options.stop);
  if (n < 0) co_return IoError(static_cast<int>(n), "read");
  co_return static_cast<size_t>(n);
}

namespace {
template <typename Bytes>
std::vector<struct iovec> ToIovecs(std::span<const Bytes> bufs) {
  std::vector<struct iovec> iov;
  iov.reserve(bufs.size());
  for (const auto& b : bufs) {
    iov.push_back({const_cast<std::byte*>(b.data()), b.size()});
  }
  return iov;
}
}  // namespace

Task<Result<size_t>> LocalFile::ReadV(std::span<const MutableBytes> dsts,
                                      uint64_t offset,
                                      const IoOptions& options) {
  STRATA_CO_RETURN_IF_ERROR(CheckOpen());
  for (const auto& d : dsts) {
    STRATA_CO_RETURN_IF_ERROR(CheckAligned(d.data(), d.size(), offset));
  }
  auto iov = ToIovecs(dsts);
  auto permit = co_await FileOpsLimit().Acquire();
  int64_t n = co_await runtime::ReadVFull(fd_, iov, offset, options.stop);
  if (n < 0) co_return IoError(static_cast<int>(n), "read");
  co_return static_cast<size_t>(n);
}

Task<Status> LocalFile::Write(ConstBytes src, const IoOptions& options) {
  STRATA_CO_RETURN_IF_ERROR(CheckOpen());
  STRATA_CO_RETURN_IF_ERROR(
      CheckAligned(src.data(), src.size(), write_offset_));
  auto permit = co_await FileOpsLimit().Acquire();
  const int flags = options.dsync ? RWF_DSYNC : 0;
  int64_t n =
      co_await runtime::WriteFull(fd_, src, write_offset_, options.stop, flags);
  if (n < 0) co_return IoError(static_cast<int>(n), "write");
  write_offset_ += static_cast<uint64_t>(n);
  co_return Status::OK();
}

Task<Status> LocalFile::WriteV(std::span<const ConstBytes> srcs,
                               const IoOptions& options) {
  STRATA_CO_RETURN_IF_ERROR(CheckOpen());
  for (const auto& s : srcs) {
    STRATA_CO_RETURN_IF_ERROR(CheckAligned(s.data(), s.size(), write_offset_));
  }
  auto iov = ToIovecs(srcs);
  auto permit = co_await FileOpsLimit().Acquire();
  const int flags = options.dsync ? RWF_DSYNC : 0;
  int64_t n = co_await runtime::WriteVFull(fd_, iov, write_offset_,
                                           options.stop, flags);
  if (n < 0) co_return IoError(static_cast<int>(n), "write");
  write_offset_ += static_cast<uint64_t>(n);
  co_return Status::OK();
}

Status LocalFile::WriteAtInline(ConstBytes src, uint64_t offset,
                                int flags) const {
  size_t done = 0;
  while (done < src.size()) {
    struct iovec iov {
      const_cast<std::byte*>(src.data() + done), src.size() - done
    };
    ssize_t n =
        ::pwritev2(fd_, &iov, 1, static_cast<off_t>(offset + done), flags);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return IoError(-errno, "write");
    if (n == 0) return IoError(-EIO, "write");
    done += static_cast<size_t>(n);
  }
  return Status::OK();
}

Task<Status> LocalFile::WriteAt(ConstBytes src, uint64_t offset,
                                const IoOptions& options) {
  STRATA_CO_RETURN_IF_ERROR(CheckOpen());
  STRATA_CO_RETURN_IF_ERROR(CheckAligned(src.data(), src.size(), offset));
  if (options.inline_blocking) {
    co_return WriteAtInline(src, offset, options.dsync ? RWF_DSYNC : 0);
  }
  auto permit = co_await FileOpsLimit().Acquire();
  const int flags = options.dsync ? RWF_DSYNC : 0;
  int64_t n =
      co_await runtime::WriteFull(fd_, src, offset, options.stop, flags);
  if (n < 0) co_return IoError(static_cast<int>(n), "write");
  co_return Status::OK();
}

Task<Status> LocalFile::Preallocate(uint64_t offset, uint64_t length) {
  STRATA_CO_RETURN_IF_ERROR(CheckOpen());
  if (length == 0) co_return Status::OK();
  auto permit = co_await FileOpsLimit().Acquire();
  int64_t r = co_await runtime::Fallocate(fd_, 0, offset, length);
  if (r < 0) co_return IoError(static_cast<int>(r), "fallocate");
  co_return Status::OK();
}

Task<Status> LocalFile::Sync() {
  STRATA_CO_RETURN_IF_ERROR(CheckOpen());
  auto permit = co_await FileOpsLimit().Acquire();
  int64_t r = co_await runtime::Fsync(fd_, /*datasync=*/true);
  if (r < 0) co_return IoError(static_cast<int>(r), "fdatasync");
  co_return Status::OK();
}

Task<Result<uint64_t>> LocalFile::Size() {
  STRATA_CO_RETURN_IF_ERROR(CheckOpen());
  struct statx st {};
  auto permit = co_await FileOpsLimit().Acquire();
  int64_t r = co_await runtime::Statx(fd_, "", AT_EMPTY_PATH, STATX_SIZE, &st);
  if (r < 0) co_return IoError(static_cast<int>(r), "stat");
  co_return static_cast<uint64_t>(st.stx_size);
}

Task<Status> LocalFile::Close() {
  if (fd_ < 0) co_return Status::OK();
  int fd = std::exchange(fd_, -1);
  int64_t r = co_await runtime::Close(fd);
  if (r < 0) co_return IoError(static_cast<int>(r), "close");
  co_return Status::OK();
}

Task<Status> LocalFile::Abort() {
  if (fd_ < 0) co_return Status::OK();
  Status closed = co_await Close();
  if (!remove_on_abort_) co_return closed;
  int64_t r = co_await runtime::UnlinkAt(AT_FDCWD, path_.c_str(), 0);
  if (r < 0 && r != -ENOENT) co_return IoError(static_cast<int>(r), "remove");
  co_return closed;
}

}  // namespace strata::fs
