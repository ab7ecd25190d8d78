// AzureFileSystem write files: blocks staged concurrently and committed at
// Close; append blobs buffered and appended at Close (or when the buffer
// reaches append_buffer_limit). The first failure poisons the file.
#include <algorithm>
#include <cstring>
#include <random>

#include "azure/azure_fs_impl.h"
#include "strata/core/when_all.h"

namespace strata::azure {
namespace {

uint64_t NewWriterId() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  return rng();
}

using Block = std::vector<std::byte>;

class WriteFile final : public fs::File {
 public:
  WriteFile(AzureFileSystem* fs, WriteSetup setup)
      : fs_(fs),
        setup_(std::move(setup)),
        where_(SplitPath(setup_.path)),
        writer_(NewWriterId()) {
    if (setup_.existing) base_size_ = setup_.existing->size;
  }

  // Append to a block blob: keep its committed blocks, or re-stage its
  // content when it has none (a single-shot Put Blob) or foreign ids.
  Task<Status> PrepareBlockAppend() {
    STRATA_CO_ASSIGN_OR_RETURN(
        std::vector<BlockInfo> blocks,
        co_await fs_->client().GetBlockList(where_.container, where_.blob));
    uint64_t sum = 0;
    bool same_width = true;
    for (const BlockInfo& b : blocks) {
      sum += b.size;
      same_width = same_width && b.id.size() == BlockId(0, 0).size();
    }
    if (!blocks.empty() && same_width && sum == base_size_) {
      for (BlockInfo& b : blocks) {
        BlockRef ref;
        ref.id = std::move(b.id);
        ref.list = BlockRef::List::kCommitted;
        refs_.push_back(std::move(ref));
      }
      co_return Status::OK();
    }
    co_return co_await RestageExisting();
  }

  const std::string& path() const override { return setup_.path; }

  Task<Result<size_t>> ReadAt(fs::MutableBytes, uint64_t,
                              const fs::IoOptions& options) override {
    if (closed_) co_return ClosedError("ReadAt", setup_.path);
    if (options.stop.stop_requested()) {
      co_return CancelledError("ReadAt " + setup_.path + ": cancelled");
    }
    co_return NotReadable("ReadAt");
  }
  Task<Result<size_t>> ReadV(std::span<const fs::MutableBytes>, uint64_t,
                             const fs::IoOptions& options) override {
    if (closed_) co_return ClosedError("ReadV", setup_.path);
    if (options.stop.stop_requested()) {
      co_return CancelledError("ReadV " + setup_.path + ": cancelled");
    }
    co_return NotReadable("ReadV");
  }
  Task<Status> Write(fs::ConstBytes src,
                     const fs::IoOptions& options) override {
    if (closed_) co_return ClosedError("Write", setup_.path);
    if (!failed_.ok()) co_return failed_;
    if (options.stop.stop_requested()) {
      co_return CancelledError("Write " + setup_.path + ": cancelled");
    }
    co_return co_await Append(src);
  }
  Task<Status> WriteV(std::span<const fs::ConstBytes> srcs,
                      const fs::IoOptions& options) override {
    if (closed_) co_return ClosedError("WriteV", setup_.path);
    for (const fs::ConstBytes& src : srcs) {
      STRATA_CO_RETURN_IF_ERROR(co_await Write(src, options));
    }
    co_return Status::OK();
  }
  Task<Status> WriteAt(fs::ConstBytes, uint64_t,
                       const fs::IoOptions&) override {
    if (closed_) co_return ClosedError("WriteAt", setup_.path);
    co_return FailedPreconditionError("WriteAt " + setup_.path +
                                      ": blobs take sequential writes only");
  }
  Task<Status> Sync() override {
    if (closed_) co_return ClosedError("Sync", setup_.path);
    co_return Status::OK();  // no durability before Close on object stores
  }
  Task<Result<uint64_t>> Size() override {
    if (closed_) co_return ClosedError("Size", setup_.path);
    co_return base_size_ + written_;
  }
  Task<Status> Close() override {
    if (closed_) co_return Status::OK();
    closed_ = true;
    if (!failed_.ok()) co_return failed_;
    co_return co_await Commit();
  }
  // Staged blocks are never committed (the service drops them) and buffered
  // append bytes are discarded; bytes already appended to an append blob
  // (past append_buffer_limit) cannot be withdrawn.
  Task<Status> Abort() override {
    closed_ = true;
    current_.clear();
    pending_.clear();
    if (append_started_) {
      co_return FailedPreconditionError(
          "abort " + setup_.path + ": " + std::to_string(appended_) +
          " or more bytes were already appended to the append blob (the "
          "write exceeded append_buffer_limit) and cannot be withdrawn");
    }
    co_return Status::OK();
  }

 private:
  bool IsAppendBlob() const {
    return setup_.existing && setup_.existing->type == BlobType::kAppend;
  }

  Status NotReadable(std::string_view op) const {
    return FailedPreconditionError(std::string(op) + " " + setup_.path +
                                   ": a blob open for writing cannot be read");
  }

  Task<Status> Append(fs::ConstBytes src) {
    written_ += src.size();
    Status st;
    if (IsAppendBlob()) {
      st = co_await BufferAppend(src);
    } else {
      st = co_await StageBlocks(src);
    }
    if (!st.ok()) failed_ = st;
    co_return st;
  }

  // Append blobs: new bytes wait in current_ until Close, unless they reach
  // the buffer limit.
  Task<Status> BufferAppend(fs::ConstBytes src) {
    size_t limit = std::max<size_t>(fs_->options().append_buffer_limit, 1);
    while (!src.empty()) {
      size_t n = std::min(src.size(), limit - current_.size());
      current_.insert(current_.end(), src.begin(), src.begin() + n);
      src = src.subspan(n);
      if (current_.size() == limit) {
        STRATA_CO_RETURN_IF_ERROR(co_await AppendBuffered());
      }
    }
    co_return Status::OK();
  }

  // Appends current_ at the position this writer expects (checked by the
  // service), so a concurrent writer fails the append instead of
  // interleaving.
  Task<Status> AppendBuffered() {
    if (current_.empty()) co_return Status::OK();
    append_started_ = true;
    uint64_t pos = base_size_ + appended_;
    Result<PutResult> r = co_await fs_->client().AppendBlock(
        where_.container, where_.blob, current_, pos);
    if (!r.ok()) co_return r.status().WithContext("append " + setup_.path);
    appended_ += current_.size();
    current_.clear();
    co_return Status::OK();
  }

  Task<Status> StageBlocks(fs::ConstBytes src) {
    size_t block = fs_->options().block_size;
    while (!src.empty()) {
      size_t n = std::min(src.size(), block - current_.size());
      current_.insert(current_.end(), src.begin(), src.begin() + n);
      src = src.subspan(n);
      if (current_.size() == block) {
        pending_.push_back(std::move(current_));
        current_ = Block();
        if (pending_.size() >= fs_->options().upload_concurrency) {
          STRATA_CO_RETURN_IF_ERROR(co_await Flush());
        }
      }
    }
    co_return Status::OK();
  }

  // Stages every pending block.
  Task<Status> Flush() {
    std::vector<Block> blocks = std::move(pending_);
    pending_.clear();
    std::vector<Task<Status>> tasks;
    for (const Block& b : blocks) {
      BlockRef ref;
      ref.id = BlockId(writer_, next_index_++);
      tasks.push_back(
          fs_->client().PutBlock(where_.container, where_.blob, ref.id, b));
      refs_.push_back(std::move(ref));
    }
    std::vector<Status> results = co_await WhenAll(std::move(tasks));
    for (Status& st : results) {
      if (!st.ok()) co_return st;
    }
    co_return Status::OK();
  }

  Task<Status> Commit() {
    if (setup_.existing && written_ == 0) co_return Status::OK();
    if (IsAppendBlob()) co_return co_await AppendBuffered();
    bool single = refs_.empty() && pending_.empty() && !IsAppendBlob() &&
                  !setup_.existing;
    if (single) {
      Result<PutResult> r = co_await fs_->client().Put(
          where_.container, where_.blob, current_, setup_.put);
      co_return Conditional(r.status());
    }
    if (!current_.empty()) pending_.push_back(std::move(current_));
    current_ = Block();
    STRATA_CO_RETURN_IF_ERROR(co_await Flush());
    Result<PutResult> r = co_await fs_->client().PutBlockList(
        where_.container, where_.blob, refs_, setup_.put);
    co_return Conditional(r.status());
  }

  // A create-only commit that lost the race is kAlreadyExists, whatever
  // status the service used.
  Status Conditional(const Status& st) const {
    if (st.code() == StatusCode::kFailedPrecondition &&
        setup_.put.if_none_match == "*") {
      return AlreadyExistsError(setup_.path + ": already exists (" +
                                std::string(st.message()) + ")");
    }
    return st;
  }

  Task<Status> RestageExisting();

  AzureFileSystem* fs_;
  WriteSetup setup_;
  BlobPath where_;
  uint64_t writer_;
  uint64_t base_size_ = 0;
  uint64_t written_ = 0;
  uint64_t appended_ = 0;
  uint32_t next_index_ = 0;
  bool closed_ = false;
  bool append_started_ = false;  // bytes may already be in the append blob
  Status failed_;  // the first failure; every later Write/Close returns it
  Block current_;
  std::vector<Block> pending_;
  std::vector<BlockRef> refs_;
};

// Copies the existing content into freshly staged blocks (ranged GET + Put
// Block, one block at a time), so the commit keeps it before the new bytes.
Task<Status> WriteFile::RestageExisting() {
  size_t block = fs_->options().block_size;
  for (uint64_t off = 0; off < base_size_; off += block) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(block, base_size_ - off));
    Block buf(n);
    GetOptions get;
    get.offset = off;
    get.length = n;
    get.if_match = setup_.existing->etag;
    STRATA_CO_ASSIGN_OR_RETURN(
        GetResult r,
        co_await fs_->client().Get(where_.container, where_.blob, buf, get));
    if (r.bytes_read != n) {
      co_return AbortedError(setup_.path + ": blob changed while appending");
    }
    BlockRef ref;
    ref.id = BlockId(writer_, next_index_++);
    STRATA_CO_RETURN_IF_ERROR(co_await fs_->client().PutBlock(
        where_.container, where_.blob, ref.id, buf));
    refs_.push_back(std::move(ref));
  }
  co_return Status::OK();
}

}  // namespace

Task<Result<std::unique_ptr<fs::File>>> NewWriteFile(AzureFileSystem* fs,
                                                     WriteSetup setup) {
  bool block_append =
      setup.existing && setup.existing->type == BlobType::kBlock;
  auto file = std::make_unique<WriteFile>(fs, std::move(setup));
  if (block_append) {
    STRATA_CO_RETURN_IF_ERROR(co_await file->PrepareBlockAppend());
  }
  co_return std::unique_ptr<fs::File>(std::move(file));
}

}  // namespace strata::azure
