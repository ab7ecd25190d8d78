#include "journal/segment_writer.h"

#include <cstring>

#include "strata/core/buffer.h"
#include "strata/fs/registry.h"

namespace strata::journal {
namespace {

// O_DIRECT refusals come back as EINVAL from open(2); say what it means.
Status ExplainDirect(const Status& status, bool direct) {
  if (status.ok() || !direct || status.code() != StatusCode::kInvalidArgument) {
    return status;
  }
  return InvalidArgumentError(
      "direct I/O refused (the file system does not support O_DIRECT; "
      "open the journal without direct_io): " +
      std::string(status.message()));
}

}  // namespace

Task<Status> SegmentWriter::WriteHeader(fs::File& file, uint64_t id, Lsn base) {
  // A whole aligned block, so the header write also works with O_DIRECT.
  Buffer block = Buffer::Allocate(kSegmentDataOffset, kDirectAlignment);
  std::memset(block.data(), 0, block.size());
  SegmentHeader header;
  header.segment_id = id;
  header.base_lsn = base;
  auto encoded = EncodeSegmentHeader(header);
  std::memcpy(block.data(), encoded.data(), encoded.size());
  co_return co_await file.WriteAt(block.const_span(), 0);
}

Task<Status> SegmentWriter::Create(uint64_t id, Lsn base) {
  const std::string final_path = fs::JoinPath(dir_, SegmentFileName(id));
  const std::string temp_path = final_path + std::string(kTempSuffix);
  fs::OpenOptions create = fs::OpenOptions::Overwrite();
  create.direct = options_->direct_io;
  auto opened = co_await fs_->Open(temp_path, create);
  if (!opened.ok()) co_return ExplainDirect(opened.status(), create.direct);
  auto temp = std::move(opened).value();
  STRATA_CO_RETURN_IF_ERROR(co_await WriteHeader(*temp, id, base));
  if (options_->preallocate && options_->segment_bytes > kSegmentDataOffset) {
    STRATA_CO_RETURN_IF_ERROR(co_await temp->Preallocate(
        kSegmentDataOffset, options_->segment_bytes - kSegmentDataOffset));
  }
  STRATA_CO_RETURN_IF_ERROR(co_await temp->Sync());
  STRATA_CO_RETURN_IF_ERROR(co_await temp->Close());
  STRATA_CO_RETURN_IF_ERROR(co_await fs_->Rename(temp_path, final_path));
  STRATA_CO_RETURN_IF_ERROR(co_await fs_->SyncDir(dir_));
  if (file_) STRATA_CO_RETURN_IF_ERROR(co_await Close());
  id_ = id;
  base_ = base;
  path_ = final_path;
  co_return co_await OpenForAppend();
}

Task<Status> SegmentWriter::Reopen(uint64_t id, Lsn base, std::string path,
                                   uint64_t data_end) {
  id_ = id;
  base_ = base;
  path_ = std::move(path);
  STRATA_CO_RETURN_IF_ERROR(co_await OpenForAppend());
  if (!options_->preallocate || data_end >= options_->segment_bytes) {
    co_return Status::OK();
  }
  // Top up the preallocation (a repaired or older segment may be short).
  co_return co_await file_->Preallocate(data_end,
                                        options_->segment_bytes - data_end);
}

Task<Status> SegmentWriter::OpenForAppend() {
  fs::OpenOptions options;
  options.read = false;
  options.write = true;
  options.direct = options_->direct_io;
  auto opened = co_await fs_->Open(path_, options);
  if (!opened.ok()) co_return ExplainDirect(opened.status(), options.direct);
  file_ = std::move(opened).value();
  co_return Status::OK();
}

Task<Status> SegmentWriter::WriteAt(std::span<const std::byte> bytes,
                                    uint64_t offset, bool dsync,
                                    bool inline_blocking) {
  fs::IoOptions io;
  io.dsync = dsync;
  io.inline_blocking = inline_blocking;
  co_return co_await file_->WriteAt(bytes, offset, io);
}

Task<Status> SegmentWriter::Sync() { co_return co_await file_->Sync(); }

Task<Status> SegmentWriter::Close() {
  if (!file_) co_return Status::OK();
  Status status = co_await file_->Close();
  file_.reset();
  co_return status;
}

}  // namespace strata::journal
