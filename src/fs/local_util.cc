#include "fs/local_util.h"

#include <fmt/format.h>

#include "strata/runtime/runtime.h"

namespace strata::fs::local {

runtime::Semaphore& FileOpsLimit() {
  if (auto* rt = runtime::Runtime::Current()) return rt->file_ops();
  static runtime::Semaphore unlimited(1u << 30);
  return unlimited;
}

Status PathError(int64_t neg_errno, const char* op, const std::string& path) {
  std::string context(op);
  context += ' ';
  context += path;
  return ErrnoToStatus(static_cast<int>(-neg_errno), context);
}

FileInfo InfoFromStatx(const std::string& path, const struct statx& st) {
  FileInfo info;
  info.path = path;
  info.is_dir = S_ISDIR(st.stx_mode);
  info.size = info.is_dir ? 0 : st.stx_size;
  auto ns = std::chrono::seconds(st.stx_mtime.tv_sec) +
            std::chrono::nanoseconds(st.stx_mtime.tv_nsec);
  info.mtime = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(ns));
  if (!info.is_dir) {
    info.etag =
        fmt::format("{:x}-{:x}-{:x}.{:x}-{:x}.{:x}", st.stx_ino, st.stx_size,
                    st.stx_mtime.tv_sec, st.stx_mtime.tv_nsec,
                    st.stx_ctime.tv_sec, st.stx_ctime.tv_nsec);
  }
  return info;
}

}  // namespace strata::fs::local
