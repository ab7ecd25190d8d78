// Tests of `strata journal append`, `dump` and `bench`, run as a subprocess:
// every record written is dumped once and verifies, ACKs match the dump,
// torn tails are repaired (exit 3) and mid-log corruption is reported
// (exit 4) without changing the journal, and the bench prints its JSON.
// The payload formula itself is unit-tested here too.

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "cli/cli_journal_test_util.h"
#include "cli/cli_test_util.h"
#include "cli/journal_payload.h"

namespace strata::cli::testing {
namespace {

using ::testing::HasSubstr;

namespace stdfs = std::filesystem;

constexpr uint64_t kFrameHeader = 24;    // docs/journal-format.md
constexpr uint64_t kSegmentData = 4096;  // first frame's file offset

TEST(JournalPayloadTest, FollowsTheFormula) {
  std::vector<std::byte> p = MakePayload(3, 258, 20);
  ASSERT_EQ(p.size(), 20u);
  EXPECT_EQ(p[0], std::byte{3});
  for (size_t i = 1; i < 8; ++i) EXPECT_EQ(p[i], std::byte{0}) << i;
  EXPECT_EQ(p[8], std::byte{2});  // 258 little-endian
  EXPECT_EQ(p[9], std::byte{1});
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(p[16 + i],
              static_cast<std::byte>((3 * 31 + 258 * 17 + i) & 0xff));
  }
  std::optional<PayloadId> id = ParsePayloadId(p);
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(id->writer, 3u);
  EXPECT_EQ(id->seq, 258u);
  EXPECT_TRUE(PayloadMatches(p, *id));
  p[19] ^= std::byte{1};
  EXPECT_FALSE(PayloadMatches(p, *id));
  EXPECT_FALSE(ParsePayloadId(std::span(p).first(15)).has_value());
}

class CliJournalTest : public CliTest {
 protected:
  std::string Journal() const { return Path("j"); }

  CliResult Append(const std::string& sync, int writers, int records,
                   const std::string& size, bool acks = true,
                   const std::vector<std::string>& env = {},
                   const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"journal",   "append",
                                     "--dir",     Journal(),
                                     "--writers", std::to_string(writers),
                                     "--records", std::to_string(records),
                                     "--size",    size,
                                     "--sync",    sync};
    if (acks) args.push_back("--print-acks");
    args.insert(args.end(), extra.begin(), extra.end());
    return RunCli(args, env);
  }

  CliResult Dump(const std::vector<std::string>& extra = {},
                 const std::vector<std::string>& env = {}) {
    std::vector<std::string> args = {"journal", "dump", "--dir", Journal()};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunCli(args, env);
  }

  // Dumps and checks the whole log is W*N verified records, each (w, s)
  // once, in strictly increasing LSN order, frames packed back to back.
  ParsedDump DumpAndCheck(int writers, int records, uint64_t size) {
    CliResult r = Dump();
    EXPECT_EQ(r.exit_code, 0) << r.err;
    ParsedDump dump = ParseDump(r.out);
    EXPECT_TRUE(dump.malformed.empty()) << dump.malformed.front();
    EXPECT_TRUE(dump.has_end) << r.out;
    EXPECT_EQ(dump.end_count, uint64_t(writers) * records);
    EXPECT_EQ(dump.records.size(), uint64_t(writers) * records);
    std::set<std::pair<uint64_t, uint64_t>> seen;
    uint64_t prev = 0;
    for (const DumpRecord& rec : dump.records) {
      EXPECT_EQ(rec.verdict, "ok") << rec.lsn;
      EXPECT_EQ(rec.len, size);
      EXPECT_EQ(rec.lsn, prev + kFrameHeader + size) << "frames are packed";
      prev = rec.lsn;
      if (!rec.writer) continue;
      EXPECT_LT(*rec.writer, uint64_t(writers));
      EXPECT_LT(*rec.seq, uint64_t(records));
      EXPECT_TRUE(seen.emplace(*rec.writer, *rec.seq).second)
          << "duplicate " << *rec.writer << " " << *rec.seq;
    }
    EXPECT_EQ(seen.size(), uint64_t(writers) * records);
    EXPECT_EQ(dump.end_lsn, prev);
    return dump;
  }

  // The single segment's path (these tests never rotate).
  std::string OnlySegment() {
    std::vector<std::string> segments = SegmentFiles(Journal());
    EXPECT_EQ(segments.size(), 1u);
    return segments.empty() ? "" : segments[0];
  }
};

// Every ACK names a distinct record the dump shows at that LSN, and each
// writer's records were appended in order.
void ExpectAcksMatchDump(const std::vector<Ack>& acks, const ParsedDump& dump) {
  std::map<uint64_t, const DumpRecord*> by_lsn;
  for (const DumpRecord& rec : dump.records) by_lsn[rec.lsn] = &rec;
  std::map<uint64_t, std::pair<uint64_t, uint64_t>> last;  // w -> (s, lsn)
  for (const Ack& ack : acks) {
    auto it = by_lsn.find(ack.lsn);
    ASSERT_NE(it, by_lsn.end()) << "ACKed lsn " << ack.lsn << " not dumped";
    EXPECT_EQ(it->second->writer, ack.writer) << ack.lsn;
    EXPECT_EQ(it->second->seq, ack.seq) << ack.lsn;
  }
  for (const DumpRecord& rec : dump.records) {
    if (!rec.writer) continue;
    auto [it, fresh] = last.try_emplace(*rec.writer, *rec.seq, rec.lsn);
    if (fresh) continue;
    EXPECT_GT(*rec.seq, it->second.first) << "writer " << *rec.writer;
    it->second = {*rec.seq, rec.lsn};
  }
}

class CliJournalSyncTest : public CliJournalTest,
                           public ::testing::WithParamInterface<
                               std::tuple<std::string, std::string>> {};

TEST_P(CliJournalSyncTest, AppendThenDumpShowsEveryRecordOnce) {
  const auto& [sync, io_uring] = GetParam();
  std::vector<std::string> env = {"STRATA_IO_URING=" + io_uring};
  CliResult r = Append(sync, 4, 50, "64", /*acks=*/true, env);
  if (io_uring == "on" && r.exit_code == 1 &&
      r.err.find("io_uring") != std::string::npos) {
    GTEST_SKIP() << "io_uring unavailable: " << r.err;
  }
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> bad;
  std::vector<Ack> acks = ParseAcks(r.out, &bad);
  EXPECT_TRUE(bad.empty()) << bad.front();
  EXPECT_TRUE(r.out.ends_with('\n'));
  EXPECT_EQ(acks.size(), 200u);
  ParsedDump dump = DumpAndCheck(4, 50, 64);
  ExpectAcksMatchDump(acks, dump);
}

INSTANTIATE_TEST_SUITE_P(Modes, CliJournalSyncTest,
                         ::testing::Combine(::testing::Values("each", "batch",
                                                              "none"),
                                            ::testing::Values("on", "off")),
                         [](const auto& info) {
                           return std::get<0>(info.param) + "_uring_" +
                                  std::get<1>(info.param);
                         });

TEST_F(CliJournalTest, AppendWithoutAcksPrintsASummary) {
  CliResult r = Append("batch", 2, 100, "1k", /*acks=*/false);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("appended 200 records"));
  EXPECT_THAT(r.out, HasSubstr(Journal()));
  DumpAndCheck(2, 100, 1024);
}

TEST_F(CliJournalTest, SecondAppendContinuesTheLog) {
  ASSERT_EQ(Append("each", 1, 5, "16").exit_code, 0);
  CliResult r = Append("each", 1, 5, "16");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> bad;
  std::vector<Ack> acks = ParseAcks(r.out, &bad);
  ASSERT_EQ(acks.size(), 5u);
  EXPECT_EQ(acks[0].lsn, 6 * (kFrameHeader + 16));
  ParsedDump dump = ParseDump(Dump().out);
  ASSERT_EQ(dump.records.size(), 10u);
  EXPECT_EQ(dump.records[5].seq, 0u);
  EXPECT_EQ(dump.records[5].lsn, acks[0].lsn);
}

TEST_F(CliJournalTest, RecordsSpanSeveralSegments) {
  CliResult r = Append("each", 4, 300, "100", /*acks=*/true, {},
                       {"--segment-bytes", "16k"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GT(SegmentFiles(Journal()).size(), 5u);
  std::vector<std::string> bad;
  std::vector<Ack> acks = ParseAcks(r.out, &bad);
  EXPECT_EQ(acks.size(), 1200u);
  ExpectAcksMatchDump(acks, DumpAndCheck(4, 300, 100));
}

TEST_F(CliJournalTest, DirectIoJournalDumpsTheSame) {
  int fd = ::open(Path("probe").c_str(), O_CREAT | O_RDWR | O_DIRECT, 0644);
  if (fd < 0) GTEST_SKIP() << "no O_DIRECT in " << dir_;
  ::close(fd);
  for (const char* sync : {"each", "batch"}) {
    SCOPED_TRACE(sync);
    stdfs::remove_all(Journal());
    CliResult r = Append(sync, 3, 70, "1000", /*acks=*/true, {}, {"--direct"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> bad;
    ExpectAcksMatchDump(ParseAcks(r.out, &bad), DumpAndCheck(3, 70, 1000));
  }
}

TEST_F(CliJournalTest, SizeBelowSixteenIsAnError) {
  CliResult r = Append("each", 1, 1, "15");
  ExpectOneLineError(r, "--size must be at least 16");
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_FALSE(stdfs::exists(Journal()));
  EXPECT_EQ(Append("each", 1, 1, "4q").exit_code, 2);
  EXPECT_EQ(Append("fsync", 1, 1, "16").exit_code, 2);
}

TEST_F(CliJournalTest, AppendToAFileFailsNamingIt) {
  WriteFile(Journal(), "not a directory");
  CliResult r = Append("each", 1, 1, "16");
  ExpectOneLineError(r, Journal());
  EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST_F(CliJournalTest, DumpOfMissingDirFailsAndCreatesNothing) {
  CliResult r = Dump();
  ExpectOneLineError(r, Journal());
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_FALSE(stdfs::exists(Journal()));
}

TEST_F(CliJournalTest, DumpFromPrintsOnlyLaterRecords) {
  ASSERT_EQ(Append("batch", 2, 10, "40").exit_code, 0);
  ParsedDump all = DumpAndCheck(2, 10, 40);
  ASSERT_EQ(all.records.size(), 20u);
  uint64_t from = all.records[8].lsn;
  CliResult r = Dump({"--from", std::to_string(from)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ParsedDump tail = ParseDump(r.out);
  ASSERT_EQ(tail.records.size(), 11u);
  EXPECT_EQ(tail.end_count, 11u);
  EXPECT_EQ(tail.end_lsn, all.end_lsn);
  for (size_t i = 0; i < tail.records.size(); ++i) {
    EXPECT_EQ(tail.records[i].lsn, all.records[9 + i].lsn);
    EXPECT_EQ(tail.records[i].seq, all.records[9 + i].seq);
  }
  r = Dump({"--from", std::to_string(all.end_lsn)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "END " + std::to_string(all.end_lsn) + " 0\n");
  ExpectOneLineError(Dump({"--from", std::to_string(from + 1)}),
                     std::to_string(from + 1));
  EXPECT_EQ(Dump({"--from", "-1"}).exit_code, 2);
}

// Writes `bytes` at `offset` of `path` (extending it if needed).
void Overwrite(const std::string& path, uint64_t offset,
               const std::string& bytes) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  ASSERT_TRUE(f.is_open()) << path;
  f.seekp(static_cast<std::streamoff>(offset));
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(f.good()) << path;
}

TEST_F(CliJournalTest, TornTailIsRepairedOnceAndSetAside) {
  ASSERT_EQ(Append("each", 2, 20, "64").exit_code, 0);
  ParsedDump before = DumpAndCheck(2, 20, 64);
  std::string segment = OnlySegment();
  std::string garbage = RandomBytes(100, 7);
  garbage[0] = '\x5a';  // not an end marker
  Overwrite(segment, kSegmentData + before.end_lsn, garbage);
  CliResult r = Dump();
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_THAT(r.err, HasSubstr("repaired"));
  ParsedDump repaired = ParseDump(r.out);
  EXPECT_EQ(repaired.end_lsn, before.end_lsn);
  EXPECT_EQ(repaired.records.size(), before.records.size());
  EXPECT_FALSE(FilesWith(Journal(), ".corrupt-").empty());
  r = Dump();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
  EXPECT_EQ(ParseDump(r.out).records.size(), before.records.size());
}

TEST_F(CliJournalTest, MidLogCorruptionPrintsThePrefixAndChangesNothing) {
  // One writer, each record synced before the next: every later frame
  // claims the earlier ones durable, so damage to record 3 is mid-log.
  ASSERT_EQ(Append("each", 1, 12, "64").exit_code, 0);
  ParsedDump before = DumpAndCheck(1, 12, 64);
  std::string segment = OnlySegment();
  uint64_t payload = kSegmentData + before.records[2].lsn + kFrameHeader;
  Overwrite(segment, payload + 20, "\xff");
  std::string image = ReadFile(segment);
  CliResult r = Dump();
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_EQ(Lines(r.err).size(), 1u) << r.err;
  EXPECT_THAT(r.err, HasSubstr(Journal()));
  ParsedDump prefix = ParseDump(r.out);
  EXPECT_TRUE(prefix.malformed.empty());
  ASSERT_EQ(prefix.records.size(), 3u) << r.out;
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(prefix.records[i].verdict, "ok");
    EXPECT_EQ(prefix.records[i].seq, i);
    EXPECT_EQ(prefix.records[i].lsn, before.records[i].lsn);
  }
  EXPECT_EQ(prefix.end_count, 3u);
  EXPECT_EQ(prefix.end_lsn, before.records[2].lsn);
  EXPECT_EQ(ReadFile(segment), image) << "dump changed a damaged journal";
  EXPECT_TRUE(FilesWith(Journal(), ".corrupt-").empty());
  EXPECT_EQ(Dump().exit_code, 4);
}

TEST_F(CliJournalTest, BenchPrintsTheDocumentedJson) {
  for (const char* mode : {"on", "off"}) {
    SCOPED_TRACE(mode);
    CliResult r = RunCli({"journal", "bench", "--dir", dir_, "--writers", "4",
                          "--size", "4k", "--seconds", "1", "--json"},
                         {std::string("STRATA_IO_URING=") + mode});
    if (mode == std::string("on") && r.exit_code == 1 &&
        r.err.find("io_uring") != std::string::npos) {
      continue;  // no io_uring here
    }
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_EQ(Lines(r.out).size(), 1u) << r.out;
    nlohmann::ordered_json j = nlohmann::ordered_json::parse(r.out);
    std::vector<std::string> keys;
    for (const auto& item : j.items()) keys.push_back(item.key());
    EXPECT_THAT(keys, ::testing::ElementsAre(
                          "writers", "size", "ops_per_s", "mib_per_s",
                          "lat_p50_us", "lat_p99_us", "runtime_kind", "syncs"));
    EXPECT_EQ(j["writers"], 4);
    EXPECT_EQ(j["size"], 4096);
    double ops = j["ops_per_s"].get<double>();
    EXPECT_GT(ops, 0);
    EXPECT_NEAR(j["mib_per_s"].get<double>(), ops * 4096 / (1 << 20),
                ops * 4096 / (1 << 20) * 1e-6);
    EXPECT_GT(j["lat_p50_us"].get<double>(), 0);
    EXPECT_GE(j["lat_p99_us"].get<double>(), j["lat_p50_us"].get<double>());
    EXPECT_EQ(j["runtime_kind"],
              mode == std::string("on") ? "io_uring" : "poll");
    EXPECT_GT(j["syncs"].get<uint64_t>(), 0u);
    EXPECT_TRUE(stdfs::is_empty(dir_)) << "bench left files in " << dir_;
  }
}

TEST_F(CliJournalTest, BenchHumanLineAndLeavesDirAlone) {
  WriteFile(Path("keep"), "x");
  CliResult r = RunCli(
      {"journal", "bench", "--dir", dir_, "--size", "100", "--seconds", "0.2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("durable appends/s"));
  EXPECT_THAT(r.out, HasSubstr("p99"));
  EXPECT_EQ(ReadFile(Path("keep")), "x");
  EXPECT_EQ(std::distance(stdfs::directory_iterator(dir_),
                          stdfs::directory_iterator{}),
            1);
  EXPECT_EQ(
      RunCli({"journal", "bench", "--dir", dir_, "--seconds", "0"}).exit_code,
      2);
}

TEST_F(CliJournalTest, JournalNeedsASubcommand) {
  CliResult r = RunCli({"journal"});
  EXPECT_EQ(r.exit_code, 2);
  r = RunCli({"journal", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* sub : {"append", "dump", "bench"}) {
    EXPECT_THAT(r.out, HasSubstr(sub));
  }
}

}  // namespace
}  // namespace strata::cli::testing
