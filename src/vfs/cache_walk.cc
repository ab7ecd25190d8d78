// CacheWalk: the cache half of a lookup as a sequence of reads
// (docs/metadata-schema.md, "A lookup walks ...").
#include "vfs/cache_walk.h"

#include <cstdint>
#include <utility>

namespace strata::vfs::internal {

bool IsFresh(int64_t synced_ns, std::chrono::milliseconds interval,
             int64_t now) {
  if (interval < std::chrono::milliseconds(0)) return true;  // kSyncNever
  if (interval.count() == 0) return false;                   // kSyncAlways
  // Times come from the store (untrusted): any overflow reads as stale.
  int64_t window = 0;
  int64_t age = 0;
  if (__builtin_mul_overflow(interval.count(), int64_t{1'000'000}, &window)) {
    window = INT64_MAX;  // longer than 292 years: as good as never
  }
  if (__builtin_sub_overflow(now, synced_ns, &age)) return false;
  return age < window;
}

bool ListingFresh(const schema::DirState& state,
                  std::chrono::milliseconds interval, int64_t now) {
  return state.listed_ns != 0 && IsFresh(state.listed_ns, interval, now);
}

CacheWalk::CacheWalk(uint64_t root, std::vector<std::string> comps,
                     std::optional<VerdictInputs> verdict)
    : root_(root), comps_(std::move(comps)), inputs_(std::move(verdict)) {
  if (comps_.empty()) {
    walking_ = false;
    Judge();
    return;
  }
  WalkFrom(root_);
}

void CacheWalk::WalkFrom(uint64_t parent) {
  WalkStep step;
  step.key = schema::DentKey(parent, comps_[steps_.size()]);
  step.parent = parent;
  key_ = step.key;
  steps_.push_back(std::move(step));
}

Status CacheWalk::Feed(const std::optional<KeyValue>& kv) {
  if (done_) {
    return FailedPreconditionError("CacheWalk::Feed after the walk ended");
  }
  if (walking_) {
    WalkStep& step = steps_.back();
    if (kv.has_value()) {
      auto entry = schema::DecodeEntry(step.key, kv->value);
      if (!entry.ok()) {
        Finish(entry.status());
        return entry.status();
      }
      step.mod_revision = kv->mod_revision;
      step.entry = *entry;
      if (entry->dir && steps_.size() < comps_.size()) {
        WalkFrom(entry->ino);
        return Status::OK();
      }
    }
    walking_ = false;
    Judge();
    return Status::OK();
  }
  // Phase 2: key_ is dir/<parent> of steps_[judged_].
  bool listed = false;
  if (kv.has_value()) {
    auto state = schema::DecodeDirState(key_, kv->value);
    if (!state.ok()) {
      Finish(state.status());
      return state.status();
    }
    listed = ListingFresh(*state, inputs_->interval, inputs_->now);
  }
  if (!listed) {
    Finish(std::optional<Found>());
    return Status::OK();
  }
  const WalkStep& s = steps_[judged_];
  if (!s.entry || (judged_ + 1 < comps_.size() && !s.entry->dir)) {
    Finish(NotFoundError(inputs_->vpath + ": no such file or directory"));
    return Status::OK();
  }
  ++judged_;
  Judge();
  return Status::OK();
}

void CacheWalk::Judge() {
  if (!inputs_) {
    done_ = true;
    return;
  }
  const size_t n = comps_.size();
  for (; judged_ < steps_.size(); ++judged_) {
    const WalkStep& s = steps_[judged_];
    if (!s.entry ||
        !IsFresh(s.entry->synced_ns, inputs_->interval, inputs_->now)) {
      // Only a fresh listing of the parent vouches for this step.
      if (inputs_->interval.count() == 0 || s.parent == 0) {
        Finish(std::optional<Found>());
      } else {
        key_ = schema::DirKey(s.parent);
      }
      return;
    }
    if (judged_ + 1 < n && !s.entry->dir) {
      Finish(NotFoundError(inputs_->vpath + ": no such file or directory"));
      return;
    }
  }
  if (steps_.empty() || steps_.size() < n || !steps_.back().entry) {
    Finish(std::optional<Found>());
    return;
  }
  const WalkStep& last = steps_.back();
  Found found;
  found.entry = *last.entry;
  found.parent = last.parent;
  found.key = last.key;
  found.mod_revision = last.mod_revision;
  Finish(std::optional<Found>(std::move(found)));
}

void CacheWalk::Finish(Result<std::optional<Found>> verdict) {
  verdict_ = std::move(verdict);
  done_ = true;
}

Result<std::optional<Found>> CacheWalk::TakeVerdict() {
  return std::move(verdict_);
}

Task<Status> DriveWalk(MetaStore* store, CacheWalk* walk) {
  while (const std::string* key = walk->next_key()) {
    auto kv = co_await store->Get(*key);
    if (!kv.ok()) co_return kv.status();
    STRATA_CO_RETURN_IF_ERROR(walk->Feed(*kv));
  }
  co_return Status::OK();
}

std::optional<Status> DriveWalkNow(MetaStore& store, CacheWalk& walk) {
  while (const std::string* key = walk.next_key()) {
    auto kv = store.TryGetNow(*key);
    if (!kv.has_value()) return std::nullopt;
    if (!kv->ok()) return kv->status();
    Status fed = walk.Feed(**kv);
    if (!fed.ok()) return fed;
  }
  return Status::OK();
}

}  // namespace strata::vfs::internal
