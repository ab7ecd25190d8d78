#include "fs/local_blocking.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <vector>

#include "fs/local_util.h"
#include "strata/fs/registry.h"

namespace strata::fs::local {
namespace {

Status Errno(const char* op, const std::string& path) {
  return PathError(-errno, op, path);
}

// Could a directory at relative path `rel` contain entries matching prefix?
bool MayContain(const std::string& rel, const std::string& prefix) {
  std::string dir = rel + "/";
  return dir.starts_with(prefix) || prefix.starts_with(dir);
}

class Scanner {
 public:
  Scanner(const std::string& root, const ListOptions& o) : root_(root), o_(o) {}

  Status Scan(const std::string& rel) {
    std::string abs = rel.empty() ? root_ : JoinPath(root_, rel);
    DIR* d = ::opendir(abs.c_str());
    if (d == nullptr) {
      if (errno == ENOTDIR) {
        return InvalidArgumentError("list " + abs + ": not a directory");
      }
      return Errno("list", abs);
    }
    std::vector<std::string> subdirs;
    while (struct dirent* e = ::readdir(d)) {
      std::string name = e->d_name;
      if (name == "." || name == "..") continue;
      std::string child = rel;
      if (!child.empty()) child += '/';
      child += name;
      AddEntry(::dirfd(d), name, child, &subdirs);
    }
    ::closedir(d);
    if (!o_.recursive) return Status::OK();
    for (const auto& sub : subdirs) {
      Status s = Scan(sub);
      if (!s.ok() && s.code() != StatusCode::kNotFound) return s;
    }
    return Status::OK();
  }

  std::vector<FileInfo> Take() {
    std::sort(out_.begin(), out_.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<FileInfo> infos;
    infos.reserve(out_.size());
    for (auto& [rel, info] : out_) infos.push_back(std::move(info));
    return infos;
  }

 private:
  void AddEntry(int dirfd, const std::string& name, const std::string& rel,
                std::vector<std::string>* subdirs) {
    struct statx st {};
    if (::statx(dirfd, name.c_str(), 0, STATX_BASIC_STATS, &st) != 0 &&
        ::statx(dirfd, name.c_str(), AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS,
                &st) != 0) {
      return;  // vanished meanwhile
    }
    struct statx lst {};
    bool real_dir = ::statx(dirfd, name.c_str(), AT_SYMLINK_NOFOLLOW,
                            STATX_TYPE, &lst) == 0 &&
                    S_ISDIR(lst.stx_mode);
    if (real_dir && o_.recursive && MayContain(rel, o_.prefix)) {
      subdirs->push_back(rel);
    }
    if (!rel.starts_with(o_.prefix)) return;
    if (!o_.start_after.empty() && rel <= o_.start_after) return;
    out_.emplace_back(rel, InfoFromStatx(JoinPath(root_, rel), st));
  }

  const std::string& root_;
  const ListOptions& o_;
  std::vector<std::pair<std::string, FileInfo>> out_;
};

}  // namespace

Result<std::vector<FileInfo>> ScanDirectory(const std::string& dir,
                                            const ListOptions& options) {
  Scanner scanner(dir, options);
  STRATA_RETURN_IF_ERROR(scanner.Scan(""));
  return scanner.Take();
}

Status MakeDirs(const std::string& path) {
  std::string prefix;
  size_t pos = 0;
  while (pos < path.size()) {
    size_t next = path.find('/', pos + 1);
    if (next == std::string::npos) next = path.size();
    prefix = path.substr(0, next);
    pos = next;
    if (::mkdir(prefix.c_str(), 0755) == 0) continue;
    if (errno != EEXIST) return Errno("mkdir", prefix);
    struct stat st {};
    if (::stat(prefix.c_str(), &st) != 0) return Errno("mkdir", prefix);
    if (!S_ISDIR(st.st_mode)) {
      return AlreadyExistsError("mkdir " + path + ": " + prefix +
                                " exists and is not a directory");
    }
  }
  return Status::OK();
}

Status RemoveTree(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return Errno("remove directory", path);
  if (!S_ISDIR(st.st_mode)) {
    return InvalidArgumentError("remove directory " + path +
                                ": not a directory");
  }
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
  if (ec) return ErrnoToStatus(ec.value(), "remove directory " + path);
  return Status::OK();
}

namespace {

Status CopyData(int in, int out, const std::string& from,
                const std::string& to) {
  bool use_cfr = true;
  std::vector<char> buf;
  for (;;) {
    ssize_t n;
    if (use_cfr) {
      n = ::copy_file_range(in, nullptr, out, nullptr, 1 << 30, 0);
      if (n < 0 && (errno == EXDEV || errno == EINVAL || errno == ENOSYS ||
                    errno == EOPNOTSUPP)) {
        use_cfr = false;
        buf.resize(1 << 20);
        continue;
      }
    } else {
      n = ::read(in, buf.data(), buf.size());
      if (n > 0 && ::write(out, buf.data(), n) != n) {
        return Errno("copy: write", to);
      }
    }
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno("copy", from + " to " + to);
    }
    if (n == 0) return Status::OK();
  }
}

}  // namespace

Status CopyFile(const std::string& from, const std::string& to) {
  int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return Errno("copy: open", from);
  struct stat st {};
  if (::fstat(in, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(in);
    return InvalidArgumentError("copy " + from + ": is a directory");
  }
  int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0) {
    Status s = Errno("copy: open", to);
    ::close(in);
    return s;
  }
  Status s = CopyData(in, out, from, to);
  ::close(in);
  if (::close(out) != 0 && s.ok()) s = Errno("copy: close", to);
  return s;
}

}  // namespace strata::fs::local
