// CrashSimFileSystem: what each crash mode leaves of a file's unsynced
// writes, dsync, truncate, preallocate and determinism.

#include <map>
#include <random>
#include <set>

#include "fs/crash_sim_test_util.h"

namespace strata::fs::crash_sim_test {
namespace {

using CrashSimDataTest = CrashSimTest;

constexpr CrashMode kAllModes[] = {CrashMode::kDropUnsynced,
                                   CrashMode::kKeepRandomSubset,
                                   CrashMode::kTearSector};

TEST_F(CrashSimDataTest, UnsyncedWriteIsDropped) {
  WriteDurable("/f", "durable");
  ASSERT_THAT(Write("/f", " unsynced", OpenOptions::Append()), IsOk());
  EXPECT_EQ(Content("/f"), "durable unsynced");
  EXPECT_EQ(fs_->unsynced_bytes(), 9u);
  CrashReport report = fs_->Crash(CrashMode::kDropUnsynced, 7);
  EXPECT_EQ(report.writes_dropped, 1u);
  EXPECT_EQ(report.writes_kept, 0u);
  EXPECT_EQ(Content("/f"), "durable");
  EXPECT_EQ(fs_->unsynced_bytes(), 0u);
}

TEST_F(CrashSimDataTest, SyncedWriteSurvivesEveryMode) {
  for (CrashMode mode : kAllModes) {
    SCOPED_TRACE(CrashModeName(mode));
    Reset();
    WriteDurable("/f", "first");
    ASSERT_THAT(WriteSynced("/f", "second, synced"), IsOk());
    for (uint64_t seed = 0; seed < 20; ++seed) {
      CrashReport report = fs_->Crash(mode, seed);
      EXPECT_EQ(report.writes_dropped + report.writes_kept, 0u);
      EXPECT_EQ(Content("/f"), "second, synced");
    }
  }
}

TEST_F(CrashSimDataTest, DsyncWriteSurvivesAnEarlierUnsyncedOne) {
  for (CrashMode mode : kAllModes) {
    SCOPED_TRACE(CrashModeName(mode));
    std::set<std::string> outcomes;
    for (uint64_t seed = 0; seed < 40; ++seed) {
      Reset();
      WriteDurable("/f", "0000000000");
      auto file = OpenOrFail("/f", ReadWriteExisting());
      ASSERT_NE(file, nullptr);
      ASSERT_THAT(WriteAt(*file, "AAAAAA", 0), IsOk());
      ASSERT_THAT(WriteAt(*file, "BB", 2, Dsync()), IsOk());
      EXPECT_EQ(Content("/f"), "AABBAA0000");
      EXPECT_EQ(fs_->unsynced_bytes(), 4u) << "AA..AA is still unsynced";
      fs_->Crash(mode, seed);
      outcomes.insert(Content("/f"));
    }
    for (const std::string& outcome : outcomes) {
      EXPECT_EQ(outcome.substr(2, 2), "BB") << outcome;
      EXPECT_EQ(outcome.substr(6), "0000") << outcome;
    }
    EXPECT_TRUE(outcomes.contains("00BB000000"));
    if (mode != CrashMode::kDropUnsynced) {
      EXPECT_TRUE(outcomes.contains("AABBAA0000"));
    }
  }
}

TEST_F(CrashSimDataTest, DsyncAfterTruncateKeepsTheTruncate) {
  WriteDurable("/f", "a long durable line");
  auto file = OpenOrFail("/f", OpenOptions::Overwrite());
  ASSERT_NE(file, nullptr);
  ASSERT_THAT(Run(file->Write(AsBytes("hi"), Dsync())), IsOk());
  fs_->Crash(CrashMode::kDropUnsynced, 1);
  EXPECT_EQ(Content("/f"), "hi");
}

TEST_F(CrashSimDataTest, TruncateAndPreallocateAreUnsynced) {
  WriteDurable("/f", "hello");
  ASSERT_THAT(Write("/f", "x"), IsOk());  // truncate + write, unsynced
  EXPECT_EQ(Content("/f"), "x");
  fs_->Crash(CrashMode::kDropUnsynced, 1);
  EXPECT_EQ(Content("/f"), "hello");

  auto file = OpenOrFail("/f", ReadWriteExisting());
  ASSERT_NE(file, nullptr);
  ASSERT_THAT(Run(file->Preallocate(0, 100)), IsOk());
  EXPECT_EQ(*Run(file->Size()), 100u);
  fs_->Crash(CrashMode::kDropUnsynced, 2);
  EXPECT_EQ(Content("/f"), "hello");

  file = OpenOrFail("/f", ReadWriteExisting());
  ASSERT_NE(file, nullptr);
  ASSERT_THAT(Run(file->Preallocate(0, 100)), IsOk());
  ASSERT_THAT(Run(file->Sync()), IsOk());
  fs_->Crash(CrashMode::kDropUnsynced, 3);
  EXPECT_EQ(Content("/f"), "hello" + std::string(95, '\0'));
}

// Six unsynced, overlapping writes (two past the end) over a durable base.
struct Scenario {
  std::string base = RandomData(4096, 1);
  std::vector<std::pair<uint64_t, std::string>> writes;
  Scenario() {
    const uint64_t offsets[] = {0, 1000, 500, 3900, 4500, 2000};
    for (size_t i = 0; i < std::size(offsets); ++i) {
      writes.emplace_back(offsets[i], RandomData(700 + 100 * i, 10 + i));
    }
  }
  // The content after the writes whose bit is set in `mask`, in order.
  std::string Apply(uint32_t mask) const {
    std::string image = base;
    for (size_t i = 0; i < writes.size(); ++i) {
      if ((mask >> i) & 1) Patch(image, writes[i].first, writes[i].second);
    }
    return image;
  }
};

class CrashSimScenarioTest : public CrashSimTest {
 protected:
  void Build(const Scenario& s) {
    Reset();
    WriteDurable("/f", s.base);
    auto file = OpenOrFail("/f", ReadWriteExisting());
    ASSERT_NE(file, nullptr);
    for (const auto& [offset, data] : s.writes) {
      ASSERT_THAT(WriteAt(*file, data, offset), IsOk());
    }
    ASSERT_EQ(Content("/f"), s.Apply(~0u));
  }
  Scenario s_;
};

TEST_F(CrashSimScenarioTest, RandomSubsetIsDurablePlusAnInOrderSubset) {
  std::map<std::string, uint32_t> subsets;  // outcome → one mask giving it
  for (uint32_t mask = 0; mask < (1u << s_.writes.size()); ++mask) {
    subsets.emplace(s_.Apply(mask), mask);
  }
  uint64_t kept = 0, dropped = 0;
  std::set<uint32_t> seen;
  for (uint64_t seed = 0; seed < 200; ++seed) {
    ASSERT_NO_FATAL_FAILURE(Build(s_));
    CrashReport report = fs_->Crash(CrashMode::kKeepRandomSubset, seed);
    EXPECT_EQ(report.writes_kept + report.writes_dropped, s_.writes.size());
    EXPECT_EQ(report.writes_torn, 0u);
    kept += report.writes_kept;
    dropped += report.writes_dropped;
    auto it = subsets.find(Content("/f"));
    ASSERT_NE(it, subsets.end()) << "seed " << seed << ": not a subset";
    seen.insert(it->second);
  }
  EXPECT_GT(kept, 0u);
  EXPECT_GT(dropped, 0u);
  EXPECT_GE(seen.size(), 20u) << "too few distinct subsets over 200 seeds";
}

// Each sector of `got` equals `before` or `after`, or is a prefix of `after`
// followed by `before`; returns the count of the mixed ones, or -1.
int CountMixedSectors(const std::string& got, const std::string& before,
                      const std::string& after) {
  int mixed = 0;
  const size_t kS = kCrashSimSectorSize;
  for (size_t at = 0; at < got.size(); at += kS) {
    std::string g = got.substr(at, kS), b = before.substr(at, kS),
                a = after.substr(at, kS);
    if (g == b || g == a) continue;
    size_t p = 0;
    while (p < g.size() && g[p] == a[p]) ++p;
    if (g.compare(p, std::string::npos, b, p) != 0) return -1;
    ++mixed;
  }
  return mixed;
}

TEST_F(CrashSimDataTest, TornWriteLandsWholeSectorsButOne) {
  const std::string base = RandomData(8192, 2);
  const std::string update = RandomData(3000, 3);
  std::string after = base;
  Patch(after, 100, update);
  uint64_t torn = 0, mixed_total = 0;
  std::set<std::string> outcomes;
  for (uint64_t seed = 0; seed < 300; ++seed) {
    Reset();
    WriteDurable("/f", base);
    auto file = OpenOrFail("/f", ReadWriteExisting());
    ASSERT_NE(file, nullptr);
    ASSERT_THAT(WriteAt(*file, update, 100), IsOk());
    CrashReport report = fs_->Crash(CrashMode::kTearSector, seed);
    std::string got = Content("/f");
    ASSERT_EQ(got.size(), base.size());
    int mixed = CountMixedSectors(got, base, after);
    ASSERT_GE(mixed, 0) << "seed " << seed << ": a sector is neither";
    EXPECT_LE(mixed, 1) << "seed " << seed;
    torn += report.writes_torn;
    mixed_total += mixed;
    outcomes.insert(got);
  }
  EXPECT_GT(torn, 0u);
  EXPECT_GT(mixed_total, 0u) << "no sector ever landed in part";
  EXPECT_GE(outcomes.size(), 10u);
}

TEST_F(CrashSimDataTest, TearSectorKeepsAPrefixOfWrites) {
  const std::string base(4096, 'o');
  const std::string first(1024, '1'), second(1024, '2');
  std::set<uint64_t> kept_counts;
  for (uint64_t seed = 0; seed < 100; ++seed) {
    Reset();
    WriteDurable("/f", base);
    auto file = OpenOrFail("/f", ReadWriteExisting());
    ASSERT_NE(file, nullptr);
    ASSERT_THAT(WriteAt(*file, first, 0), IsOk());
    ASSERT_THAT(WriteAt(*file, second, 2048), IsOk());
    CrashReport report = fs_->Crash(CrashMode::kTearSector, seed);
    std::string got = Content("/f");
    ASSERT_EQ(got.size(), base.size());
    if (got.substr(2048, 1024).find('2') != std::string::npos) {
      EXPECT_EQ(got.substr(0, 1024), first) << "seed " << seed;
    }
    EXPECT_LE(report.writes_torn, 1u);
    EXPECT_EQ(report.writes_kept + report.writes_dropped + report.writes_torn,
              2u);
    kept_counts.insert(report.writes_kept);
  }
  EXPECT_EQ(kept_counts.size(), 3u) << "0, 1 and 2 writes kept";
}

TEST_F(CrashSimScenarioTest, SameSeedSameOutcome) {
  for (CrashMode mode : kAllModes) {
    SCOPED_TRACE(CrashModeName(mode));
    std::set<std::string> distinct;
    for (uint64_t seed = 0; seed < 10; ++seed) {
      ASSERT_NO_FATAL_FAILURE(Build(s_));
      ASSERT_THAT(WriteSynced("/g", "new file"), IsOk());
      CrashReport first = fs_->Crash(mode, seed);
      std::string a = Content("/f") + "|" + Content("/g");
      ASSERT_NO_FATAL_FAILURE(Build(s_));
      ASSERT_THAT(WriteSynced("/g", "new file"), IsOk());
      CrashReport second = fs_->Crash(mode, seed);
      std::string b = Content("/f") + "|" + Content("/g");
      EXPECT_TRUE(a == b) << "seed " << seed;
      EXPECT_EQ(first.writes_kept, second.writes_kept);
      EXPECT_EQ(first.writes_torn, second.writes_torn);
      EXPECT_EQ(first.entries_reverted, second.entries_reverted);
      distinct.insert(a);
    }
    if (mode != CrashMode::kDropUnsynced) {
      EXPECT_GT(distinct.size(), 1u);
    }
  }
}

// A journal-like workload crashed 10,000 times on one file system (each
// crash is followed by a "reboot" that carries on). `durable` models what
// Sync and dsync made durable; `truncated` an unsynced truncate.
class CrashSimStressTest : public CrashSimTest {
 protected:
  // One random op on `file`; keeps `durable` up to date.
  void RandomOp(File& file, std::mt19937_64& rng, std::string& durable,
                bool& truncated) {
    std::string current = Content("/log");
    std::string data = RandomData(1 + rng() % 700, rng());
    uint64_t offset = current.empty() ? 0 : rng() % current.size();
    switch (rng() % 6) {
      case 0:
      case 1:
        ASSERT_THAT(WriteAt(file, data, current.size()), IsOk());
        break;
      case 2:
        ASSERT_THAT(WriteAt(file, data, offset), IsOk());
        break;
      case 3:
        ASSERT_THAT(WriteAt(file, data, offset, Dsync()), IsOk());
        if (truncated) durable.clear();  // dsync makes the truncate durable
        truncated = false;
        Patch(durable, offset, data);
        break;
      case 4:
        ASSERT_THAT(Run(file.Preallocate(current.size(), 512)), IsOk());
        break;
      case 5:
        ASSERT_THAT(Run(file.Sync()), IsOk());
        durable = Content("/log");
        truncated = false;
        break;
    }
  }
};

TEST_F(CrashSimStressTest, TenThousandCrashes) {
  WriteDurable("/log", "header");
  std::string durable = "header";
  std::mt19937_64 rng(42);
  uint64_t all_kept = 0, torn = 0;
  for (uint64_t i = 0; i < 10000; ++i) {
    // Small files, like the journal's: start over past 32 KiB.
    const bool restart = durable.size() > 32 * 1024;
    auto file = OpenOrFail(
        "/log", restart ? OpenOptions::Overwrite() : ReadWriteExisting());
    ASSERT_NE(file, nullptr);
    bool truncated = restart;
    if (restart && rng() % 2 == 0) {
      ASSERT_THAT(Run(file->Sync()), IsOk());
      durable.clear();
      truncated = false;
    }
    const int ops = 1 + static_cast<int>(rng() % 5);
    for (int op = 0; op < ops; ++op) {
      ASSERT_NO_FATAL_FAILURE(RandomOp(*file, rng, durable, truncated));
    }
    const std::string before = Content("/log");
    const CrashMode mode = kAllModes[i % 3];
    CrashReport report = fs_->Crash(mode, i);
    const std::string after = Content("/log");
    if (mode == CrashMode::kDropUnsynced) {
      ASSERT_TRUE(after == durable) << "crash " << i;
    } else if (report.writes_dropped == 0 && report.writes_torn == 0) {
      ASSERT_TRUE(after == before) << "crash " << i << ": all kept";
      ++all_kept;
    }
    torn += report.writes_torn;
    ASSERT_EQ(fs_->unsynced_bytes(), 0u);
    durable = after;
  }
  EXPECT_EQ(fs_->crashes(), 10000u);
  EXPECT_GT(all_kept, 0u);
  EXPECT_GT(torn, 0u);
}

TEST_F(CrashSimDataTest, EtagChangesWhenACrashChangesContent) {
  WriteDurable("/f", "v1");
  ASSERT_THAT(Write("/f", "v2"), IsOk());
  auto before = Run(fs_->Stat("/f"));
  ASSERT_THAT(before, IsOk());
  fs_->Crash(CrashMode::kDropUnsynced, 1);
  auto after = Run(fs_->Stat("/f"));
  ASSERT_THAT(after, IsOk());
  EXPECT_NE(before->etag, after->etag);
  EXPECT_EQ(after->size, 2u);
}

TEST_F(CrashSimDataTest, DirectIoChecksAlignment) {
  OpenOptions direct = OpenOptions::Overwrite();
  direct.direct = true;
  auto file = OpenOrFail("/f", direct);
  ASSERT_NE(file, nullptr);
  conformance::AlignedBuffer buf(2 * kDirectIoAlignment);
  Status st = Run(file->Write(buf.span().subspan(1, kDirectIoAlignment)));
  EXPECT_THAT(st, StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(Message(st), HasSubstr("/f"));
  EXPECT_THAT(Run(file->Write(buf.span().first(kDirectIoAlignment), Dsync())),
              IsOk());
  fs_->Crash(CrashMode::kDropUnsynced, 1);
  EXPECT_FALSE(Exists("/f")) << "dsync does not sync the entry";
}

}  // namespace
}  // namespace strata::fs::crash_sim_test
