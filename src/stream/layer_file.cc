#include "stream/layer_file.h"

#include <utility>

namespace strata::stream {

LayerFile::LayerFile(std::string layer, Mode mode,
                     std::unique_ptr<fs::File> inner)
    : layer_(std::move(layer)), mode_(mode), inner_(std::move(inner)) {}

std::string LayerFile::Context(const char* op) const {
  std::string out = layer_;
  out += ' ';
  out += op;
  out += ' ';
  out += inner_->path();
  return out;
}

Status LayerFile::Check(const char* op, Mode wanted,
                        const fs::IoOptions& options) const {
  if (closed_) return FailedPreconditionError(Context(op) + ": file is closed");
  if (mode_ != wanted) {
    return FailedPreconditionError(Context(op) +
                                   (mode_ == Mode::kWrite
                                        ? ": opened for writing (encode)"
                                        : ": opened for reading (decode)"));
  }
  if (options.stop.stop_requested()) {
    return CancelledError(Context(op) + ": cancelled");
  }
  return Status::OK();
}

Task<Result<size_t>> LayerFile::ReadAt(fs::MutableBytes dst, uint64_t offset,
                                       const fs::IoOptions& options) {
  STRATA_CO_RETURN_IF_ERROR(Check("read", Mode::kRead, options));
  if (dst.empty()) co_return size_t{0};
  co_return co_await DoReadAt(dst, offset);
}

Task<Result<size_t>> LayerFile::ReadV(std::span<const fs::MutableBytes> dsts,
                                      uint64_t offset,
                                      const fs::IoOptions& options) {
  STRATA_CO_RETURN_IF_ERROR(Check("read", Mode::kRead, options));
  size_t total = 0;
  for (fs::MutableBytes dst : dsts) {
    if (dst.empty()) continue;
    Result<size_t> n = co_await DoReadAt(dst, offset + total);
    if (!n.ok()) co_return n.status();
    total += *n;
    if (*n < dst.size()) break;  // EOF
  }
  co_return total;
}

Task<Status> LayerFile::Write(fs::ConstBytes src,
                              const fs::IoOptions& options) {
  STRATA_CO_RETURN_IF_ERROR(Check("write", Mode::kWrite, options));
  if (!write_error_.ok()) co_return write_error_;
  if (src.empty()) co_return Status::OK();
  Status s = co_await DoWrite(src);
  if (!s.ok()) {
    write_error_ = s;
    co_return s;
  }
  plain_written_ += src.size();
  co_return Status::OK();
}

Task<Status> LayerFile::WriteV(std::span<const fs::ConstBytes> srcs,
                               const fs::IoOptions& options) {
  STRATA_CO_RETURN_IF_ERROR(Check("write", Mode::kWrite, options));
  if (!write_error_.ok()) co_return write_error_;
  uint64_t total = 0;
  for (fs::ConstBytes src : srcs) total += src.size();
  if (total == 0) co_return Status::OK();
  Status s = co_await DoWriteV(srcs);
  if (!s.ok()) {
    write_error_ = s;
    co_return s;
  }
  plain_written_ += total;
  co_return Status::OK();
}

Task<Status> LayerFile::WriteAt(fs::ConstBytes, uint64_t,
                                const fs::IoOptions&) {
  co_return FailedPreconditionError(Context("write_at") +
                                    ": stream layers are written sequentially");
}

Task<Status> LayerFile::Sync() {
  STRATA_CO_RETURN_IF_ERROR(Check("sync", Mode::kWrite, fs::IoOptions()));
  if (!write_error_.ok()) co_return write_error_;
  Status s = co_await DoFlush();
  if (s.ok()) s = co_await inner_->Sync();
  // A failed flush may have left part of a block in the inner file, and a
  // failed fsync says nothing about what is durable: the stream is unusable.
  if (!s.ok()) write_error_ = s;
  co_return s;
}

Task<Result<uint64_t>> LayerFile::Size() {
  if (closed_) {
    co_return FailedPreconditionError(Context("size") + ": file is closed");
  }
  if (mode_ == Mode::kWrite) co_return plain_written_;
  co_return co_await DoSize();
}

Task<Status> LayerFile::Close() {
  if (closed_) co_return Status::OK();
  closed_ = true;
  if (mode_ == Mode::kRead) co_return co_await inner_->Close();
  Status s = write_error_;
  if (s.ok()) s = co_await DoClose();
  if (!s.ok()) {
    (co_await inner_->Abort()).IgnoreError();
    co_return s;
  }
  co_return co_await inner_->Close();
}

Task<Status> LayerFile::Abort() {
  if (closed_) co_return Status::OK();
  closed_ = true;
  co_return co_await inner_->Abort();
}

Task<Status> LayerFile::DoWrite(fs::ConstBytes) {
  co_return UnimplementedError(Context("write") + ": not a writer");
}

Task<Status> LayerFile::DoWriteV(std::span<const fs::ConstBytes> srcs) {
  for (fs::ConstBytes src : srcs) {
    if (src.empty()) continue;
    STRATA_CO_RETURN_IF_ERROR(co_await DoWrite(src));
  }
  co_return Status::OK();
}

Task<Status> LayerFile::DoFlush() { co_return Status::OK(); }

Task<Status> LayerFile::DoClose() { co_return Status::OK(); }

Task<Result<size_t>> LayerFile::DoReadAt(fs::MutableBytes, uint64_t) {
  co_return UnimplementedError(Context("read") + ": not a reader");
}

Task<Result<uint64_t>> LayerFile::DoSize() {
  co_return UnimplementedError(Context("size") + ": not a reader");
}

}  // namespace strata::stream
