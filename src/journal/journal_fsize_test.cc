// A real write failure on the local file system: RLIMIT_FSIZE makes a
// segment write fail with EFBIG. The failure poisons the journal; everything
// acknowledged before it survives the reopen.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>

#include <algorithm>
#include <cerrno>

#include "journal/journal_test_util.h"

namespace strata::journal {
namespace {

using testing::Bytes;
using testing::MakePayload;

// Lowers the soft RLIMIT_FSIZE (and ignores SIGXFSZ, so a write past it
// fails with EFBIG instead of killing the process) until Restore() or
// destruction, whichever comes first.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    old_handler_ = ::signal(SIGXFSZ, SIG_IGN);
    if (::getrlimit(RLIMIT_FSIZE, &saved_) != 0) return;
    rlimit lowered = saved_;
    lowered.rlim_cur = std::min(bytes, saved_.rlim_max);
    lowered_ = ::setrlimit(RLIMIT_FSIZE, &lowered) == 0;
  }
  ~FileSizeLimit() { Restore(); }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

  bool lowered() const { return lowered_; }
  // The soft limit goes back up (it may, to the unchanged hard limit).
  void Restore() {
    if (restored_) return;
    restored_ = true;
    if (lowered_) {
      EXPECT_EQ(::setrlimit(RLIMIT_FSIZE, &saved_), 0) << errno;
    }
    ::signal(SIGXFSZ, old_handler_);
  }

 private:
  rlimit saved_{};
  sighandler_t old_handler_ = SIG_DFL;
  bool lowered_ = false;
  bool restored_ = false;
};

class JournalFsizeTest : public testing::JournalTestBase {
 protected:
  // Appends and syncs records until one fails; returns the failure and
  // leaves the acknowledged payloads in `acked`.
  Status AppendUntilFailure(Journal& j, std::vector<Bytes>& acked) {
    for (uint64_t i = 0; i < 10000; ++i) {
      Bytes payload = MakePayload(700 + (i * 37) % 900, i + 1);
      auto lsn = Run(j.Append(payload));
      if (!lsn.ok()) return lsn.status();
      Status synced = Run(j.SyncThrough(*lsn));
      if (!synced.ok()) return synced;
      acked.push_back(std::move(payload));
    }
    return InternalError("no write failed under the file size limit");
  }
};

constexpr rlim_t kLimit = 256 << 10;

TEST_F(JournalFsizeTest, FsizeWriteFailurePoisonsAndAcknowledgedSurvive) {
  JournalOptions options;
  options.preallocate = false;                // the file grows with each write
  options.segment_bytes = uint64_t{4} << 20;  // larger than the limit
  std::vector<Bytes> acked;
  Status failure, append_after, sync_after, health, after_restore;
  {
    auto j = OpenJournal(options);
    ASSERT_TRUE(j.ok()) << j.status().ToString();
    FileSizeLimit limit(kLimit);
    ASSERT_TRUE(limit.lowered()) << "setrlimit(RLIMIT_FSIZE) failed";
    failure = AppendUntilFailure(**j, acked);
    Bytes more = MakePayload(10, 99);
    append_after = Run((*j)->Append(more)).status();
    sync_after = Run((*j)->Sync());
    health = (*j)->health();
    limit.Restore();
    // Poisoned for good: writes would work again now, but the journal
    // never retries.
    after_restore = Run((*j)->Append(more)).status();
  }
  ASSERT_FALSE(failure.ok());
  EXPECT_EQ(failure.sys_errno(), EFBIG) << failure.ToString();
  EXPECT_NE(failure.code(), StatusCode::kInternal) << failure.ToString();
  EXPECT_GT(acked.size(), 100u);
  for (const Status& s : {append_after, sync_after, health, after_restore}) {
    EXPECT_EQ(s.code(), failure.code()) << s.ToString();
    EXPECT_EQ(s.message(), failure.message());
  }

  auto j = OpenJournal(options);
  ASSERT_TRUE(j.ok()) << j.status().ToString();
  auto got = Run(testing::ReadAll(j->get(), 0));
  ASSERT_TRUE(got.status.ok()) << got.status.ToString();
  // The failed record's write did not complete: at most a torn frame,
  // which recovery cut off.
  ASSERT_EQ(got.records.size(), acked.size());
  for (size_t i = 0; i < acked.size(); ++i) {
    ASSERT_EQ(got.records[i].data, acked[i]) << "record " << i;
  }
  // The repaired journal takes appends again.
  Bytes next = MakePayload(10, 7);
  auto lsn = Run((*j)->Append(next));
  ASSERT_TRUE(lsn.ok()) << lsn.status().ToString();
  EXPECT_TRUE(Run((*j)->SyncThrough(*lsn)).ok());
}

}  // namespace
}  // namespace strata::journal
