#include <gtest/gtest.h>

#include <atomic>
#include <map>

#include "journal/journal_test_util.h"
#include "strata/core/metrics.h"
#include "strata/fs/fault_injection.h"
#include "strata/fs/local.h"

namespace strata::journal {
namespace {

using testing::AppendAll;
using testing::Bytes;
using testing::MakePayload;
using testing::ReadAll;

class JournalTest : public testing::JournalTestBase {};

std::vector<Bytes> Payloads(size_t n, size_t max_size, uint64_t seed) {
  std::vector<Bytes> out;
  for (size_t i = 0; i < n; ++i) {
    out.push_back(MakePayload((i * 37 + seed) % (max_size + 1), seed + i));
  }
  return out;
}

void ExpectRecords(const testing::ReadBack& got, const std::vector<Bytes>& want,
                   const std::vector<Lsn>& lsns) {
  ASSERT_TRUE(got.status.ok()) << got.status.ToString();
  ASSERT_EQ(got.records.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got.records[i].data, want[i]) << i;
    EXPECT_EQ(got.records[i].lsn, lsns[i]) << i;
  }
}

TEST_F(JournalTest, AppendsReadBackAndSurviveReopen) {
  auto records = Payloads(500, 3000, 1);
  std::vector<Lsn> lsns;
  {
    auto j = OpenJournal(JournalOptions());
    ASSERT_TRUE(j.ok()) << j.status().ToString();
    EXPECT_EQ((*j)->recovery().outcome, RecoveryOutcome::kCreated);
    auto r = Run(AppendAll(j->get(), records, false));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    lsns = *r;
    EXPECT_EQ(lsns[0], kFrameHeaderBytes + records[0].size());
    ASSERT_TRUE(Run((*j)->Sync()).ok());
    EXPECT_EQ((*j)->durable_lsn(), lsns.back());
    ExpectRecords(Run(ReadAll(j->get(), 0)), records, lsns);
    ASSERT_TRUE(Run((*j)->Close()).ok());
  }
  auto j = OpenJournal(JournalOptions());
  ASSERT_TRUE(j.ok()) << j.status().ToString();
  EXPECT_EQ((*j)->recovery().outcome, RecoveryOutcome::kClean);
  EXPECT_EQ((*j)->recovery().records, records.size());
  EXPECT_EQ((*j)->recovery().end_lsn, lsns.back());
  ExpectRecords(Run(ReadAll(j->get(), 0)), records, lsns);
  // Reading from a boundary in the middle, and from a non-boundary.
  auto tail = Run(ReadAll(j->get(), lsns[99]));
  ASSERT_TRUE(tail.status.ok());
  EXPECT_EQ(tail.records.size(), records.size() - 100);
  auto bad = Run(ReadAll(j->get(), lsns[99] + 1));
  EXPECT_EQ(bad.status.code(), StatusCode::kInvalidArgument);
  // Appends continue after the recovered end.
  Bytes more = MakePayload(10, 99);
  auto lsn = Run((*j)->Append(more));
  ASSERT_TRUE(lsn.ok());
  EXPECT_EQ(*lsn, lsns.back() + kFrameHeaderBytes + 10);
}

TEST_F(JournalTest, RejectsOversizedRecordsAndBadSyncTargets) {
  auto j = OpenJournal(JournalOptions());
  ASSERT_TRUE(j.ok());
  Bytes big(kMaxRecordBytes + 1);
  EXPECT_EQ(Run((*j)->Append(big)).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Run((*j)->SyncThrough(1000)).code(), StatusCode::kInvalidArgument);
  std::vector<fs::ConstBytes> none;
  EXPECT_EQ(Run((*j)->AppendBatch(none)).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(JournalTest, AppendBatchIsContiguous) {
  auto j = OpenJournal(JournalOptions());
  ASSERT_TRUE(j.ok());
  auto records = Payloads(10, 100, 3);
  std::vector<fs::ConstBytes> spans(records.begin(), records.end());
  auto lsn = Run((*j)->AppendBatch(spans));
  ASSERT_TRUE(lsn.ok());
  uint64_t total = 0;
  for (const auto& r : records) total += kFrameHeaderBytes + r.size();
  EXPECT_EQ(*lsn, total);
  auto got = Run(ReadAll(j->get(), 0));
  EXPECT_EQ(got.records.size(), 0u) << "not written until a sync or backlog";
  ASSERT_TRUE(Run((*j)->SyncThrough(*lsn)).ok());
  got = Run(ReadAll(j->get(), 0));
  ASSERT_EQ(got.records.size(), records.size());
}

// One writer coroutine: `n` durable appends; checks its LSNs increase.
Task<Status> DurableWriter(Journal* j, int w, int n, std::atomic<int>* done) {
  Lsn last = 0;
  for (int s = 0; s < n; ++s) {
    Bytes payload = MakePayload(100 + (s % 7), uint64_t(w) * 100000 + s);
    STRATA_CO_ASSIGN_OR_RETURN(Lsn lsn, co_await j->Append(payload));
    STRATA_CO_RETURN_IF_ERROR(co_await j->SyncThrough(lsn));
    if (lsn <= last || j->durable_lsn() < lsn) {
      co_return InternalError("LSN order or durability broken");
    }
    last = lsn;
  }
  done->fetch_add(1);
  co_return Status::OK();
}

TEST_F(JournalTest, GroupCommitUnderSixtyFourAppenders) {
  metrics::Registry registry;
  JournalOptions options;
  options.metrics = &registry;
  options.segment_bytes = 256 << 10;  // rotate a few times too
  auto j = OpenJournal(options);
  ASSERT_TRUE(j.ok());
  constexpr int kWriters = 64, kRecords = 100;
  std::atomic<int> done{0};
  std::vector<runtime::JoinHandle<Status>> handles;
  for (int w = 0; w < kWriters; ++w) {
    handles.push_back(rt_->Spawn(DurableWriter(j->get(), w, kRecords, &done)));
  }
  for (auto& h : handles) EXPECT_TRUE(h.Join().ok());
  EXPECT_EQ(done.load(), kWriters);
  const uint64_t syncs =
      registry.GetCounter("strata_journal_syncs_total", "").value();
  EXPECT_GT(syncs, 0u);
  EXPECT_LT(syncs, uint64_t{kWriters * kRecords}) << "no group commit";
  auto got = Run(ReadAll(j->get(), 0));
  ASSERT_TRUE(got.status.ok()) << got.status.ToString();
  EXPECT_EQ(got.records.size(), size_t{kWriters * kRecords});
  EXPECT_GT(SegmentFiles().size(), 1u);
}

TEST_F(JournalTest, RotatesSegmentsAndTruncatesWholeOldOnes) {
  JournalOptions options;
  options.segment_bytes = 16 << 10;
  auto j = OpenJournal(options);
  ASSERT_TRUE(j.ok());
  auto records = Payloads(300, 900, 5);
  auto lsns = Run(AppendAll(j->get(), records, true));
  ASSERT_TRUE(lsns.ok());
  const size_t before = SegmentFiles().size();
  ASSERT_GT(before, 5u);
  ExpectRecords(Run(ReadAll(j->get(), 0)), records, *lsns);
  ASSERT_TRUE(Run((*j)->TruncateBefore((*lsns)[150])).ok());
  EXPECT_LT(SegmentFiles().size(), before);
  EXPECT_GT((*j)->first_lsn(), 0u);
  EXPECT_LE((*j)->first_lsn(), (*lsns)[150]);
  EXPECT_EQ(Run(ReadAll(j->get(), 0)).status.code(), StatusCode::kOutOfRange);
  ASSERT_TRUE(Run((*j)->Close()).ok());
  auto again = OpenJournal(options);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ((*again)->recovery().outcome, RecoveryOutcome::kClean);
  EXPECT_EQ((*again)->recovery().end_lsn, lsns->back());
  auto got = Run(ReadAll(again->get(), (*again)->first_lsn()));
  ASSERT_TRUE(got.status.ok()) << got.status.ToString();
  ASSERT_FALSE(got.records.empty());
  EXPECT_EQ(got.records.back().lsn, lsns->back());
}

TEST_F(JournalTest, DirectIoWritesTheSameFormat) {
  JournalOptions direct;
  direct.direct_io = true;
  direct.segment_bytes = 64 << 10;
  auto records = Payloads(200, 5000, 7);
  std::vector<Lsn> lsns;
  {
    auto j = OpenJournal(direct);
    ASSERT_TRUE(j.ok()) << j.status().ToString();
    EXPECT_TRUE((*j)->direct_io());
    auto r = Run(AppendAll(j->get(), records, true));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    lsns = *r;
    ASSERT_TRUE(Run((*j)->Close()).ok());
  }
  {
    auto j = OpenJournal(JournalOptions());  // buffered reopen
    ASSERT_TRUE(j.ok()) << j.status().ToString();
    EXPECT_EQ((*j)->recovery().outcome, RecoveryOutcome::kClean);
    ExpectRecords(Run(ReadAll(j->get(), 0)), records, lsns);
    ASSERT_TRUE(Run((*j)->Close()).ok());
  }
  auto j = OpenJournal(direct);  // direct reopen continues a partial block
  ASSERT_TRUE(j.ok());
  auto more = Payloads(5, 300, 9);
  auto r = Run(AppendAll(j->get(), more, true));
  ASSERT_TRUE(r.ok());
  auto got = Run(ReadAll(j->get(), 0));
  ASSERT_TRUE(got.status.ok());
  EXPECT_EQ(got.records.size(), records.size() + more.size());
}

TEST_F(JournalTest, RefusedDirectIoIsAnErrorNotAFallback) {
  // open(2) refuses O_DIRECT with EINVAL (tmpfs before Linux 6.6, some
  // network file systems); injected here since this kernel's tmpfs accepts it.
  auto faulty = std::make_shared<fs::FaultInjectionFileSystem>(
      std::make_shared<fs::LocalFileSystem>());
  fs::FaultRule refuse;
  refuse.op = fs::FaultOp::kOpen;
  refuse.error = EINVAL;
  refuse.repeat = true;
  refuse.path_contains = ".journal";
  faulty->AddFault(refuse);
  JournalOptions direct;
  direct.direct_io = true;
  direct.fs = faulty;
  auto j = Run(Journal::Open(dir_, direct));
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(j.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(j.status().message().find("O_DIRECT"), std::string::npos)
      << j.status().message();
}

TEST_F(JournalTest, FailedSyncPoisonsAndAcknowledgedRecordsSurvive) {
  auto local = std::make_shared<fs::LocalFileSystem>();
  auto faulty = std::make_shared<fs::FaultInjectionFileSystem>(local);
  JournalOptions options;
  options.fs = faulty;
  auto j = Run(Journal::Open(dir_, options));
  ASSERT_TRUE(j.ok()) << j.status().ToString();
  auto acked = Payloads(20, 200, 11);
  auto lsns = Run(AppendAll(j->get(), acked, true));
  ASSERT_TRUE(lsns.ok());
  fs::FaultRule rule;
  rule.op = fs::FaultOp::kWrite;
  rule.repeat = true;
  faulty->AddFault(rule);
  Bytes next = MakePayload(50, 1);
  auto lsn = Run((*j)->Append(next));
  ASSERT_TRUE(lsn.ok());
  Status failed = Run((*j)->SyncThrough(*lsn));
  EXPECT_FALSE(failed.ok());
  faulty->ClearFaults();
  // Poisoned: the same error forever, even though writes would work now.
  EXPECT_EQ(Run((*j)->Append(next)).status().message(), failed.message());
  EXPECT_EQ(Run((*j)->Sync()).message(), failed.message());
  EXPECT_EQ((*j)->health().message(), failed.message());
  j->reset();
  auto reopened = OpenJournal(JournalOptions());
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  auto got = Run(ReadAll(reopened->get(), 0));
  ASSERT_GE(got.records.size(), acked.size());
  for (size_t i = 0; i < acked.size(); ++i)
    EXPECT_EQ(got.records[i].data, acked[i]);
}

// The durable frontier never covers bytes a reader cannot find: while
// appenders run, every durable_lsn() observed is within the valid prefix.
Task<Status> FrontierChecker(Journal* j, fs::FileSystem* fs, std::string dir,
                             std::atomic<bool>* stop, int* checks) {
  while (!stop->load()) {
    const Lsn durable = j->durable_lsn();
    std::function<void(Lsn, std::span<const std::byte>)> none;
    STRATA_CO_ASSIGN_OR_RETURN(ScanResult scan,
                               co_await ScanJournal(*fs, dir, none));
    if (scan.report.end_lsn < durable) {
      co_return InternalError("durable LSN " + std::to_string(durable) +
                              " beyond the valid prefix ending at " +
                              std::to_string(scan.report.end_lsn));
    }
    ++*checks;
  }
  co_return Status::OK();
}

TEST_F(JournalTest, DurableFrontierNeverCoversUnwrittenBytes) {
  JournalOptions options;
  options.segment_bytes = 128 << 10;
  auto j = OpenJournal(options);
  ASSERT_TRUE(j.ok());
  fs::LocalFileSystem local;
  std::atomic<bool> stop{false};
  int checks = 0;
  auto checker =
      rt_->Spawn(FrontierChecker(j->get(), &local, dir_, &stop, &checks));
  std::atomic<int> done{0};
  std::vector<runtime::JoinHandle<Status>> writers;
  for (int w = 0; w < 16; ++w) {
    writers.push_back(rt_->Spawn(DurableWriter(j->get(), w, 150, &done)));
  }
  for (auto& h : writers) EXPECT_TRUE(h.Join().ok());
  stop = true;
  Status checked = checker.Join();
  EXPECT_TRUE(checked.ok()) << checked.ToString();
  EXPECT_GT(checks, 0);
}

}  // namespace
}  // namespace strata::journal
