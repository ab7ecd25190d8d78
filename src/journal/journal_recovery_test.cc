// Torn-tail surgery matrix: damage a closed journal's files in each way a
// crash (or bitrot) can, then open it in each RecoveryMode.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "journal/journal_test_util.h"
#include "strata/fs/local.h"

namespace strata::journal {
namespace {

using testing::AppendAll;
using testing::Bytes;
using testing::MakePayload;
using testing::ReadAll;

enum class Surgery {
  kTruncateInsideLastFrame,
  kZeroLastFrame,
  kZeroSectorMidLastRecord,
  kGarbageAfterLastFrame,
  kFlipByteMidLog,
};

struct Expectation {
  // Per mode: tolerate, absolute, point-in-time. nullopt = Open fails with
  // kDataLoss.
  std::optional<RecoveryOutcome> outcome[3];
  size_t records[3] = {0, 0, 0};  // records left after a successful Open
};

constexpr size_t kJournalRecords = 12;

class JournalRecoveryTest : public testing::JournalTestBase {
 protected:
  static constexpr size_t kRecords = kJournalRecords;

  // Writes kRecords synced records (the last one 10 KiB) and closes.
  void WriteJournal() {
    auto j = OpenJournal(JournalOptions());
    ASSERT_TRUE(j.ok()) << j.status().ToString();
    std::vector<Bytes> records;
    for (size_t i = 0; i < kRecords; ++i) {
      records.push_back(MakePayload(i + 1 == kRecords ? 10240 : 300, i));
    }
    auto lsns = Run(AppendAll(j->get(), records, true));
    ASSERT_TRUE(lsns.ok());
    lsns_ = *lsns;
    ASSERT_TRUE(Run((*j)->Close()).ok());
    segment_ = dir_ + "/" + SegmentFileName(1);
  }

  uint64_t Offset(Lsn lsn) const { return kSegmentDataOffset + lsn; }
  Lsn RecordStart(size_t i) const { return i == 0 ? 0 : lsns_[i - 1]; }

  void Pwrite(uint64_t offset, const Bytes& bytes) {
    int fd = ::open(segment_.c_str(), O_WRONLY);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::pwrite(fd, bytes.data(), bytes.size(), off_t(offset)),
              ssize_t(bytes.size()));
    ::close(fd);
  }

  void Apply(Surgery s) {
    const uint64_t last = Offset(RecordStart(kRecords - 1));
    switch (s) {
      case Surgery::kTruncateInsideLastFrame:
        std::filesystem::resize_file(segment_, last + 30);
        break;
      case Surgery::kZeroLastFrame:
        Pwrite(last, Bytes(lsns_.back() - RecordStart(kRecords - 1)));
        break;
      case Surgery::kZeroSectorMidLastRecord:
        Pwrite((last + 4096) / 512 * 512, Bytes(512));
        break;
      case Surgery::kGarbageAfterLastFrame:
        Pwrite(Offset(lsns_.back()), MakePayload(100, 77));
        break;
      case Surgery::kFlipByteMidLog: {
        Bytes flip = {std::byte{0x5a}};
        Pwrite(Offset(RecordStart(5)) + 40, flip);
        break;
      }
    }
  }

  // Copies the damaged directory so each mode starts from the same bytes.
  void Snapshot() { std::filesystem::copy(dir_, root_ + "/snap"); }
  void Restore() {
    std::filesystem::remove_all(dir_);
    std::filesystem::copy(root_ + "/snap", dir_);
  }

  void Check(const Expectation& e) {
    const RecoveryMode modes[3] = {RecoveryMode::kTolerateTornTail,
                                   RecoveryMode::kAbsoluteConsistency,
                                   RecoveryMode::kPointInTime};
    for (int m = 0; m < 3; ++m) {
      SCOPED_TRACE(std::string(RecoveryModeName(modes[m])));
      Restore();
      JournalOptions options;
      options.recovery = modes[m];
      auto j = OpenJournal(options);
      if (!e.outcome[m]) {
        ASSERT_FALSE(j.ok());
        EXPECT_EQ(j.status().code(), StatusCode::kDataLoss);
        EXPECT_NE(j.status().message().find(SegmentFileName(1)),
                  std::string::npos)
            << j.status().message();
        continue;
      }
      ASSERT_TRUE(j.ok()) << j.status().ToString();
      EXPECT_EQ((*j)->recovery().outcome, *e.outcome[m]);
      auto got = Run(ReadAll(j->get(), 0));
      ASSERT_TRUE(got.status.ok()) << got.status.ToString();
      ASSERT_EQ(got.records.size(), e.records[m]);
      for (size_t i = 0; i < got.records.size(); ++i) {
        EXPECT_EQ(got.records[i].lsn, lsns_[i]);
      }
      const bool repaired = *e.outcome[m] == RecoveryOutcome::kRepaired ||
                            *e.outcome[m] == RecoveryOutcome::kTruncated;
      EXPECT_EQ(!(*j)->recovery().side_files.empty(), repaired);
      for (const auto& side : (*j)->recovery().side_files) {
        EXPECT_TRUE(std::filesystem::exists(side)) << side;
      }
      j->reset();
      // Recovery is done: the next open in the strictest mode is clean.
      JournalOptions strict;
      strict.recovery = RecoveryMode::kAbsoluteConsistency;
      auto again = OpenJournal(strict);
      ASSERT_TRUE(again.ok()) << again.status().ToString();
      EXPECT_EQ((*again)->recovery().outcome, RecoveryOutcome::kClean);
      EXPECT_EQ((*again)->recovery().records, e.records[m]);
    }
  }

  void Run(Surgery s, const Expectation& e) {
    WriteJournal();
    Apply(s);
    Snapshot();
    Check(e);
  }
  using testing::JournalTestBase::Run;

  std::vector<Lsn> lsns_;
  std::string segment_;
};

constexpr auto kRepaired = RecoveryOutcome::kRepaired;
constexpr auto kClean = RecoveryOutcome::kClean;
constexpr auto kTruncated = RecoveryOutcome::kTruncated;
constexpr size_t N = kJournalRecords;

TEST_F(JournalRecoveryTest, TruncatedInsideTheLastFrame) {
  Run(Surgery::kTruncateInsideLastFrame,
      {{kRepaired, std::nullopt, kRepaired}, {N - 1, 0, N - 1}});
}

TEST_F(JournalRecoveryTest, ZeroedLastFrameIsACleanShorterLog) {
  Run(Surgery::kZeroLastFrame,
      {{kClean, kClean, kClean}, {N - 1, N - 1, N - 1}});
}

TEST_F(JournalRecoveryTest, ZeroSectorInsideTheLastRecord) {
  Run(Surgery::kZeroSectorMidLastRecord,
      {{kRepaired, std::nullopt, kRepaired}, {N - 1, 0, N - 1}});
}

TEST_F(JournalRecoveryTest, GarbageAfterTheLastFrame) {
  Run(Surgery::kGarbageAfterLastFrame,
      {{kRepaired, std::nullopt, kRepaired}, {N, 0, N}});
}

TEST_F(JournalRecoveryTest, MidLogCorruptionIsReportedNotTruncated) {
  Run(Surgery::kFlipByteMidLog,
      {{std::nullopt, std::nullopt, kTruncated}, {0, 0, 5}});
}

TEST_F(JournalRecoveryTest, ScanJournalReportsWithoutChangingAnything) {
  WriteJournal();
  Apply(Surgery::kGarbageAfterLastFrame);
  const auto size = std::filesystem::file_size(segment_);
  fs::LocalFileSystem local;
  size_t visited = 0;
  std::function<void(Lsn, std::span<const std::byte>)> count =
      [&](Lsn, std::span<const std::byte>) { ++visited; };
  auto scan = Run(ScanJournal(local, dir_, count));
  ASSERT_TRUE(scan.ok()) << scan.status().ToString();
  EXPECT_TRUE(scan->torn_tail);
  EXPECT_FALSE(scan->mid_log_corruption);
  EXPECT_EQ(visited, N);
  EXPECT_EQ(scan->report.end_lsn, lsns_.back());
  EXPECT_EQ(std::filesystem::file_size(segment_), size);
  auto again = Run(ScanJournal(local, dir_, count));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->torn_tail) << "the scan must not have repaired anything";
}

TEST_F(JournalRecoveryTest, MissingMiddleSegmentIsDataLoss) {
  JournalOptions small;
  small.segment_bytes = 8192;
  {
    auto j = OpenJournal(small);
    ASSERT_TRUE(j.ok());
    std::vector<Bytes> records;
    for (int i = 0; i < 12; ++i) records.push_back(MakePayload(2000, i));
    ASSERT_TRUE(Run(AppendAll(j->get(), records, true)).ok());
    ASSERT_TRUE(Run((*j)->Close()).ok());
  }
  ASSERT_GE(SegmentFiles().size(), 4u);
  std::filesystem::remove(dir_ + "/" + SegmentFileName(2));
  auto j = OpenJournal(small);
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(j.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(j.status().message().find("missing"), std::string::npos)
      << j.status().message();
  small.recovery = RecoveryMode::kPointInTime;
  auto pit = OpenJournal(small);
  ASSERT_TRUE(pit.ok()) << pit.status().ToString();
  EXPECT_EQ((*pit)->recovery().outcome, RecoveryOutcome::kTruncated);
  auto got = Run(ReadAll(pit->get(), 0));
  ASSERT_TRUE(got.status.ok());
  EXPECT_GT(got.records.size(), 0u);
  EXPECT_LT(got.records.size(), 12u);
}

TEST_F(JournalRecoveryTest, ForeignFilesAreRefused) {
  WriteJournal();
  std::ofstream(dir_ + "/notes.txt") << "hi";
  auto j = OpenJournal(JournalOptions());
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(j.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(j.status().message().find("notes.txt"), std::string::npos);
}

TEST_F(JournalRecoveryTest, LeftoverTempSegmentIsRemoved) {
  WriteJournal();
  std::ofstream(dir_ + "/" + SegmentFileName(2) + ".tmp") << "partial";
  auto j = OpenJournal(JournalOptions());
  ASSERT_TRUE(j.ok()) << j.status().ToString();
  EXPECT_EQ((*j)->recovery().outcome, RecoveryOutcome::kClean);
  EXPECT_FALSE(
      std::filesystem::exists(dir_ + "/" + SegmentFileName(2) + ".tmp"));
}

}  // namespace
}  // namespace strata::journal
