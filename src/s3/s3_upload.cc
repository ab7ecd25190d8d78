// S3WriteFile: an object being written. Bytes are buffered; a full buffer
// (part_size) starts a multipart upload whose parts are uploaded in the
// background, at most upload_concurrency at a time (so at most
// concurrency + 1 parts are held). Close sends one PUT for small objects or
// completes the upload; any failure aborts the upload and poisons the file.
// Appends splice the existing object in as part 1 (UploadPartCopy) or, under
// the part minimum, carry its bytes at the head of the buffer.
#include "s3/s3_upload.h"

#include <algorithm>
#include <deque>

namespace strata::s3 {
namespace {

class S3WriteFile final : public fs::File {
 public:
  S3WriteFile(ContextRef ctx, WriteSetup setup)
      : ctx_(std::move(ctx)),
        s_(std::move(setup)),
        path_(ctx_->paths.PathOf(s_.obj.bucket, s_.obj.key)),
        desc_(ctx_->paths.Describe(s_.obj)),
        part_size_(std::max<size_t>(1, ctx_->options.part_size)) {
    copy_existing_ =
        s_.append_existing && s_.head.empty() && s_.existing.size > 0;
    buf_ = std::move(s_.head);
    if (s_.append_existing && s_.if_match.empty()) {
      s_.if_match = s_.existing.etag;
    }
  }

  // Dropped without Close/Abort: never commit; abort in the background on
  // the calling runtime, else the one Open ran on, else the one the first
  // Write ran on (parts are only started from Write, so one is known
  // whenever there is anything to abort). Residual cases: the file must not
  // outlive that runtime (the pointer would dangle), and an abort that fails
  // or is abandoned at runtime shutdown leaves the upload to the bucket's
  // lifecycle rule (AbortIncompleteMultipartUpload).
  ~S3WriteFile() override {
    if (closed_ || (upload_id_.empty() && inflight_.empty())) return;
    runtime::Runtime* rt = runtime::Runtime::Current();
    if (rt == nullptr) rt = s_.runtime;
    if (rt == nullptr) rt = write_runtime_;
    if (rt == nullptr) return;
    std::vector<PartHandle> parts(std::make_move_iterator(inflight_.begin()),
                                  std::make_move_iterator(inflight_.end()));
    rt->Spawn(AbortUploadTask(ctx_, s_.obj, upload_id_, std::move(parts)));
  }

  const std::string& path() const override { return path_; }

  Task<Result<size_t>> ReadAt(fs::MutableBytes, uint64_t,
                              const fs::IoOptions& options) override {
    co_return NotReadable(options);
  }
  Task<Result<size_t>> ReadV(std::span<const fs::MutableBytes>, uint64_t,
                             const fs::IoOptions& options) override {
    co_return NotReadable(options);
  }
  Task<Result<std::vector<size_t>>> ReadRanges(
      std::span<const fs::ReadRange>, const fs::IoOptions& options) override {
    co_return NotReadable(options);
  }

  Task<Status> Write(fs::ConstBytes src,
                     const fs::IoOptions& options) override {
    STRATA_CO_RETURN_IF_ERROR(Writable(options));
    if (write_runtime_ == nullptr) write_runtime_ = runtime::Runtime::Current();
    appended_ += src.size();
    while (!src.empty()) {
      const size_t take = std::min(part_size_ - buf_.size(), src.size());
      buf_.insert(buf_.end(), src.begin(), src.begin() + take);
      src = src.subspan(take);
      if (buf_.size() >= part_size_) {
        Status st = co_await FlushPart();
        if (!st.ok()) co_return co_await Poison(st);
      }
    }
    co_return Status::OK();
  }

  Task<Status> WriteV(std::span<const fs::ConstBytes> srcs,
                      const fs::IoOptions& options) override {
    STRATA_CO_RETURN_IF_ERROR(Writable(options));
    for (const fs::ConstBytes& src : srcs) {
      STRATA_CO_RETURN_IF_ERROR(co_await Write(src, options));
    }
    co_return Status::OK();
  }

  Task<Status> WriteAt(fs::ConstBytes, uint64_t,
                       const fs::IoOptions&) override {
    STRATA_CO_RETURN_IF_ERROR(ClosedCheck());
    co_return UnimplementedError(desc_ +
                                 ": objects take no positional writes "
                                 "(Capabilities::positional_write is false)");
  }
  Task<Status> Sync() override { co_return ClosedCheck(); }
  Task<Result<uint64_t>> Size() override {
    STRATA_CO_RETURN_IF_ERROR(ClosedCheck());
    co_return (s_.append_existing ? s_.existing.size : 0) + appended_;
  }

  Task<Status> Close() override {
    if (closed_) co_return close_status_;
    closed_ = true;
    Status st = error_;
    if (st.ok()) st = co_await Commit();
    if (!st.ok()) (co_await AbortUpload()).IgnoreError();
    buf_ = {};
    close_status_ = st;
    co_return st;
  }

  Task<Status> Abort() override {
    if (closed_) co_return Status::OK();
    closed_ = true;
    buf_ = {};
    co_return co_await AbortUpload();
  }

 private:
  Status ClosedCheck() const {
    if (closed_) return FailedPreconditionError(desc_ + ": the file is closed");
    return Status::OK();
  }
  Status NotReadable(const fs::IoOptions& options) const {
    STRATA_RETURN_IF_ERROR(ClosedCheck());
    if (options.stop.stop_requested()) {
      return CancelledError(desc_ + ": read cancelled");
    }
    return FailedPreconditionError(
        desc_ + ": an object being written cannot be read before Close");
  }
  Status Writable(const fs::IoOptions& options) const {
    STRATA_RETURN_IF_ERROR(ClosedCheck());
    if (!error_.ok()) return error_;
    if (options.stop.stop_requested()) {
      return CancelledError(desc_ + ": write cancelled");
    }
    return Status::OK();
  }

  // The content type and metadata of the object written (an append keeps
  // the existing object's).
  PutOptions BaseOptions() const {
    PutOptions o;
    if (s_.append_existing) {
      o.content_type = s_.existing.content_type;
      o.metadata = s_.existing.metadata;
    }
    return o;
  }
  PutOptions CommitOptions() const {
    PutOptions o = BaseOptions();
    if (s_.create_only) o.if_none_match.push_back('*');
    o.if_match = s_.if_match;
    return o;
  }

  Task<Status> Poison(Status st) {
    error_ = NameObject(st, desc_);
    (co_await AbortUpload()).IgnoreError();
    co_return error_;
  }

  Task<Status> EnsureUpload() {
    if (!upload_id_.empty()) co_return Status::OK();
    PutOptions options = BaseOptions();
    Result<std::string> id = co_await ctx_->client->CreateMultipartUpload(
        s_.obj.bucket, s_.obj.key, options);
    if (!id.ok()) co_return id.status();
    upload_id_ = *id;
    if (copy_existing_ && next_part_ == 1) {
      inflight_.push_back(runtime::Runtime::Current()->Spawn(CopyPartTask(
          ctx_, s_.obj, upload_id_, next_part_++, s_.existing.etag)));
    }
    co_return Status::OK();
  }

  Task<Status> ReapOne() {
    PartHandle h = std::move(inflight_.front());
    inflight_.pop_front();
    Result<CompletedPart> part = co_await h;
    if (!part.ok()) co_return part.status();
    done_.push_back(*part);
    co_return Status::OK();
  }

  Task<Status> FlushPart() {
    STRATA_CO_RETURN_IF_ERROR(co_await EnsureUpload());
    const size_t limit = std::max<size_t>(1, ctx_->options.upload_concurrency);
    while (inflight_.size() >= limit) {
      STRATA_CO_RETURN_IF_ERROR(co_await ReapOne());
    }
    if (next_part_ > Client::kMaxParts) {
      co_return InvalidArgumentError(
          desc_ + ": more than 10000 parts; raise part_size");
    }
    std::vector<std::byte> body = std::move(buf_);
    buf_ = {};
    buf_.reserve(part_size_);
    inflight_.push_back(runtime::Runtime::Current()->Spawn(UploadPartTask(
        ctx_, s_.obj, upload_id_, next_part_++, std::move(body))));
    co_return Status::OK();
  }

  Task<Status> Commit() {
    if (s_.append_existing && appended_ == 0) co_return Status::OK();
    PutOptions options = CommitOptions();
    if (upload_id_.empty() && !copy_existing_) {
      std::span<const std::byte> body(buf_);
      Result<PutResult> r =
          co_await ctx_->client->Put(s_.obj.bucket, s_.obj.key, body, options);
      co_return MapCommitError(r.status(), desc_, s_.create_only);
    }
    if (!buf_.empty()) STRATA_CO_RETURN_IF_ERROR(co_await FlushPart());
    while (!inflight_.empty()) {
      STRATA_CO_RETURN_IF_ERROR(co_await ReapOne());
    }
    std::sort(done_.begin(), done_.end(),
              [](const CompletedPart& a, const CompletedPart& b) {
                return a.part_number < b.part_number;
              });
    STRATA_CO_RETURN_IF_ERROR(co_await CheckBeforeComplete());
    Result<PutResult> r = co_await ctx_->client->CompleteMultipartUpload(
        s_.obj.bucket, s_.obj.key, upload_id_, done_, options);
    if (r.ok()) upload_id_.clear();
    co_return MapCommitError(r.status(), desc_, s_.create_only);
  }

  // Servers may ignore conditions on CompleteMultipartUpload: check them
  // with a HEAD first. (A writer racing between the HEAD and the Complete
  // can still win; the conditional Complete closes that gap where the
  // server honours it.)
  Task<Status> CheckBeforeComplete() {
    if (!s_.create_only && s_.if_match.empty()) co_return Status::OK();
    GetOptions get;
    Result<ObjectInfo> head =
        co_await ctx_->client->Head(s_.obj.bucket, s_.obj.key, get);
    if (!head.ok() && head.status().code() != StatusCode::kNotFound) {
      co_return head.status();
    }
    if (s_.create_only && head.ok()) {
      co_return MapCommitError(AlreadyExistsError(desc_), desc_, true);
    }
    if (!s_.if_match.empty() && (!head.ok() || head->etag != s_.if_match)) {
      co_return MapCommitError(FailedPreconditionError(desc_), desc_, false);
    }
    co_return Status::OK();
  }

  Task<Status> AbortUpload() {
    std::vector<PartHandle> parts(std::make_move_iterator(inflight_.begin()),
                                  std::make_move_iterator(inflight_.end()));
    inflight_.clear();
    std::string id = std::move(upload_id_);
    upload_id_.clear();
    if (id.empty() && parts.empty()) co_return Status::OK();
    Status st = co_await AbortUploadTask(ctx_, s_.obj, id, std::move(parts));
    co_return NameObject(st, desc_);
  }

  ContextRef ctx_;
  WriteSetup s_;
  std::string path_;
  std::string desc_;
  size_t part_size_;
  bool copy_existing_ = false;
  std::vector<std::byte> buf_;
  uint64_t appended_ = 0;
  std::string upload_id_;
  int next_part_ = 1;
  std::deque<PartHandle> inflight_;
  std::vector<CompletedPart> done_;
  Status error_;
  bool closed_ = false;
  Status close_status_;
  runtime::Runtime* write_runtime_ = nullptr;  // of the first Write
};

}  // namespace

std::unique_ptr<fs::File> NewS3WriteFile(ContextRef ctx, WriteSetup setup) {
  return std::make_unique<S3WriteFile>(std::move(ctx), std::move(setup));
}

}  // namespace strata::s3
