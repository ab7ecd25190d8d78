// MemoryFile: reads and writes over a memory_internal::Data.

#include <cerrno>
#include <cstring>
#include <new>

#include "fs/file_checks.h"
#include "fs/memory_tree.h"
#include "strata/fs/memory.h"

namespace strata::fs {
namespace {

using file_checks::Context;

// Larger files are refused with EFBIG rather than attempted.
constexpr uint64_t kMaxFileSize = uint64_t{1} << 40;

// Grows `bytes` to `size` (zero-filled); false if memory runs out.
bool GrowTo(std::vector<std::byte>& bytes, uint64_t size) {
  if (size <= bytes.size()) return true;
  if (size > bytes.max_size()) return false;
  try {
    bytes.resize(size);
  } catch (const std::bad_alloc&) {
    return false;
  }
  return true;
}

}  // namespace

MemoryFile::MemoryFile(std::string path,
                       std::shared_ptr<memory_internal::Data> data, Mode mode,
                       memory_internal::Tree* created_in)
    : path_(std::move(path)),
      data_(std::move(data)),
      mode_(mode),
      created_in_(created_in) {}

MemoryFile::~MemoryFile() = default;

Status MemoryFile::CheckOpen(const char* op) const {
  if (closed_.load(std::memory_order_acquire)) {
    return FailedPreconditionError(Context(op, path_) + ": file is closed");
  }
  return Status::OK();
}

Status MemoryFile::CheckUsable(const char* op, bool writing,
                               const IoOptions& options) const {
  STRATA_RETURN_IF_ERROR(CheckOpen(op));
  return file_checks::CheckRequest(op, path_, writing, mode_.read, mode_.write,
                                   options);
}

Status MemoryFile::CheckAligned(const char* op, const void* data, size_t len,
                                uint64_t offset) const {
  return file_checks::CheckDirectAligned(mode_.direct, op, path_, data, len,
                                         offset);
}

Result<size_t> MemoryFile::DoRead(std::span<const MutableBytes> dsts,
                                  uint64_t offset, const IoOptions& options) {
  STRATA_RETURN_IF_ERROR(CheckUsable("read", false, options));
  uint64_t at = offset;
  for (const MutableBytes& dst : dsts) {
    STRATA_RETURN_IF_ERROR(CheckAligned("read", dst.data(), dst.size(), at));
    at += dst.size();
  }
  std::shared_lock lock(data_->mu);
  const std::vector<std::byte>& bytes = data_->bytes;
  size_t total = 0;
  for (const MutableBytes& dst : dsts) {
    if (offset >= bytes.size()) break;
    size_t n = static_cast<size_t>(
        std::min<uint64_t>(dst.size(), bytes.size() - offset));
    if (n > 0) std::memcpy(dst.data(), bytes.data() + offset, n);
    offset += n;
    total += n;
    if (n < dst.size()) break;
  }
  return total;
}

Status MemoryFile::DoWrite(const char* op, std::span<const ConstBytes> srcs,
                           std::optional<uint64_t> at,
                           const IoOptions& options) {
  STRATA_RETURN_IF_ERROR(CheckUsable(op, true, options));
  uint64_t total = 0;
  for (const ConstBytes& src : srcs) total += src.size();
  std::unique_lock lock(data_->mu);
  std::vector<std::byte>& bytes = data_->bytes;
  uint64_t pos = at ? *at : (mode_.append ? bytes.size() : write_offset_);
  uint64_t check_at = pos;
  for (const ConstBytes& src : srcs) {
    STRATA_RETURN_IF_ERROR(CheckAligned(op, src.data(), src.size(), check_at));
    check_at += src.size();
  }
  if (pos > kMaxFileSize || total > kMaxFileSize - pos) {
    return ErrnoToStatus(EFBIG, Context(op, path_));
  }
  if (!GrowTo(bytes, pos + total)) {
    return ErrnoToStatus(ENOMEM, Context(op, path_));
  }
  uint64_t end = pos;
  for (const ConstBytes& src : srcs) {
    if (!src.empty()) std::memcpy(bytes.data() + end, src.data(), src.size());
    end += src.size();
  }
  if (total > 0) data_->Touch();
  if (!at) write_offset_ = end;
  return Status::OK();
}

Task<Result<size_t>> MemoryFile::ReadAt(MutableBytes dst, uint64_t offset,
                                        const IoOptions& options) {
  co_return DoRead(std::span<const MutableBytes>(&dst, 1), offset, options);
}

Task<Result<size_t>> MemoryFile::ReadV(std::span<const MutableBytes> dsts,
                                       uint64_t offset,
                                       const IoOptions& options) {
  co_return DoRead(dsts, offset, options);
}

Task<Status> MemoryFile::Write(ConstBytes src, const IoOptions& options) {
  co_return DoWrite("write", std::span<const ConstBytes>(&src, 1), std::nullopt,
                    options);
}

Task<Status> MemoryFile::WriteV(std::span<const ConstBytes> srcs,
                                const IoOptions& options) {
  co_return DoWrite("write", srcs, std::nullopt, options);
}

Task<Status> MemoryFile::WriteAt(ConstBytes src, uint64_t offset,
                                 const IoOptions& options) {
  co_return DoWrite("write", std::span<const ConstBytes>(&src, 1), offset,
                    options);
}

Task<Status> MemoryFile::Preallocate(uint64_t offset, uint64_t length) {
  STRATA_CO_RETURN_IF_ERROR(CheckOpen("fallocate"));
  if (offset > kMaxFileSize || length > kMaxFileSize - offset) {
    co_return ErrnoToStatus(EFBIG, Context("fallocate", path_));
  }
  std::unique_lock lock(data_->mu);
  if (data_->bytes.size() >= offset + length) co_return Status::OK();
  if (!GrowTo(data_->bytes, offset + length)) {
    co_return ErrnoToStatus(ENOMEM, Context("fallocate", path_));
  }
  data_->Touch();
  co_return Status::OK();
}

Task<Status> MemoryFile::Sync() { co_return CheckOpen("sync"); }

Task<Result<uint64_t>> MemoryFile::Size() {
  STRATA_CO_RETURN_IF_ERROR(CheckOpen("size"));
  std::shared_lock lock(data_->mu);
  co_return static_cast<uint64_t>(data_->bytes.size());
}

Task<Status> MemoryFile::Close() {
  closed_.store(true, std::memory_order_release);
  co_return Status::OK();
}

Task<Status> MemoryFile::Abort() {
  if (closed_.exchange(true, std::memory_order_acq_rel)) co_return Status::OK();
  if (created_in_ != nullptr) created_in_->RemoveIfSame(path_, data_);
  co_return Status::OK();
}

}  // namespace strata::fs
