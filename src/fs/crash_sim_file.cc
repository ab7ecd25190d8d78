// CrashSimFile: reads and writes over a crash_sim_internal::Node; writes are
// recorded as unsynced until Sync (or dsync).

#include <cerrno>
#include <cstring>
#include <optional>

#include "fs/crash_sim_state.h"
#include "fs/file_checks.h"

namespace strata::fs {
namespace {

using file_checks::Context;

using crash_sim_internal::Bytes;
using crash_sim_internal::kMaxFileSize;
using crash_sim_internal::NodePtr;
using State = CrashSimFileSystem::State;

// Copies `srcs` (`total` bytes) into `out`; false if memory runs out.
bool Gather(std::span<const ConstBytes> srcs, uint64_t total, Bytes& out) {
  if (!crash_sim_internal::GrowTo(out, total)) return false;
  uint64_t filled = 0;
  for (const ConstBytes& src : srcs) {
    if (!src.empty()) std::memcpy(out.data() + filled, src.data(), src.size());
    filled += src.size();
  }
  return true;
}

struct Mode {
  bool read = false;
  bool write = false;
  bool append = false;
  bool direct = false;
};

class CrashSimFile final : public File {
 public:
  CrashSimFile(std::shared_ptr<State> state, State::Opened opened, Mode mode)
      : state_(std::move(state)),
        path_(std::move(opened.path)),
        node_(std::move(opened.node)),
        mode_(mode),
        created_(opened.created),
        epoch_(state_->epoch()) {}

  const std::string& path() const override { return path_; }

  Task<Result<size_t>> ReadAt(MutableBytes dst, uint64_t offset,
                              const IoOptions& options) override {
    co_return DoRead(std::span<const MutableBytes>(&dst, 1), offset, options);
  }
  Task<Result<size_t>> ReadV(std::span<const MutableBytes> dsts,
                             uint64_t offset,
                             const IoOptions& options) override {
    co_return DoRead(dsts, offset, options);
  }
  Task<Status> Write(ConstBytes src, const IoOptions& options) override {
    co_return DoWrite(std::span<const ConstBytes>(&src, 1), std::nullopt,
                      options);
  }
  Task<Status> WriteV(std::span<const ConstBytes> srcs,
                      const IoOptions& options) override {
    co_return DoWrite(srcs, std::nullopt, options);
  }
  Task<Status> WriteAt(ConstBytes src, uint64_t offset,
                       const IoOptions& options) override {
    co_return DoWrite(std::span<const ConstBytes>(&src, 1), offset, options);
  }
  Task<Status> Sync() override { co_return DoSync(); }
  Task<Status> Preallocate(uint64_t offset, uint64_t length) override {
    co_return DoPreallocate(offset, length);
  }
  Task<Result<uint64_t>> Size() override { co_return DoSize(); }
  Task<Status> Close() override { co_return DoClose(false); }
  Task<Status> Abort() override { co_return DoClose(true); }

 private:
  // Callers hold state_->mu.
  Status CheckLive(const char* op) const;
  Status CheckUsable(const char* op, bool writing,
                     const IoOptions& options) const;
  Status CheckAligned(const char* op, const void* data, size_t len,
                      uint64_t offset) const;
  Result<size_t> DoRead(std::span<const MutableBytes> dsts, uint64_t offset,
                        const IoOptions& options);
  Status DoWrite(std::span<const ConstBytes> srcs, std::optional<uint64_t> at,
                 const IoOptions& options);
  Status DoSync();
  Status DoPreallocate(uint64_t offset, uint64_t length);
  Result<uint64_t> DoSize();
  Status DoClose(bool abort);

  const std::shared_ptr<State> state_;
  const std::string path_;
  const NodePtr node_;
  const Mode mode_;
  const bool created_;
  const uint64_t epoch_;  // the state's crash count at open
  uint64_t write_offset_ = 0;
  bool closed_ = false;  // guarded by state_->mu
};

Status CrashSimFile::CheckLive(const char* op) const {
  if (state_->epoch() != epoch_) {
    return FailedPreconditionError(Context(op, path_) +
                                   ": handle lost in a simulated crash");
  }
  if (closed_) {
    return FailedPreconditionError(Context(op, path_) + ": file is closed");
  }
  return Status::OK();
}

Status CrashSimFile::CheckUsable(const char* op, bool writing,
                                 const IoOptions& options) const {
  STRATA_RETURN_IF_ERROR(CheckLive(op));
  return file_checks::CheckRequest(op, path_, writing, mode_.read, mode_.write,
                                   options);
}

Status CrashSimFile::CheckAligned(const char* op, const void* data, size_t len,
                                  uint64_t offset) const {
  return file_checks::CheckDirectAligned(mode_.direct, op, path_, data, len,
                                         offset);
}

Result<size_t> CrashSimFile::DoRead(std::span<const MutableBytes> dsts,
                                    uint64_t offset, const IoOptions& options) {
  std::lock_guard lock(state_->mu);
  STRATA_RETURN_IF_ERROR(CheckUsable("read", false, options));
  uint64_t at = offset;
  for (const MutableBytes& dst : dsts) {
    STRATA_RETURN_IF_ERROR(CheckAligned("read", dst.data(), dst.size(), at));
    at += dst.size();
  }
  const Bytes& bytes = node_->data;
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

Status CrashSimFile::DoWrite(std::span<const ConstBytes> srcs,
                             std::optional<uint64_t> at,
                             const IoOptions& options) {
  std::lock_guard lock(state_->mu);
  STRATA_RETURN_IF_ERROR(CheckUsable("write", true, options));
  Bytes& data = node_->data;
  uint64_t pos = at ? *at : (mode_.append ? data.size() : write_offset_);
  uint64_t total = 0;
  for (const ConstBytes& src : srcs) {
    STRATA_RETURN_IF_ERROR(
        CheckAligned("write", src.data(), src.size(), pos + total));
    total += src.size();
  }
  if (pos > kMaxFileSize || total > kMaxFileSize - pos) {
    return ErrnoToStatus(EFBIG, Context("write", path_));
  }
  if (total == 0) {  // an empty write never extends a file
    if (!at) write_offset_ = pos;
    return Status::OK();
  }
  Bytes bytes;
  if (!Gather(srcs, total, bytes) ||
      !crash_sim_internal::GrowTo(data, pos + total)) {
    return ErrnoToStatus(ENOMEM, Context("write", path_));
  }
  crash_sim_internal::WriteData(*node_, pos, std::move(bytes), options.dsync);
  node_->Touch();
  if (!at) write_offset_ = pos + total;
  return Status::OK();
}

Status CrashSimFile::DoSync() {
  std::lock_guard lock(state_->mu);
  STRATA_RETURN_IF_ERROR(CheckLive("sync"));
  crash_sim_internal::SyncData(*node_);
  return Status::OK();
}

Status CrashSimFile::DoPreallocate(uint64_t offset, uint64_t length) {
  std::lock_guard lock(state_->mu);
  STRATA_RETURN_IF_ERROR(CheckLive("fallocate"));
  if (offset > kMaxFileSize || length > kMaxFileSize - offset) {
    return ErrnoToStatus(EFBIG, Context("fallocate", path_));
  }
  if (node_->data.size() >= offset + length) return Status::OK();
  if (!crash_sim_internal::ExtendData(*node_, offset + length)) {
    return ErrnoToStatus(ENOMEM, Context("fallocate", path_));
  }
  node_->Touch();
  return Status::OK();
}

Result<uint64_t> CrashSimFile::DoSize() {
  std::lock_guard lock(state_->mu);
  STRATA_RETURN_IF_ERROR(CheckLive("size"));
  return static_cast<uint64_t>(node_->data.size());
}

Status CrashSimFile::DoClose(bool abort) {
  {
    std::lock_guard lock(state_->mu);
    if (state_->epoch() != epoch_) {
      return CheckLive(abort ? "abort" : "close");
    }
    if (closed_) return Status::OK();
    closed_ = true;
  }
  if (abort && created_) state_->RemoveIfSame(path_, node_);
  return Status::OK();
}

}  // namespace

std::unique_ptr<File> NewCrashSimFile(std::shared_ptr<State> state,
                                      State::Opened opened,
                                      const OpenOptions& options) {
  Mode mode;
  mode.read = options.read || !options.write;
  mode.write = options.write;
  mode.append = options.append;
  mode.direct = options.direct;
  return std::make_unique<CrashSimFile>(std::move(state), std::move(opened),
                                        mode);
}

}  // namespace strata::fs
