// Namespace metadata cache under races and failures: a backend listing taken
// before a concurrent create/remove must not overwrite it; cache failures
// after a backend write are not write failures; bounded subtree deletes;
// single-flight inode reservation; the injectable clock.
#include <thread>

#include "strata/core/log.h"
#include "strata/core/when_all.h"
#include "vfs/namespace_test_util.h"
#include "vfs/schema.h"

namespace strata::vfs::testing {
namespace {

class NamespaceRaceTest : public NamespaceFixture {
 protected:
  // A namespace whose backends hold a listing at gate_ when armed.
  void OpenGated(std::chrono::milliseconds interval) {
    NamespaceOptions options;
    options.default_sync_interval = interval;
    options.opener = GatedOpener(&gate_);
    Open(options);
  }

  // Starts listing `dir` in the background; returns once the backend
  // listing is taken and held.
  JoinHandle<Result<std::vector<fs::FileInfo>>> StartHeldList(
      const std::string& dir) {
    gate_.entered = false;
    gate_.released = false;
    gate_.armed = true;
    auto handle = rt_->Spawn(ListAll(ns_.get(), dir, fs::ListOptions()));
    while (!gate_.entered) std::this_thread::yield();
    return handle;
  }

  ListGate gate_;
};

TEST_F(NamespaceRaceTest, CreateDuringAListingIsNotHidden) {
  OpenGated(std::chrono::minutes(5));
  ASSERT_THAT(Run(ns_->CreateDir("/d", false)), IsOk());
  auto held = StartHeldList("/d");  // backend says: empty
  ASSERT_THAT(Write("/d/f", "new"), IsOk());
  gate_.released = true;
  auto listed = held.Join();
  ASSERT_THAT(listed, IsOk());
  // The stale listing must neither drop /d/f nor mark /d fully listed.
  auto info = Stat("/d/f");
  ASSERT_THAT(info, IsOk());
  EXPECT_EQ(info->size, 3u);
  EXPECT_THAT(Ls("/d"), ElementsAre("f"));
}

TEST_F(NamespaceRaceTest, RemoveDuringAListingIsNotResurrected) {
  OpenGated(std::chrono::minutes(5));
  ASSERT_THAT(Write("/d/f", "old"), IsOk());
  ASSERT_THAT(Write("/d/g", "keep"), IsOk());
  auto held = StartHeldList("/d");  // backend says: f, g
  ASSERT_THAT(Run(ns_->Remove("/d/f")), IsOk());
  gate_.released = true;
  ASSERT_THAT(held.Join(), IsOk());
  EXPECT_THAT(Stat("/d/f"), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(Ls("/d"), ElementsAre("g"));
  EXPECT_THAT(Stat("/d/f"), StatusIs(StatusCode::kNotFound));
}

TEST_F(NamespaceRaceTest, UncontendedListingStillCaches) {
  OpenGated(kSyncNever);
  ASSERT_THAT(Write("/d/f", "1"), IsOk());
  auto held = StartHeldList("/d");
  gate_.released = true;
  ASSERT_THAT(held.Join(), IsOk());
  // Listed and fresh: a file added behind the back stays invisible.
  ASSERT_THAT(Write(RootBackend().get(), "/d/behind", "x"), IsOk());
  EXPECT_THAT(Ls("/d"), ElementsAre("f"));
  EXPECT_THAT(Stat("/d/behind"), StatusIs(StatusCode::kNotFound));
}

class NamespaceCacheFailureTest : public NamespaceFixture {
 protected:
  void SetUp() override {
    NamespaceFixture::SetUp();
    saved_level_ = GetLogLevel();
    SetLogLevel(LogLevel::kError);  // the injected failures warn
    knobs_ = std::make_shared<KnobMetaStore>(store_);
    store_ = knobs_;
    NamespaceOptions options;
    options.default_sync_interval = std::chrono::minutes(5);
    Open(options);
  }
  void TearDown() override {
    NamespaceFixture::TearDown();
    SetLogLevel(saved_level_);
  }
  std::shared_ptr<KnobMetaStore> knobs_;
  LogLevel saved_level_ = LogLevel::kWarn;
};

TEST_F(NamespaceCacheFailureTest, BackendWritesSucceedDespiteTheCache) {
  ASSERT_THAT(Write("/d/f", "1"), IsOk());
  ASSERT_THAT(Run(ns_->CreateDir("/e", false)), IsOk());
  EXPECT_EQ(Stat("/d/f")->size, 1u);
  knobs_->fail_commits = true;
  EXPECT_THAT(
      Run(WriteFile(ns_.get(), "/d/f", "12345", fs::OpenOptions::Overwrite())),
      IsOk());
  EXPECT_THAT(Run(ns_->CreateDir("/d/sub", false)), IsOk());
  EXPECT_THAT(Run(ns_->Copy("/d/f", "/d/copy")), IsOk());
  EXPECT_THAT(Run(ns_->Rename("/d/copy", "/d/moved")), IsOk());
  EXPECT_THAT(Run(ns_->Rename("/e", "/d/e2")), IsOk());
  knobs_->fail_commits = false;
  // The stale entries were dropped: the backend answers again.
  auto info = Stat("/d/f");
  ASSERT_THAT(info, IsOk());
  EXPECT_EQ(info->size, 5u);
  EXPECT_THAT(Ls("/d"), ElementsAre("e2", "f", "moved", "sub"));
  auto moved = Read("/d/moved");
  ASSERT_THAT(moved, IsOk());
  EXPECT_EQ(*moved, "12345");
  auto backend = RootBackend();
  EXPECT_THAT(Run(backend->Stat("/d/sub")), IsOk());
  EXPECT_THAT(Run(backend->Stat("/e")), StatusIs(StatusCode::kNotFound));
}

TEST_F(NamespaceCacheFailureTest, DeleteSubtreeCommitsBoundedBatches) {
  auto backend = RootBackend();
  ASSERT_THAT(Run(backend->CreateDir("/big/inner", true)), IsOk());
  for (int i = 0; i < 700; ++i) {
    ASSERT_THAT(Run(WriteFile(backend.get(), "/big/f" + std::to_string(i), "x",
                              fs::OpenOptions::Overwrite())),
                IsOk());
  }
  ASSERT_THAT(Write(backend.get(), "/big/inner/g", "g"), IsOk());
  EXPECT_EQ(Ls("/big").size(), 701u);
  EXPECT_EQ(Ls("/big/inner").size(), 1u);
  EXPECT_GE(Keys("dent/").size(), 703u);
  knobs_->max_commit_ops = 0;
  ASSERT_THAT(Run(ns_->RemoveDir("/big", true)), IsOk());
  EXPECT_LE(knobs_->max_commit_ops.load(), 260u);
  EXPECT_THAT(Keys("dent/"), IsEmpty());
  EXPECT_THAT(Stat("/big"), StatusIs(StatusCode::kNotFound));
}

TEST_F(NamespaceCacheFailureTest, ConcurrentCreatesReserveFewInodeBlocks) {
  auto before = Run(store_->Get(std::string(schema::kNextInoKey)));
  ASSERT_THAT(before, IsOk());
  ASSERT_TRUE(before->has_value());
  knobs_->suspend_gets = true;
  std::vector<Task<Status>> tasks;
  for (int i = 0; i < 64; ++i) {
    tasks.push_back(WriteFile(ns_.get(), "/f" + std::to_string(i), "x",
                              fs::OpenOptions::Overwrite()));
  }
  for (const Status& st : Run(WhenAll(std::move(tasks)))) {
    EXPECT_THAT(st, IsOk());
  }
  knobs_->suspend_gets = false;
  auto after = Run(store_->Get(std::string(schema::kNextInoKey)));
  ASSERT_THAT(after, IsOk());
  auto next = [](const std::string& v) {
    return std::stoull(v.substr(v.find(':') + 1));
  };
  EXPECT_LE(next((*after)->value) - next((*before)->value),
            2 * schema::kInoBlock);
  EXPECT_EQ(Ls("/").size(), 64u);
}

}  // namespace
}  // namespace strata::vfs::testing
