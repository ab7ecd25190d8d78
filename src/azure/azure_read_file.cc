// AzureFileSystem read files: ranged Get Blob with sequential readahead.
#include <algorithm>
#include <atomic>
#include <cstring>

#include "azure/azure_fs_impl.h"

namespace strata::azure {
namespace {

class ReadFile final : public fs::File {
 public:
  ReadFile(AzureFileSystem* fs, std::string path, BlobProperties props)
      : fs_(fs),
        path_(std::move(path)),
        where_(SplitPath(path_)),
        props_(std::move(props)),
        window_(fs->options().min_readahead) {}

  const std::string& path() const override { return path_; }

  Task<Result<size_t>> ReadAt(fs::MutableBytes dst, uint64_t offset,
                              const fs::IoOptions& options) override {
    std::stop_token stop = options.stop;
    co_return co_await Read(dst, offset, std::move(stop));
  }

  Task<Result<size_t>> ReadV(std::span<const fs::MutableBytes> dsts,
                             uint64_t offset,
                             const fs::IoOptions& options) override {
    size_t total = 0;
    for (const fs::MutableBytes& d : dsts) total += d.size();
    std::vector<std::byte> tmp(total);
    std::stop_token stop = options.stop;
    STRATA_CO_ASSIGN_OR_RETURN(size_t n, co_await Read(tmp, offset, stop));
    size_t pos = 0;
    for (const fs::MutableBytes& d : dsts) {
      size_t k = std::min(d.size(), n - pos);
      std::memcpy(d.data(), tmp.data() + pos, k);
      pos += k;
      if (pos == n) break;
    }
    co_return n;
  }

  Task<Status> Write(fs::ConstBytes, const fs::IoOptions&) override {
    co_return Rejected("Write");
  }
  Task<Status> WriteV(std::span<const fs::ConstBytes>,
                      const fs::IoOptions&) override {
    co_return Rejected("WriteV");
  }
  Task<Status> WriteAt(fs::ConstBytes, uint64_t,
                       const fs::IoOptions&) override {
    co_return Rejected("WriteAt");
  }
  Task<Status> Sync() override {
    if (closed_) co_return ClosedError("Sync", path_);
    co_return Status::OK();
  }
  Task<Result<uint64_t>> Size() override {
    if (closed_) co_return ClosedError("Size", path_);
    co_return props_.size;
  }
  Task<Status> Close() override {
    closed_ = true;
    co_return Status::OK();
  }
  Task<Status> Abort() override {
    closed_ = true;
    co_return Status::OK();
  }

 private:
  Status Rejected(std::string_view op) const {
    if (closed_) return ClosedError(op, path_);
    return FailedPreconditionError(std::string(op) + " " + path_ +
                                   ": file is open read-only");
  }

  // Copies from the readahead cache when it covers the whole request.
  bool FromCache(fs::MutableBytes dst, uint64_t offset) {
    std::lock_guard lock(mu_);
    if (offset < cache_offset_ ||
        offset + dst.size() > cache_offset_ + cache_.size()) {
      return false;
    }
    std::memcpy(dst.data(), cache_.data() + (offset - cache_offset_),
                dst.size());
    next_ = offset + dst.size();
    return true;
  }

  // How much to fetch for a read of `len` at `offset` (grows on sequential
  // patterns, resets on random ones).
  size_t FetchSize(uint64_t offset, size_t len) {
    std::lock_guard lock(mu_);
    const AzureFileSystemOptions& o = fs_->options();
    if (offset == next_ && offset > 0) {
      window_ =
          std::min(o.max_readahead, std::max(window_ * 2, o.min_readahead));
    } else if (offset != 0) {
      window_ = 0;  // random access: no readahead
    }
    if (len >= window_) return len;
    return static_cast<size_t>(
        std::min<uint64_t>(window_, props_.size - offset));
  }

  Task<Result<size_t>> Read(fs::MutableBytes dst, uint64_t offset,
                            std::stop_token stop) {
    if (closed_) co_return ClosedError("ReadAt", path_);
    if (stop.stop_requested())
      co_return CancelledError("ReadAt " + path_ + ": cancelled");
    if (offset >= props_.size || dst.empty()) co_return size_t{0};
    size_t len = static_cast<size_t>(
        std::min<uint64_t>(dst.size(), props_.size - offset));
    dst = dst.first(len);
    if (FromCache(dst, offset)) co_return len;
    size_t fetch = FetchSize(offset, len);
    GetOptions get;
    get.offset = offset;
    get.length = fetch;
    get.stop = std::move(stop);
    get.if_match = props_.etag;  // never mix two versions of the blob
    if (fetch == len) {
      STRATA_CO_ASSIGN_OR_RETURN(
          GetResult r,
          co_await fs_->client().Get(where_.container, where_.blob, dst, get));
      std::lock_guard lock(mu_);
      next_ = offset + r.bytes_read;
      co_return r.bytes_read;
    }
    std::vector<std::byte> buf(fetch);
    STRATA_CO_ASSIGN_OR_RETURN(
        GetResult r,
        co_await fs_->client().Get(where_.container, where_.blob, buf, get));
    buf.resize(r.bytes_read);
    size_t n = std::min(len, buf.size());
    std::memcpy(dst.data(), buf.data(), n);
    std::lock_guard lock(mu_);
    cache_ = std::move(buf);
    cache_offset_ = offset;
    next_ = offset + n;
    co_return n;
  }

  AzureFileSystem* fs_;
  std::string path_;
  BlobPath where_;
  BlobProperties props_;
  std::atomic<bool> closed_{false};
  std::mutex mu_;
  size_t window_;
  uint64_t next_ = 0;  // where a sequential reader continues
  std::vector<std::byte> cache_;
  uint64_t cache_offset_ = 0;
};

}  // namespace

std::unique_ptr<fs::File> NewReadFile(AzureFileSystem* fs, std::string path,
                                      BlobProperties props) {
  return std::make_unique<ReadFile>(fs, std::move(path), std::move(props));
}

}  // namespace strata::azure
