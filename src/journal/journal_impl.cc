// Journal::Impl outside the group-commit path: start-up after recovery,
// closing, the segment list, checkpointing.
#include "journal/journal_impl.h"

#include <algorithm>

#include "strata/fs/registry.h"

namespace strata::journal {

Journal::Impl::Impl(Journal* owner, fs::FileSystem* fs, std::string dir,
                    const JournalOptions* options)
    : owner_(owner),
      fs_(fs),
      dir_(std::move(dir)),
      options_(options),
      metrics_(options->metrics != nullptr ? *options->metrics
                                           : metrics::DefaultRegistry()),
      alignment_(options->direct_io ? kDirectAlignment : 1),
      writer_(fs, dir_, options) {}

namespace {

// The partial block before file offset `end` (direct I/O rewrites it).
Task<Result<std::vector<std::byte>>> ReadTailBlock(fs::FileSystem& fs,
                                                   const std::string& path,
                                                   uint64_t end) {
  std::vector<std::byte> tail(end % kDirectAlignment);
  if (tail.empty()) co_return tail;
  STRATA_CO_ASSIGN_OR_RETURN(auto file,
                             co_await fs.Open(path, fs::OpenOptions()));
  STRATA_CO_ASSIGN_OR_RETURN(size_t got,
                             co_await file->ReadAt(tail, end - tail.size()));
  STRATA_CO_RETURN_IF_ERROR(co_await file->Close());
  if (got != tail.size()) {
    co_return DataLossError("segment " + path + " is shorter than its frames");
  }
  co_return tail;
}

}  // namespace

Task<Status> Journal::Impl::Start(const JournalScan& scan) {
  segments_ = scan.segments;
  const Lsn end = scan.end_lsn;
  next_lsn_ = end;
  if (segments_.empty()) {
    const uint64_t id = 1;
    STRATA_CO_RETURN_IF_ERROR(co_await writer_.Create(id, end));
    segments_.push_back(SegmentMeta{id, end, writer_.path()});
  } else {
    const SegmentMeta& last = segments_.back();
    const uint64_t data_end = kSegmentDataOffset + (end - last.base);
    if (alignment_ > 1) {
      STRATA_CO_ASSIGN_OR_RETURN(
          enc_tail_, co_await ReadTailBlock(*fs_, last.path, data_end));
    }
    STRATA_CO_RETURN_IF_ERROR(
        co_await writer_.Reopen(last.id, last.base, last.path, data_end));
    // What recovery read may still be only in the page cache (the previous
    // process died, the machine did not): make it durable before claiming.
    STRATA_CO_RETURN_IF_ERROR(co_await writer_.Sync());
  }
  enc_segment_id_ = segments_.back().id;
  enc_segment_base_ = segments_.back().base;
  owner_->written_lsn_.store(end, std::memory_order_release);
  owner_->durable_lsn_.store(end, std::memory_order_release);
  co_return Status::OK();
}

Status Journal::Impl::Health() {
  std::lock_guard lock(mu_);
  return poison_;
}

bool Journal::Impl::closed() {
  std::lock_guard lock(mu_);
  return closed_;
}

Task<Status> Journal::Impl::CloseWriter() {
  {
    std::lock_guard lock(mu_);
    closed_ = true;
  }
  co_return co_await writer_.Close();
}

std::vector<SegmentMeta> Journal::Impl::SegmentsSnapshot() {
  std::lock_guard lock(mu_);
  return segments_;
}

Lsn Journal::Impl::first_lsn() {
  std::lock_guard lock(mu_);
  return segments_.empty() ? 0 : segments_.front().base;
}

Task<Status> Journal::Impl::TruncateBefore(Lsn lsn) {
  std::vector<std::string> doomed;
  {
    std::lock_guard lock(mu_);
    STRATA_CO_RETURN_IF_ERROR(Check());
    // Segment i holds records with LSN in (base_i, base_{i+1}]; the last
    // (current) segment always stays.
    size_t n = 0;
    while (n + 1 < segments_.size() && segments_[n + 1].base <= lsn) ++n;
    for (size_t i = 0; i < n; ++i) doomed.push_back(segments_[i].path);
    segments_.erase(segments_.begin(),
                    segments_.begin() + static_cast<long>(n));
  }
  // Oldest first, so a crash leaves a contiguous run of segments.
  for (const std::string& path : doomed) {
    STRATA_CO_RETURN_IF_ERROR(co_await fs_->Remove(path));
  }
  if (doomed.empty()) co_return Status::OK();
  co_return co_await fs_->SyncDir(dir_);
}

}  // namespace strata::journal
