// Group commit: encoding appends into batches under the mutex, and the
// leader/follower protocol that writes and syncs them (journal.h).
#include <chrono>

#include "journal/journal_impl.h"
#include "strata/runtime/io.h"

namespace strata::journal {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Requeues the caller behind whatever is ready on its reactor.
struct YieldToReactor {
  bool await_ready() const noexcept {
    return runtime::Runtime::Current() == nullptr;
  }
  void await_suspend(std::coroutine_handle<> h) const {
    runtime::Runtime::Current()->Schedule(
        h, runtime::detail::CurrentReactorIndex());
  }
  void await_resume() const noexcept {}
};

}  // namespace

// Suspends a waiter unless it is already satisfied, or leadership is free
// (then it leads). Decided under the mutex, so no wake-up is lost.
class Journal::Impl::TurnAwaiter {
 public:
  TurnAwaiter(Impl* impl, Waiter* waiter) : impl_(impl), waiter_(waiter) {}
  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<> h) {
    std::lock_guard lock(impl_->mu_);
    if (!impl_->poison_.ok() || impl_->Satisfied(*waiter_)) {
      waiter_->state = Waiter::State::kDone;
      return false;
    }
    if (!impl_->leader_busy_) {
      impl_->leader_busy_ = true;
      waiter_->state = Waiter::State::kLead;
      return false;
    }
    waiter_->handle = h;
    waiter_->runtime = runtime::Runtime::Current();
    waiter_->reactor = waiter_->runtime != nullptr
                           ? runtime::detail::CurrentReactorIndex()
                           : 0;
    impl_->waiters_.push_back(waiter_);
    return true;
  }
  void await_resume() const noexcept {}

 private:
  Impl* impl_;
  Waiter* waiter_;
};

Status Journal::Impl::Check() {
  if (!poison_.ok()) return poison_;
  if (closed_) return FailedPreconditionError("journal " + dir_ + " is closed");
  return Status::OK();
}

Lsn Journal::Impl::reserved_end() {
  std::lock_guard lock(mu_);
  return next_lsn_;
}

bool Journal::Impl::backlog_full() {
  std::lock_guard lock(mu_);
  return !sealed_.empty();
}

bool Journal::Impl::Satisfied(const Waiter& w) const {
  const Lsn reached = w.durable ? owner_->durable_lsn() : owner_->written_lsn();
  return reached >= w.target;
}

bool Journal::Impl::AnyDurableWaiter() const {
  for (const Waiter* w : waiters_) {
    if (w->durable) return true;
  }
  return false;
}

std::unique_ptr<Batch> Journal::Impl::NewBatch() {
  if (spare_.empty()) return std::make_unique<Batch>();
  auto batch = std::move(spare_.back());
  spare_.pop_back();
  return batch;
}

void Journal::Impl::Seal() {
  if (!open_ || open_->empty()) return;
  if (alignment_ > 1) {
    auto tail = open_->Tail(alignment_);
    enc_tail_.assign(tail.begin(), tail.end());
  }
  sealed_.push_back(std::move(open_));
}

Batch& Journal::Impl::OpenBatch(size_t frame_bytes, size_t entries) {
  const uint64_t capacity = options_->segment_bytes > kSegmentDataOffset
                                ? options_->segment_bytes - kSegmentDataOffset
                                : 0;
  const uint64_t used = next_lsn_ - enc_segment_base_;
  if (used > 0 && used + frame_bytes > capacity) {
    Seal();
    ++enc_segment_id_;
    enc_segment_base_ = next_lsn_;
    enc_needs_segment_ = true;
    enc_tail_.clear();
  }
  if (open_ &&
      (open_->entries() + entries > options_->max_batch_entries ||
       open_->frame_bytes() + frame_bytes > options_->max_batch_bytes)) {
    Seal();
  }
  if (!open_) {
    open_ = NewBatch();
    open_->Reset(enc_segment_id_, enc_segment_base_, next_lsn_, enc_tail_,
                 enc_needs_segment_);
    enc_needs_segment_ = false;
  }
  return *open_;
}

Result<Lsn> Journal::Impl::Encode(std::span<const fs::ConstBytes> records) {
  std::lock_guard lock(mu_);
  STRATA_RETURN_IF_ERROR(Check());
  size_t frame_bytes = 0;
  for (const auto& r : records) frame_bytes += kFrameHeaderBytes + r.size();
  if (frame_bytes > kMaxLsn - next_lsn_) {
    return OutOfRangeError("journal " + dir_ +
                           ": the log would pass the "
                           "maximum LSN (2^62)");
  }
  Batch& batch = OpenBatch(frame_bytes, records.size());
  const Lsn durable = owner_->durable_lsn();
  for (const auto& r : records)
    batch.AddFrame(r, SyncLag(batch.end(), durable));
  next_lsn_ = batch.end();
  metrics_.appends.Increment(records.size());
  metrics_.bytes.Increment(frame_bytes);
  return next_lsn_;
}

Task<Status> Journal::Impl::WaitFor(Lsn target, bool durable) {
  Waiter me;
  me.target = target;
  me.durable = durable;
  co_await TurnAwaiter(this, &me);
  if (me.state == Waiter::State::kLead) co_return co_await Lead(me);
  std::lock_guard lock(mu_);
  if (Satisfied(me)) co_return Status::OK();
  co_return poison_.ok() ? InternalError("journal waiter woken early")
                         : poison_;
}

FlushPlan Journal::Impl::Plan(const Waiter& me) {
  Seal();
  FlushPlan plan;
  plan.durable_before = owner_->durable_lsn();
  plan.written_before = plan.end = owner_->written_lsn();
  while (!sealed_.empty()) {
    Batch& next = *sealed_.front();
    if (!plan.batches.empty() &&
        (next.opens_segment() ||
         next.segment_id() != plan.batches.front()->segment_id())) {
      break;
    }
    plan.end = next.end();
    plan.batches.push_back(std::move(sealed_.front()));
    sealed_.pop_front();
  }
  plan.sync = options_->sync_after_batch || me.durable || AnyDurableWaiter();
  plan.alone = waiters_.empty() && plan.batches.size() == 1 &&
               plan.batches.front()->entries() == 1;
  return plan;
}

Task<Status> Journal::Impl::Rotate(const Batch& first, FlushPlan& plan) {
  // The old segment is synced in full before the new one exists: a later
  // segment's base LSN is a durability claim (journal-format.md).
  if (writer_.open() && plan.written_before > plan.durable_before) {
    const auto start = Clock::now();
    STRATA_CO_RETURN_IF_ERROR(co_await writer_.Sync());
    metrics_.syncs.Increment();
    metrics_.sync_seconds.Observe(SecondsSince(start));
    plan.durable_before = plan.written_before;
  }
  STRATA_CO_RETURN_IF_ERROR(
      co_await writer_.Create(first.segment_id(), first.segment_base()));
  std::lock_guard lock(mu_);
  segments_.push_back(
      SegmentMeta{first.segment_id(), first.segment_base(), writer_.path()});
  co_return Status::OK();
}

Task<Status> Journal::Impl::WriteBatches(FlushPlan& plan) {
  // One write that is also the sync (RWF_DSYNC) when nothing unsynced
  // precedes it; otherwise write, then fdatasync.
  const bool fused = plan.sync && plan.batches.size() == 1 &&
                     plan.durable_before == plan.written_before;
  const bool inline_io = fused && plan.alone && options_->inline_lone_sync;
  size_t entries = 0;
  for (auto& batch : plan.batches) {
    auto bytes =
        alignment_ > 1 ? batch->PaddedBytes(alignment_) : batch->bytes();
    const auto start = Clock::now();
    STRATA_CO_RETURN_IF_ERROR(co_await writer_.WriteAt(
        bytes, batch->file_offset(), fused, inline_io));
    metrics_.flush_seconds.Observe(SecondsSince(start));
    if (fused) metrics_.sync_seconds.Observe(SecondsSince(start));
    entries += batch->entries();
  }
  if (plan.sync && !fused) {
    const auto start = Clock::now();
    STRATA_CO_RETURN_IF_ERROR(co_await writer_.Sync());
    metrics_.sync_seconds.Observe(SecondsSince(start));
  }
  if (plan.sync) {
    metrics_.syncs.Increment();
    metrics_.group_size.Observe(static_cast<double>(entries));
  }
  co_return Status::OK();
}

Task<Status> Journal::Impl::Execute(FlushPlan& plan) {
  if (!plan.batches.empty() && plan.batches.front()->opens_segment()) {
    STRATA_CO_RETURN_IF_ERROR(co_await Rotate(*plan.batches.front(), plan));
  }
  if (!plan.batches.empty()) co_return co_await WriteBatches(plan);
  if (!plan.sync || plan.written_before == plan.durable_before) {
    co_return Status::OK();
  }
  const auto start = Clock::now();
  STRATA_CO_RETURN_IF_ERROR(co_await writer_.Sync());
  metrics_.syncs.Increment();
  metrics_.sync_seconds.Observe(SecondsSince(start));
  metrics_.group_size.Observe(0);
  co_return Status::OK();
}

void Journal::Impl::Complete(FlushPlan& plan, const Status& status) {
  if (!status.ok()) {
    if (poison_.ok()) poison_ = status;
    return;
  }
  owner_->written_lsn_.store(plan.end, std::memory_order_release);
  const Lsn durable = plan.sync ? plan.end : plan.durable_before;
  if (durable > owner_->durable_lsn()) {
    owner_->durable_lsn_.store(durable, std::memory_order_release);
  }
  for (auto& batch : plan.batches) {
    if (spare_.size() < 4) spare_.push_back(std::move(batch));
  }
}

void Journal::Impl::WakeSatisfied(std::vector<Waiter*>& wake) {
  for (auto it = waiters_.begin(); it != waiters_.end();) {
    if (!poison_.ok() || Satisfied(**it)) {
      (*it)->state = Waiter::State::kDone;
      wake.push_back(*it);
      it = waiters_.erase(it);
    } else {
      ++it;
    }
  }
}

void Journal::Impl::PassLeadership(std::vector<Waiter*>& wake) {
  WakeSatisfied(wake);
  if (!waiters_.empty() && poison_.ok()) {
    Waiter* next = waiters_.front();
    waiters_.pop_front();
    next->state = Waiter::State::kLead;
    wake.push_back(next);
  } else {
    leader_busy_ = false;
  }
}

void Journal::Impl::Resume(const std::vector<Waiter*>& wake) {
  for (Waiter* w : wake) {
    if (w->runtime != nullptr) {
      w->runtime->Schedule(w->handle, w->reactor);
    } else {
      w->handle.resume();
    }
  }
}

Task<Status> Journal::Impl::Lead(Waiter& me) {
  for (;;) {
    FlushPlan plan;
    std::vector<Waiter*> wake;
    Status result;
    bool finished = false;
    bool others = false;
    {
      std::lock_guard lock(mu_);
      if (!poison_.ok() || Satisfied(me)) {
        result = Satisfied(me) ? Status::OK() : poison_;
        PassLeadership(wake);
        finished = true;
      } else {
        others = !waiters_.empty();
      }
    }
    if (finished) {
      Resume(wake);
      co_return result;
    }
    // Let appenders that are ready to run on this reactor (typically the
    // ones the last round just woke) add their records first; with company,
    // optionally wait a moment longer so the batch grows.
    if (others && options_->group_commit_window.count() > 0) {
      Status slept = co_await runtime::SleepFor(options_->group_commit_window);
      slept.IgnoreError();  // only a cancelled sleep fails; go on anyway
    } else {
      co_await YieldToReactor();
    }
    {
      std::lock_guard lock(mu_);
      plan = Plan(me);
    }
    Status status = co_await Execute(plan);
    {
      std::lock_guard lock(mu_);
      Complete(plan, status);
      WakeSatisfied(wake);
    }
    Resume(wake);
  }
}

}  // namespace strata::journal
