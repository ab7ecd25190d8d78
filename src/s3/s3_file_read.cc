// S3ReadFile: an object open for reading — ranged GETs into the caller's
// buffer, readahead for sequential patterns (one cached window, initially
// the first bytes Open fetched) and coalesced multi-range reads.
#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>

#include "s3/s3_fs_internal.h"
#include "s3/s3_read_plan.h"
#include "strata/core/when_all.h"
#include "strata/runtime/semaphore.h"

namespace strata::s3 {
namespace {

struct Window {
  uint64_t offset = 0;
  std::vector<std::byte> data;
};

// kUnavailable (retryable) for a GET that returned fewer bytes than asked.
Status ShortBody(const ContextRef& ctx, const ObjectPath& obj,
                 fs::MutableBytes dst, uint64_t offset, const GetResult& r) {
  std::string msg = ctx->paths.Describe(obj);
  msg += ": short read: asked for ";
  msg += std::to_string(dst.size());
  msg += " bytes at offset ";
  msg += std::to_string(offset);
  msg += ", received ";
  msg += std::to_string(r.bytes_read);
  msg += " (the server reports object size ";
  msg += std::to_string(r.object_size);
  msg += ")";
  return UnavailableError(std::move(msg));
}

// One ranged GET of [offset, offset + dst.size()) into dst.
Task<Result<size_t>> GetRange(ContextRef ctx, ObjectPath obj, std::string etag,
                              fs::MutableBytes dst, uint64_t offset) {
  GetOptions o;
  o.offset = offset;
  o.length = dst.size();
  if (ctx->options.consistent_reads) o.if_match = etag;
  Result<GetResult> r = co_await ctx->client->Get(obj.bucket, obj.key, dst, o);
  if (!r.ok()) {
    const std::string desc = ctx->paths.Describe(obj);
    if (r.status().code() == StatusCode::kFailedPrecondition) {
      co_return FailedPreconditionError(
          desc + ": the object changed since it was opened (etag " + etag +
          ")");
    }
    co_return NameObject(r.status(), desc);
  }
  // Callers ask only for bytes inside the size Open saw: a shorter body
  // (a truncating proxy, a replaced object) is never a short success.
  if (r->bytes_read < dst.size())
    co_return ShortBody(ctx, obj, dst, offset, *r);
  co_return r->bytes_read;
}

// Fetches one merged range, scatters it into the requests' buffers and
// records in (*counts)[member] the bytes each received.
Task<Status> FetchMerged(ContextRef ctx, ObjectPath obj, std::string etag,
                         runtime::Semaphore* sem, MergedRange m,
                         std::span<const fs::ReadRange> ranges,
                         std::span<const ByteRange> req, uint64_t object_size,
                         std::vector<size_t>* counts) {
  runtime::Semaphore::Permit permit = co_await sem->Acquire();
  const fs::ReadRange& first = ranges[m.members[0]];
  if (m.members.size() == 1 && first.offset == m.offset) {
    Result<size_t> n =
        co_await GetRange(ctx, obj, etag, first.dst.first(m.length), m.offset);
    if (!n.ok()) co_return n.status();
    (*counts)[m.members[0]] = *n;
    co_return Status::OK();
  }
  std::vector<std::byte> buf(m.length);
  Result<size_t> n = co_await GetRange(ctx, obj, etag, buf, m.offset);
  if (!n.ok()) co_return n.status();
  const std::vector<uint64_t> got = MemberCounts(m, req, object_size, *n);
  for (size_t j = 0; j < m.members.size(); ++j) {
    const fs::ReadRange& r = ranges[m.members[j]];
    if (got[j] > 0) {
      std::memcpy(r.dst.data(), buf.data() + (r.offset - m.offset), got[j]);
    }
    (*counts)[m.members[j]] = static_cast<size_t>(got[j]);
  }
  co_return Status::OK();
}

class S3ReadFile final : public fs::File {
 public:
  S3ReadFile(ContextRef ctx, ObjectPath obj, ObjectInfo info,
             std::vector<std::byte> head)
      : ctx_(std::move(ctx)),
        obj_(std::move(obj)),
        info_(std::move(info)),
        path_(ctx_->paths.PathOf(obj_.bucket, obj_.key)),
        desc_(ctx_->paths.Describe(obj_)),
        policy_(ctx_->options.min_readahead, ctx_->options.max_readahead) {
    if (!head.empty()) {
      auto window = std::make_shared<Window>();
      window->data = std::move(head);
      cache_ = std::move(window);
    }
  }

  const std::string& path() const override { return path_; }

  Task<Result<size_t>> ReadAt(fs::MutableBytes dst, uint64_t offset,
                              const fs::IoOptions& options) override {
    STRATA_CO_RETURN_IF_ERROR(Check(options));
    if (offset >= info_.size || dst.empty()) co_return size_t{0};
    const uint64_t len = std::min<uint64_t>(dst.size(), info_.size - offset);
    const uint64_t hit = FromCache(dst.first(len), offset);
    if (hit == len) co_return static_cast<size_t>(len);
    Result<size_t> n =
        co_await ReadMiss(dst.subspan(hit, len - hit), offset + hit);
    if (!n.ok()) co_return n.status();
    co_return static_cast<size_t>(hit + *n);
  }

  Task<Result<size_t>> ReadV(std::span<const fs::MutableBytes> dsts,
                             uint64_t offset,
                             const fs::IoOptions& options) override {
    STRATA_CO_RETURN_IF_ERROR(Check(options));
    size_t total = 0;
    for (const fs::MutableBytes& d : dsts) total += d.size();
    if (offset >= info_.size || total == 0) co_return size_t{0};
    std::vector<std::byte> tmp(std::min<uint64_t>(total, info_.size - offset));
    Result<size_t> n = co_await ReadAt(tmp, offset, options);
    if (!n.ok()) co_return n.status();
    size_t pos = 0;
    for (const fs::MutableBytes& d : dsts) {
      const size_t take = std::min(d.size(), *n - pos);
      if (take > 0) std::memcpy(d.data(), tmp.data() + pos, take);
      pos += take;
    }
    co_return *n;
  }

  Task<Result<std::vector<size_t>>> ReadRanges(
      std::span<const fs::ReadRange> ranges,
      const fs::IoOptions& options) override {
    STRATA_CO_RETURN_IF_ERROR(Check(options));
    std::vector<ByteRange> req;
    for (const fs::ReadRange& r : ranges) {
      req.push_back(ByteRange{r.offset, r.dst.size()});
    }
    // Filled from what each GET actually received (0 past EOF).
    std::vector<size_t> counts(ranges.size(), 0);
    const FileSystemOptions& o = ctx_->options;
    std::vector<MergedRange> plan =
        PlanRanges(req, info_.size, o.coalesce_gap, o.max_coalesced);
    runtime::Semaphore sem(std::max<size_t>(1, o.read_parallelism));
    std::vector<Task<Status>> tasks;
    for (MergedRange& m : plan) {
      tasks.push_back(FetchMerged(ctx_, obj_, info_.etag, &sem, std::move(m),
                                  ranges, req, info_.size, &counts));
    }
    std::vector<Status> results = co_await WhenAll(std::move(tasks));
    for (const Status& st : results) {
      if (!st.ok()) co_return st;
    }
    co_return counts;
  }

  Task<Status> Write(fs::ConstBytes, const fs::IoOptions&) override {
    co_return NotWritable();
  }
  Task<Status> WriteV(std::span<const fs::ConstBytes>,
                      const fs::IoOptions&) override {
    co_return NotWritable();
  }
  Task<Status> WriteAt(fs::ConstBytes, uint64_t,
                       const fs::IoOptions&) override {
    co_return NotWritable();
  }
  Task<Status> Sync() override { co_return ClosedCheck(); }
  Task<Result<uint64_t>> Size() override {
    STRATA_CO_RETURN_IF_ERROR(ClosedCheck());
    co_return info_.size;
  }
  Task<Status> Close() override {
    Release();
    co_return Status::OK();
  }
  Task<Status> Abort() override {
    Release();
    co_return Status::OK();
  }

 private:
  Status ClosedCheck() const {
    if (closed_.load()) {
      return FailedPreconditionError(desc_ + ": the file is closed");
    }
    return Status::OK();
  }
  Status Check(const fs::IoOptions& options) const {
    STRATA_RETURN_IF_ERROR(ClosedCheck());
    if (options.stop.stop_requested()) {
      return CancelledError(desc_ + ": read cancelled");
    }
    return Status::OK();
  }
  Status NotWritable() const {
    STRATA_RETURN_IF_ERROR(ClosedCheck());
    return FailedPreconditionError(desc_ + ": the file is open for reading");
  }
  void Release() {
    closed_.store(true);
    std::lock_guard lock(mu_);
    cache_.reset();
  }

  // Copies what the cached window holds of [offset, ...) into dst.
  uint64_t FromCache(fs::MutableBytes dst, uint64_t offset) {
    std::lock_guard lock(mu_);
    if (!cache_ || offset < cache_->offset ||
        offset >= cache_->offset + cache_->data.size()) {
      return 0;
    }
    const uint64_t rel = offset - cache_->offset;
    const uint64_t n =
        std::min<uint64_t>(dst.size(), cache_->data.size() - rel);
    std::memcpy(dst.data(), cache_->data.data() + rel, n);
    policy_.OnHit(offset, n);
    return n;
  }

  // A read the cache did not serve: directly into dst, or a readahead
  // window that is cached.
  Task<Result<size_t>> ReadMiss(fs::MutableBytes dst, uint64_t offset) {
    ByteRange fetch;
    {
      std::lock_guard lock(mu_);
      fetch = policy_.OnMiss(offset, dst.size(), info_.size);
    }
    if (fetch.length <= dst.size()) {
      co_return co_await GetRange(ctx_, obj_, info_.etag, dst, offset);
    }
    auto window = std::make_shared<Window>();
    window->offset = offset;
    window->data.resize(fetch.length);
    Result<size_t> n =
        co_await GetRange(ctx_, obj_, info_.etag, window->data, offset);
    if (!n.ok()) co_return n.status();
    window->data.resize(*n);
    const size_t take = std::min(dst.size(), *n);
    std::memcpy(dst.data(), window->data.data(), take);
    {
      std::lock_guard lock(mu_);
      if (!closed_.load()) cache_ = std::move(window);
    }
    co_return take;
  }

  ContextRef ctx_;
  ObjectPath obj_;
  ObjectInfo info_;
  std::string path_;
  std::string desc_;
  std::atomic<bool> closed_{false};
  std::mutex mu_;  // guards policy_ and cache_
  ReadaheadPolicy policy_;
  std::shared_ptr<const Window> cache_;
};

}  // namespace

std::unique_ptr<fs::File> NewS3ReadFile(ContextRef ctx, ObjectPath obj,
                                        ObjectInfo info,
                                        std::vector<std::byte> head) {
  return std::make_unique<S3ReadFile>(std::move(ctx), std::move(obj),
                                      std::move(info), std::move(head));
}

}  // namespace strata::s3
