// Namespace::TryStatNow, Stat answered on the calling thread from a fresh
// metadata cache: answers like Stat for cached, listed-absent, invalid,
// mount and corrupt paths; gives no answer (and writes nothing) when the
// backend must be asked, once entries expire, under the always interval or
// over a store without TryGetNow; works from plain threads and over RocksDB.
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "vfs/namespace_test_util.h"
#include "vfs/schema.h"

namespace strata::vfs::testing {
namespace {

class NamespaceTryStatNowTest : public NamespaceFixture {
 protected:
  void OpenWithInterval(std::chrono::milliseconds interval) {
    NamespaceOptions options;
    options.default_sync_interval = interval;
    Open(options);
  }
  // TryStatNow's answer, which must exist.
  Result<fs::FileInfo> TryNow(const std::string& path) {
    auto now = ns_->TryStatNow(path);
    EXPECT_TRUE(now.has_value()) << path << ": no answer";
    if (!now.has_value()) return InternalError(path + ": no answer");
    return *std::move(now);
  }
  // TryStatNow answers `path` exactly as Stat does.
  void ExpectSameAsStat(const std::string& path) {
    SCOPED_TRACE(path);
    auto now = TryNow(path);
    auto stat = Stat(path);
    ASSERT_EQ(now.ok(), stat.ok())
        << now.status().ToString() << " vs " << stat.status().ToString();
    if (!stat.ok()) {
      EXPECT_EQ(now.status().code(), stat.status().code());
      EXPECT_EQ(Message(now.status()), Message(stat.status()));
      return;
    }
    EXPECT_EQ(now->path, stat->path);
    EXPECT_EQ(now->size, stat->size);
    EXPECT_EQ(now->is_dir, stat->is_dir);
    EXPECT_EQ(now->mtime, stat->mtime);
    EXPECT_EQ(now->etag, stat->etag);
  }
  // Opens with `interval` on a clock the test moves (returned, in ns).
  std::shared_ptr<std::atomic<int64_t>> OpenWithClock(
      std::chrono::milliseconds interval) {
    auto now =
        std::make_shared<std::atomic<int64_t>>(1'790'000'000'000'000'000);
    NamespaceOptions options;
    options.default_sync_interval = interval;
    options.clock = [now] {
      return std::chrono::system_clock::time_point(
          std::chrono::duration_cast<std::chrono::system_clock::duration>(
              std::chrono::nanoseconds(now->load())));
    };
    Open(options);
    return now;
  }
  uint64_t StoreRevision() { return Run(store_->Revision()).value_or(0); }
};

TEST_F(NamespaceTryStatNowTest, CachedPathsAnswerLikeStat) {
  Open();
  ASSERT_THAT(Write("/d/sub/f", "hello"), IsOk());
  ASSERT_THAT(Stat("/d/sub/f"), IsOk());
  ExpectSameAsStat("/d/sub/f");
  ExpectSameAsStat("/d/sub");
  ExpectSameAsStat("/d");
  ExpectSameAsStat("//d/./sub/../sub/f/");
  auto info = TryNow("/d/sub/f");
  ASSERT_THAT(info, IsOk());
  EXPECT_EQ(info->path, "/d/sub/f");
  EXPECT_EQ(info->size, 5u);
  EXPECT_FALSE(info->is_dir);
}

TEST_F(NamespaceTryStatNowTest, UncachedPathAsksTheBackendAndWritesNothing) {
  Open();
  ASSERT_THAT(Write(RootBackend().get(), "/behind/f", "xyz"), IsOk());
  const std::vector<std::string> keys = Keys("");
  const uint64_t revision = StoreRevision();
  EXPECT_FALSE(ns_->TryStatNow("/behind/f").has_value());
  EXPECT_FALSE(ns_->TryStatNow("/behind").has_value());
  EXPECT_FALSE(ns_->TryStatNow("/never/there").has_value());
  EXPECT_EQ(Keys(""), keys);
  EXPECT_EQ(StoreRevision(), revision);
  // Once Stat has cached it, it answers.
  auto info = Stat("/behind/f");
  ASSERT_THAT(info, IsOk());
  ExpectSameAsStat("/behind/f");
  ExpectSameAsStat("/behind");
}

TEST_F(NamespaceTryStatNowTest, AbsentFromAListedDirectoryIsNotFound) {
  Open();
  ASSERT_THAT(Write("/d/a", "a"), IsOk());
  EXPECT_THAT(Ls("/d"), ElementsAre("a"));
  auto missing = TryNow("/d/missing");
  EXPECT_THAT(missing, StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(Message(missing.status()), HasSubstr("/d/missing"));
  ExpectSameAsStat("/d/missing");
  ExpectSameAsStat("/d/missing/deeper");
  ExpectSameAsStat("/d/a/below");  // a file on the way
  EXPECT_THAT(TryNow("/d/a/below"), StatusIs(StatusCode::kNotFound));
}

TEST_F(NamespaceTryStatNowTest, AnswersExpireWithTheSyncInterval) {
  auto now = OpenWithClock(std::chrono::seconds(10));
  ASSERT_THAT(Write("/d/f", "f"), IsOk());
  EXPECT_THAT(Ls("/d"), ElementsAre("f"));
  EXPECT_THAT(TryNow("/d/f"), IsOk());
  EXPECT_THAT(TryNow("/d/gone"), StatusIs(StatusCode::kNotFound));
  *now += std::chrono::nanoseconds(std::chrono::seconds(9)).count();
  EXPECT_THAT(TryNow("/d/f"), IsOk()) << "9 s: still fresh";
  EXPECT_THAT(TryNow("/d/gone"), StatusIs(StatusCode::kNotFound));
  *now += std::chrono::nanoseconds(std::chrono::seconds(2)).count();
  const uint64_t revision = StoreRevision();
  EXPECT_FALSE(ns_->TryStatNow("/d/f").has_value()) << "11 s: stale";
  EXPECT_FALSE(ns_->TryStatNow("/d/gone").has_value());
  EXPECT_FALSE(ns_->TryStatNow("/d").has_value());
  EXPECT_EQ(StoreRevision(), revision);
  ASSERT_THAT(Stat("/d/f"), IsOk());  // refreshes the entry
  ExpectSameAsStat("/d/f");
}

TEST_F(NamespaceTryStatNowTest, InvalidPathsFailLikeStat) {
  Open();
  for (const std::string& path :
       {std::string("relative"), std::string(""), std::string("/.."),
        "/a/" + std::string(300, 'x'), std::string("/a/\x01")}) {
    auto now = TryNow(path);
    EXPECT_THAT(now, StatusIs(StatusCode::kInvalidArgument)) << path;
    ExpectSameAsStat(path);
  }
}

TEST_F(NamespaceTryStatNowTest, RootMountPointsAndAncestorsAreDirectories) {
  Open();
  ASSERT_THAT(Mount("/data/m", MemUri()), IsOk());
  ExpectSameAsStat("/");
  ExpectSameAsStat("/data/m");
  EXPECT_TRUE(TryNow("/").value_or(fs::FileInfo()).is_dir);
  EXPECT_TRUE(TryNow("/data/m").value_or(fs::FileInfo()).is_dir);
  EXPECT_FALSE(ns_->TryStatNow("/data/m/x").has_value()) << "not cached";
  // The ancestor: the root listing vouches that it is not a backend entry.
  EXPECT_THAT(Ls("/"), ElementsAre("data"));
  ExpectSameAsStat("/data");
  auto data = TryNow("/data");
  ASSERT_THAT(data, IsOk());
  EXPECT_TRUE(data->is_dir);
  EXPECT_EQ(data->path, "/data");
}

TEST_F(NamespaceTryStatNowTest, WorksFromPlainThreads) {
  Open();
  ASSERT_THAT(Write("/f", "abc"), IsOk());
  std::vector<std::thread> threads;
  std::atomic<int> answered{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this, &answered] {
      for (int i = 0; i < 200; ++i) {
        auto now = ns_->TryStatNow("/f");
        if (now.has_value() && now->ok() && (*now)->size == 3) ++answered;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(answered.load(), 800);
  ExpectSameAsStat("/f");
}

TEST_F(NamespaceTryStatNowTest, StoreWithoutTryGetNowNeverAnswersPaths) {
  store_ = std::make_shared<KnobMetaStore>(NewMemoryMetaStore());
  Open();
  ASSERT_THAT(Write("/d/f", "x"), IsOk());
  ASSERT_THAT(Stat("/d/f"), IsOk());
  EXPECT_FALSE(ns_->TryStatNow("/d/f").has_value());
  EXPECT_FALSE(ns_->TryStatNow("/d").has_value());
  EXPECT_THAT(Stat("/d/f"), IsOk()) << "Stat still works";
}

TEST_F(NamespaceTryStatNowTest, RocksDbStoreAnswers) {
  auto store = OpenRocksDbMetaStore(TempDir() + "/meta");
  ASSERT_THAT(store, IsOk());
  store_ = std::move(store).value();
  Open();
  ASSERT_THAT(Write("/d/f", "rocks"), IsOk());
  ExpectSameAsStat("/d/f");
  ExpectSameAsStat("/d");
}

TEST_F(NamespaceTryStatNowTest, AlwaysIntervalNeverAnswersFromTheCache) {
  Open();
  MountOptions always;
  always.sync_interval = kSyncAlways;
  ASSERT_THAT(Mount("/live", MemUri(), always), IsOk());
  ASSERT_THAT(Write("/live/a", "a"), IsOk());
  EXPECT_THAT(Ls("/live"), ElementsAre("a"));
  ASSERT_THAT(Stat("/live/a"), IsOk());
  EXPECT_FALSE(ns_->TryStatNow("/live/a").has_value());
  EXPECT_FALSE(ns_->TryStatNow("/live/missing").has_value());
  ExpectSameAsStat("/live");  // the mount point itself
}

TEST_F(NamespaceTryStatNowTest, CorruptEntryIsDataLossLikeStat) {
  OpenWithInterval(kSyncNever);
  ASSERT_THAT(Write("/d/f", "x"), IsOk());
  std::string victim;
  for (const std::string& k : Keys("dent/")) {
    if (k.ends_with("/f")) victim = k;
  }
  ASSERT_FALSE(victim.empty());
  ASSERT_FALSE(schema::DecodeEntry(victim, "").ok());
  ASSERT_THAT(Run(store_->Put(victim, "")), IsOk());
  auto now = TryNow("/d/f");
  EXPECT_THAT(now, StatusIs(StatusCode::kDataLoss));
  EXPECT_THAT(Message(now.status()), HasSubstr(victim));
  ExpectSameAsStat("/d/f");
}

}  // namespace
}  // namespace strata::vfs::testing
