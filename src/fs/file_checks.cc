#include "fs/file_checks.h"

#include <algorithm>
#include <cerrno>
#include <iterator>

namespace strata::fs::file_checks {
namespace {

bool Aligned(uint64_t value) { return value % kDirectIoAlignment == 0; }

}  // namespace

std::string Context(const char* op, const std::string& path) {
  std::string context(op);
  context += ' ';
  context += path;
  return context;
}

Status CheckRequest(const char* op, const std::string& path, bool writing,
                    bool readable, bool writable, const IoOptions& options) {
  if (options.stop.stop_requested()) {
    return Status(StatusCode::kCancelled, Context(op, path) + ": cancelled",
                  ECANCELED);
  }
  if (writing ? !writable : !readable) {
    return Status(StatusCode::kInvalidArgument,
                  Context(op, path) + (writing ? ": not opened for writing"
                                               : ": not opened for reading"),
                  EBADF);
  }
  return Status::OK();
}

Status CheckDirectAligned(bool direct, const char* op, const std::string& path,
                          const void* data, size_t len, uint64_t offset) {
  if (!direct) return Status::OK();
  if (Aligned(reinterpret_cast<uintptr_t>(data)) && Aligned(len) &&
      Aligned(offset)) {
    return Status::OK();
  }
  return Status(StatusCode::kInvalidArgument,
                Context(op, path) +
                    ": O_DIRECT needs buffer address, length and offset "
                    "aligned to kDirectIoAlignment (4096 bytes)",
                EINVAL);
}

ListStream PageEntries(std::function<Result<std::vector<FileInfo>>()> list,
                       size_t page_size) {
  Result<std::vector<FileInfo>> all = list();
  if (!all.ok()) {
    co_yield Result<ListPage>(all.status());
    co_return;
  }
  std::vector<FileInfo>& entries = all.value();
  for (size_t begin = 0; begin < entries.size(); begin += page_size) {
    size_t end = std::min(entries.size(), begin + page_size);
    ListPage page(std::make_move_iterator(entries.begin() + begin),
                  std::make_move_iterator(entries.begin() + end));
    co_yield Result<ListPage>(std::move(page));
  }
}

}  // namespace strata::fs::file_checks
