// Namespace metadata cache: sync intervals, Sync() counts, restarts over the
// same MetaStore (memory and RocksDB), corrupt records, concurrent writers
// and releasing the store. (TryStatNow is in namespace_try_stat_test.cc.)
#include <set>
#include <string>
#include <vector>

#include "strata/core/when_all.h"
#include "vfs/namespace_test_util.h"
#include "vfs/schema.h"

namespace strata::vfs::testing {
namespace {

class NamespaceCacheTest : public NamespaceFixture {
 protected:
  void OpenWithInterval(std::chrono::milliseconds interval) {
    NamespaceOptions options;
    options.default_sync_interval = interval;
    Open(options);
  }
};

TEST_F(NamespaceCacheTest, NeverIntervalHidesBackChannelChangesUntilSync) {
  OpenWithInterval(kSyncNever);
  ASSERT_THAT(Write("/d/a", "a"), IsOk());
  ASSERT_THAT(Write("/d/sub/c", "c"), IsOk());
  EXPECT_THAT(Ls("/d"), ElementsAre("a", "sub"));
  auto backend = RootBackend();
  ASSERT_THAT(Write(backend.get(), "/d/b", "behind"), IsOk());
  ASSERT_THAT(Write(backend.get(), "/d/sub/e", "e"), IsOk());
  EXPECT_THAT(Ls("/d"), ElementsAre("a", "sub"));
  EXPECT_THAT(Stat("/d/b"), StatusIs(StatusCode::kNotFound));
  auto synced = Run(ns_->Sync("/d"));
  ASSERT_THAT(synced, IsOk());
  EXPECT_EQ(synced->added, 2u);
  EXPECT_EQ(synced->removed, 0u);
  EXPECT_EQ(synced->updated, 0u);
  EXPECT_EQ(synced->directories, 2u);
  EXPECT_THAT(Ls("/d"), ElementsAre("a", "b", "sub"));
  EXPECT_THAT(Ls("/d/sub"), ElementsAre("c", "e"));
  auto info = Stat("/d/b");
  ASSERT_THAT(info, IsOk());
  EXPECT_EQ(info->size, 6u);
}

TEST_F(NamespaceCacheTest, DeletedAndChangedBehindTheBackAfterSync) {
  OpenWithInterval(kSyncNever);
  ASSERT_THAT(Write("/d/gone", "1"), IsOk());
  ASSERT_THAT(Write("/d/changed", "1"), IsOk());
  ASSERT_THAT(Write("/d/same", "1"), IsOk());
  ASSERT_THAT(Write("/d/olddir/x", "x"), IsOk());
  EXPECT_THAT(Ls("/d"), ElementsAre("changed", "gone", "olddir", "same"));
  auto backend = RootBackend();
  ASSERT_THAT(Run(backend->Remove("/d/gone")), IsOk());
  ASSERT_THAT(Run(backend->RemoveDir("/d/olddir", true)), IsOk());
  ASSERT_THAT(Write(backend.get(), "/d/changed", "longer now"), IsOk());
  EXPECT_THAT(Ls("/d"), ElementsAre("changed", "gone", "olddir", "same"));
  auto stale = Stat("/d/changed");
  ASSERT_THAT(stale, IsOk());
  EXPECT_EQ(stale->size, 1u) << "never: served from the cache";
  auto synced = Run(ns_->Sync("/"));
  ASSERT_THAT(synced, IsOk());
  EXPECT_EQ(synced->added, 0u);
  EXPECT_EQ(synced->removed, 2u);
  EXPECT_EQ(synced->updated, 1u);
  EXPECT_EQ(synced->directories, 2u);
  EXPECT_THAT(Ls("/d"), ElementsAre("changed", "same"));
  auto fresh = Stat("/d/changed");
  ASSERT_THAT(fresh, IsOk());
  EXPECT_EQ(fresh->size, 10u);
  // The vanished directory's cached children went with it.
  for (const std::string& key : Keys("dent/")) {
    EXPECT_THAT(key, ::testing::Not(::testing::EndsWith("/x")));
  }
}

TEST_F(NamespaceCacheTest, SyncOfAFileAndOfAMissingPath) {
  OpenWithInterval(kSyncNever);
  ASSERT_THAT(Write("/f", "1"), IsOk());
  ASSERT_THAT(Write(RootBackend().get(), "/f", "123"), IsOk());
  auto synced = Run(ns_->Sync("/f"));
  ASSERT_THAT(synced, IsOk());
  EXPECT_EQ(synced->updated, 1u);
  EXPECT_EQ(synced->directories, 0u);
  EXPECT_EQ(Stat("/f")->size, 3u);
  ASSERT_THAT(Run(RootBackend()->Remove("/f")), IsOk());
  synced = Run(ns_->Sync("/f"));
  ASSERT_THAT(synced, IsOk());
  EXPECT_EQ(synced->removed, 1u);
  EXPECT_THAT(Run(ns_->Sync("/f")), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(Run(ns_->Sync("../x")), StatusIs(StatusCode::kInvalidArgument));
}

TEST_F(NamespaceCacheTest, AlwaysIntervalSeesTheBackendImmediately) {
  OpenWithInterval(kSyncNever);
  std::string uri = MemUri();
  MountOptions always;
  always.sync_interval = kSyncAlways;
  ASSERT_THAT(Mount("/live", uri, always), IsOk());
  ASSERT_THAT(Write("/live/a", "a"), IsOk());
  EXPECT_THAT(Ls("/live"), ElementsAre("a"));
  auto backend = Backend(uri).fs;
  ASSERT_THAT(Write(backend.get(), "/b", "bb"), IsOk());
  EXPECT_THAT(Ls("/live"), ElementsAre("a", "b"));
  auto info = Stat("/live/b");
  ASSERT_THAT(info, IsOk());
  EXPECT_EQ(info->size, 2u);
  ASSERT_THAT(Run(backend->Remove("/a")), IsOk());
  EXPECT_THAT(Stat("/live/a"), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(Ls("/live"), ElementsAre("b"));
}

TEST_F(NamespaceCacheTest, CachedStatDoesNotAskTheBackend) {
  OpenWithInterval(kSyncNever);
  ASSERT_THAT(Write("/a/b/c", "cached"), IsOk());
  // Removed behind the namespace's back: a fresh cache still answers.
  ASSERT_THAT(Run(RootBackend()->RemoveDir("/a", true)), IsOk());
  auto info = Stat("/a/b/c");
  ASSERT_THAT(info, IsOk());
  EXPECT_EQ(info->size, 6u);
  EXPECT_TRUE(Stat("/a/b")->is_dir);
}

class NamespaceRestartTest : public NamespaceCacheTest {
 protected:
  // Writes through the namespace, then removes the backend file behind its
  // back, so only the persisted cache can still show it.
  void Populate() {
    OpenWithInterval(kSyncNever);
    mem_uri_ = MemUri();
    MountOptions options;
    options.shared = true;
    ASSERT_THAT(Mount("/data/m", mem_uri_, options), IsOk());
    ASSERT_THAT(Write("/data/m/kept", "kept"), IsOk());
    ASSERT_THAT(Write("/rootfile", "r"), IsOk());
    EXPECT_THAT(Ls("/data/m"), ElementsAre("kept"));
    ASSERT_THAT(Run(Backend(mem_uri_).fs->Remove("/kept")), IsOk());
  }
  void Check() {
    OpenWithInterval(kSyncNever);
    std::vector<MountPoint> mounts = ns_->ListMounts();
    ASSERT_EQ(mounts.size(), 2u);
    EXPECT_EQ(mounts[1].path, "/data/m");
    EXPECT_EQ(mounts[1].uri, mem_uri_);
    EXPECT_TRUE(mounts[1].options.shared);
    EXPECT_THAT(Ls("/data/m"), ElementsAre("kept")) << "cache survived";
    auto info = Stat("/rootfile");
    ASSERT_THAT(info, IsOk());
    EXPECT_EQ(info->size, 1u);
    auto synced = Run(ns_->Sync("/data"));
    ASSERT_THAT(synced, IsOk());
    EXPECT_EQ(synced->removed, 1u);
    EXPECT_THAT(Ls("/data/m"), IsEmpty());
  }
  std::string mem_uri_;
};

TEST_F(NamespaceRestartTest, MemoryStoreSharedAcrossInstances) {
  Populate();
  ns_.reset();
  Check();
}

TEST_F(NamespaceRestartTest, RocksDbStoreReopened) {
  const std::string dir = TempDir() + "/meta";
  auto store = OpenRocksDbMetaStore(dir);
  ASSERT_THAT(store, IsOk());
  store_ = std::move(store).value();
  Populate();
  ns_.reset();
  EXPECT_EQ(store_.use_count(), 1) << "the namespace let go of its store";
  store_.reset();
  store = OpenRocksDbMetaStore(dir);
  ASSERT_THAT(store, IsOk());
  store_ = std::move(store).value();
  Check();
}

TEST_F(NamespaceCacheTest, CorruptEntryIsDataLossNotACrash) {
  OpenWithInterval(kSyncNever);
  ASSERT_THAT(Write("/d/f", "x"), IsOk());
  EXPECT_THAT(Ls("/d"), ElementsAre("f"));
  std::vector<std::string> keys = Keys("dent/");
  ASSERT_EQ(keys.size(), 2u);
  std::string victim;
  for (const std::string& k : keys) {
    if (k.ends_with("/f")) victim = k;
  }
  for (const char* garbage : {"{not json", "[]", "{\"ino\":\"seven\"}",
                              "{\"ino\":5,\"size\":-3}", ""}) {
    ASSERT_THAT(Run(store_->Put(victim, garbage)), IsOk());
    auto info = Stat("/d/f");
    EXPECT_THAT(info, StatusIs(StatusCode::kDataLoss)) << garbage;
    EXPECT_THAT(Message(info.status()), HasSubstr(victim));
    EXPECT_THAT(List("/d"), StatusIs(StatusCode::kDataLoss)) << garbage;
  }
  // Sync repairs it from the backend.
  ASSERT_THAT(Run(ns_->Sync("/d")), IsOk());
  auto info = Stat("/d/f");
  ASSERT_THAT(info, IsOk());
  EXPECT_EQ(info->size, 1u);
}

TEST_F(NamespaceCacheTest, ConcurrentCreatesInOneDirectory) {
  OpenWithInterval(std::chrono::minutes(5));
  ASSERT_THAT(Run(ns_->CreateDir("/dir", false)), IsOk());
  std::vector<Task<Status>> tasks;
  for (int i = 0; i < 40; ++i) {
    tasks.push_back(WriteFile(ns_.get(), "/dir/f" + std::to_string(i),
                              std::string(i, 'x'),
                              fs::OpenOptions::Overwrite()));
  }
  auto results = Run(WhenAll(std::move(tasks)));
  for (const Status& st : results) EXPECT_THAT(st, IsOk());
  EXPECT_EQ(Ls("/dir").size(), 40u);
  std::set<std::string> inos;
  auto kvs = Run(store_->Scan("dent/", ScanOptions()));
  ASSERT_THAT(kvs, IsOk());
  for (const auto& kv : *kvs) {
    auto e = schema::DecodeEntry(kv.key, kv.value);
    ASSERT_THAT(e, IsOk());
    EXPECT_TRUE(inos.insert(std::to_string(e->ino)).second) << kv.key;
  }
  EXPECT_EQ(inos.size(), 41u);
}

TEST_F(NamespaceCacheTest, WritesUpdateTheCacheEvenWithNever) {
  OpenWithInterval(kSyncNever);
  ASSERT_THAT(Write("/f", "1"), IsOk());
  EXPECT_EQ(Stat("/f")->size, 1u);
  ASSERT_THAT(Write("/f", "12345"), IsOk());
  EXPECT_EQ(Stat("/f")->size, 5u);
  ASSERT_THAT(Run(ns_->Copy("/f", "/g")), IsOk());
  ASSERT_THAT(Run(ns_->Rename("/f", "/h")), IsOk());
  EXPECT_THAT(Ls("/"), ElementsAre("g", "h"));
  ASSERT_THAT(Run(ns_->Remove("/g")), IsOk());
  EXPECT_THAT(Ls("/"), ElementsAre("h"));
  // An aborted write leaves the cache alone.
  auto file = Run(ns_->Open("/aborted", fs::OpenOptions::Overwrite()));
  ASSERT_THAT(file, IsOk());
  ASSERT_THAT(Run((*file)->Write(AsBytes("zz"))), IsOk());
  ASSERT_THAT(Run((*file)->Abort()), IsOk());
  EXPECT_THAT(Ls("/"), ElementsAre("h"));
}

}  // namespace
}  // namespace strata::vfs::testing

namespace strata::vfs::testing {
namespace {

TEST_F(NamespaceCacheTest, ReleasesItsStore) {
  Open();
  ns_.reset();
  EXPECT_EQ(store_.use_count(), 1) << "after create";
  Open();
  ASSERT_THAT(Mount("/m", MemUri()), IsOk());
  ns_.reset();
  EXPECT_EQ(store_.use_count(), 1) << "after mount";
  Open();
  ASSERT_THAT(Write("/f", "x"), IsOk());
  ns_.reset();
  EXPECT_EQ(store_.use_count(), 1) << "after write";
}

}  // namespace
}  // namespace strata::vfs::testing

namespace strata::vfs::testing {
namespace {

TEST_F(NamespaceCacheTest, ReleasesItsRocksDbStore) {
  auto store = OpenRocksDbMetaStore(TempDir() + "/meta");
  ASSERT_THAT(store, IsOk());
  store_ = std::move(store).value();
  EXPECT_EQ(store_.use_count(), 1) << "fresh";
  Open();
  ns_.reset();
  EXPECT_EQ(store_.use_count(), 1) << "after create";
  Open();
  ASSERT_THAT(Mount("/m", MemUri()), IsOk());
  ns_.reset();
  EXPECT_EQ(store_.use_count(), 1) << "after mount";
}

}  // namespace
}  // namespace strata::vfs::testing
