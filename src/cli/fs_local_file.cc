// LocalFile: blocking POSIX reads, temporary files and atomic commit.

#include "cli/fs_local_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <utility>

namespace strata::cli {

LocalFile::LocalFile(int fd, std::string path, bool temporary, uint64_t size)
    : fd_(fd), path_(std::move(path)), temporary_(temporary), size_(size) {}

LocalFile::LocalFile(LocalFile&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      path_(std::move(other.path_)),
      temporary_(std::exchange(other.temporary_, false)),
      size_(other.size_) {}

LocalFile::~LocalFile() {
  if (fd_ >= 0) ::close(fd_);
  if (temporary_) ::unlink(path_.c_str());
}

Result<LocalFile> LocalFile::OpenForRead(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoToStatus(errno, "open " + path);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return ErrnoToStatus(err, "stat " + path);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return InvalidArgumentError(path + ": not a regular file");
  }
  return LocalFile(fd, path, false, static_cast<uint64_t>(st.st_size));
}

Result<LocalFile> LocalFile::CreateTempNextTo(const std::string& target) {
  std::filesystem::path path(target);
  std::string dir = path.has_parent_path() ? path.parent_path().string() : ".";
  std::string tmpl =
      fmt::format("{}/.{}.strata-XXXXXX", dir, path.filename().string());
  int fd = ::mkostemp(tmpl.data(), O_CLOEXEC);
  if (fd < 0) return ErrnoToStatus(errno, "create a file in " + dir);
  return LocalFile(fd, std::move(tmpl), true, 0);
}

Result<size_t> LocalFile::Read(char* buffer, size_t n) {
  while (true) {
    ssize_t got = ::read(fd_, buffer, n);
    if (got >= 0) return static_cast<size_t>(got);
    if (errno != EINTR) return ErrnoToStatus(errno, "read " + path_);
  }
}

Status LocalFile::Write(std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd_, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoToStatus(errno, "write " + path_);
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::OK();
}

namespace {

// Flushes the directory holding `path` so a rename into it survives a crash.
Status SyncParentDir(const std::string& path) {
  std::filesystem::path p(path);
  std::string dir = p.has_parent_path() ? p.parent_path().string() : ".";
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoToStatus(errno, "open directory " + dir);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  // Some file systems cannot fsync a directory; the rename still happened.
  if (rc != 0 && err != EINVAL && err != ENOTSUP) {
    return ErrnoToStatus(err, "sync directory " + dir);
  }
  return Status::OK();
}

}  // namespace

Status LocalFile::CommitAs(const std::string& target) {
  mode_t mask = ::umask(0);
  ::umask(mask);
  if (::fchmod(fd_, 0666 & ~mask) != 0) {
    return ErrnoToStatus(errno, "chmod " + target);
  }
  if (::fsync(fd_) != 0) return ErrnoToStatus(errno, "sync " + target);
  int fd = std::exchange(fd_, -1);
  if (::close(fd) != 0) return ErrnoToStatus(errno, "write " + target);
  if (::rename(path_.c_str(), target.c_str()) != 0) {
    return ErrnoToStatus(errno, "rename to " + target);
  }
  temporary_ = false;
  return SyncParentDir(target);
}

}  // namespace strata::cli
