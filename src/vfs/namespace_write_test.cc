// Namespace writes and their edges: all-or-nothing Overwrite on backends
// with atomic rename, Abort, errors that name virtual paths, read-only
// mounts, redacted mount listings, RemoveDir of a vanished directory and the
// injectable clock.
#include <filesystem>

#include "strata/vfs/copy_tree.h"
#include "vfs/namespace_test_util.h"

namespace strata::vfs::testing {
namespace {

using ::testing::Not;

class NamespaceWriteTest : public NamespaceFixture {
 protected:
  void SetUp() override {
    NamespaceFixture::SetUp();
    if (HasFatalFailure()) return;
    NamespaceOptions options;
    options.default_sync_interval = kSyncNever;
    options.opener = GatedOpener(&gate_);  // ignores backend options
    Open(options);
  }
  std::string MountLocal(const std::string& path,
                         MountOptions options = MountOptions()) {
    std::string dir = TempDir();
    EXPECT_THAT(Mount(path, "file://" + dir, options), IsOk()) << path;
    return dir;
  }
  // Names in local directory `dir`, sorted.
  static std::vector<std::string> LocalLs(const std::string& dir) {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      names.push_back(e.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }
  Result<std::unique_ptr<fs::File>> OpenFile(const std::string& path,
                                             fs::OpenOptions options) {
    return Run(ns_->Open(path, options));
  }
  Status WriteTo(fs::File* f, std::string data) {
    return Run(f->Write(AsBytes(data)));
  }

  ListGate gate_;
};

TEST_F(NamespaceWriteTest, AbortedOverwriteKeepsTheOldContent) {
  const std::string dir = MountLocal("/m");
  ASSERT_THAT(Write("/m/f", "old"), IsOk());
  auto file = OpenFile("/m/f", fs::OpenOptions::Overwrite());
  ASSERT_THAT(file, IsOk());
  ASSERT_THAT(WriteTo(file->get(), "partial new"), IsOk());
  // The write goes to a hidden sibling, never listed.
  auto during = LocalLs(dir);
  ASSERT_EQ(during.size(), 2u);
  EXPECT_THAT(during[0], ::testing::StartsWith(".strata-tmp.f."));
  ASSERT_THAT(Run(ns_->Sync("/m")), IsOk());
  EXPECT_THAT(Ls("/m"), ElementsAre("f"));
  auto read = Read("/m/f");
  ASSERT_THAT(read, IsOk());
  EXPECT_EQ(*read, "old");
  ASSERT_THAT(Run((*file)->Abort()), IsOk());
  EXPECT_THAT(LocalLs(dir), ElementsAre("f"));
  read = Read("/m/f");
  ASSERT_THAT(read, IsOk());
  EXPECT_EQ(*read, "old");
  EXPECT_EQ(Stat("/m/f")->size, 3u);
}

TEST_F(NamespaceWriteTest, ClosedOverwriteReplacesTheContent) {
  const std::string dir = MountLocal("/m");
  ASSERT_THAT(Write("/m/f", "old"), IsOk());
  auto file = OpenFile("/m/f", fs::OpenOptions::Overwrite());
  ASSERT_THAT(file, IsOk());
  ASSERT_THAT(WriteTo(file->get(), "brand new"), IsOk());
  ASSERT_THAT(Run((*file)->Close()), IsOk());
  EXPECT_THAT(LocalLs(dir), ElementsAre("f"));
  auto read = Read("/m/f");
  ASSERT_THAT(read, IsOk());
  EXPECT_EQ(*read, "brand new");
  EXPECT_EQ(Stat("/m/f")->size, 9u);
  // A new file by Overwrite, and Overwrite of a directory still fails.
  ASSERT_THAT(Write("/m/g", "g"), IsOk());
  EXPECT_THAT(LocalLs(dir), ElementsAre("f", "g"));
  ASSERT_THAT(Run(ns_->CreateDir("/m/d", false)), IsOk());
  EXPECT_THAT(OpenFile("/m/d", fs::OpenOptions::Overwrite()), Not(IsOk()));
  EXPECT_THAT(LocalLs(dir), ElementsAre("d", "f", "g"));
}

TEST_F(NamespaceWriteTest, AbortDropsAPartialEntryCachedDuringTheWrite) {
  MountLocal("/m");
  fs::OpenOptions in_place;
  in_place.write = true;
  in_place.create = true;
  auto file = OpenFile("/m/p", in_place);
  ASSERT_THAT(file, IsOk());
  ASSERT_THAT(WriteTo(file->get(), "abc"), IsOk());
  auto seen = Stat("/m/p");  // cached (never re-checked: kSyncNever)
  ASSERT_THAT(seen, IsOk());
  ASSERT_THAT(Run((*file)->Abort()), IsOk());  // removes the created file
  EXPECT_THAT(Stat("/m/p"), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(Ls("/m"), IsEmpty());
}

TEST_F(NamespaceWriteTest, BackendErrorsNameVirtualPaths) {
  const std::string dir = MountLocal("/m");
  std::vector<Status> errors = {
      Run(ns_->Rename("/m/nope", "/m/x")),
      Run(ns_->Copy("/m/nope", "/m/y")),
      Run(CopyTree(*ns_, "/m/nope", "/m/z")).status(),
  };
  // Cached but gone behind the back: the backend's own error.
  ASSERT_THAT(Write("/m/a", "a"), IsOk());
  std::filesystem::remove(dir + "/a");
  errors.push_back(Run(ns_->Rename("/m/a", "/m/b")));
  errors.push_back(Run(ns_->Copy("/m/a", "/m/c")));
  errors.push_back(OpenFile("/m/a", fs::OpenOptions::ReadOnly()).status());
  for (size_t i = 0; i < errors.size(); ++i) {
    EXPECT_THAT(errors[i], StatusIs(StatusCode::kNotFound)) << i;
    EXPECT_THAT(Message(errors[i]), HasSubstr(i < 3 ? "/m/nope" : "/m/a")) << i;
    EXPECT_THAT(Message(errors[i]), Not(HasSubstr(dir))) << i;
  }
}

TEST_F(NamespaceWriteTest, ReadOnlyMountRefusesEveryWriteKind) {
  MountOptions ro;
  ro.readonly = true;
  const std::string dir = TempDir();
  ASSERT_THAT(Run(Backend("file://" + dir).fs->CreateDir(dir + "/d", false)),
              IsOk());
  ASSERT_THAT(Write(Backend("file://" + dir).fs.get(), dir + "/d/f", "orig"),
              IsOk());
  ASSERT_THAT(Mount("/ro", "file://" + dir, ro), IsOk());
  ASSERT_THAT(Write("/src/x", "x"), IsOk());
  fs::OpenOptions append_only;
  append_only.read = false;
  append_only.append = true;
  fs::OpenOptions truncate_only;
  truncate_only.read = false;
  truncate_only.truncate = true;
  std::vector<Status> refused = {
      OpenFile("/ro/d/f", append_only).status(),
      OpenFile("/ro/d/f", truncate_only).status(),
      Run(CopyTree(*ns_, "/src", "/ro/copy")).status(),
      Run(CopyTree(*ns_, "/src", "/ro")).status(),
      Run(ns_->Rename("/ro/d", "/out")),
      Run(ns_->Move("/ro/d", "/out")).status(),
  };
  for (const Status& st : refused) {
    EXPECT_THAT(st, StatusIs(StatusCode::kPermissionDenied));
    EXPECT_THAT(Message(st), HasSubstr("/ro"));
  }
  EXPECT_THAT(LocalLs(dir), ElementsAre("d"));
  EXPECT_THAT(LocalLs(dir + "/d"), ElementsAre("f"));
  auto read = Read("/ro/d/f");
  ASSERT_THAT(read, IsOk());
  EXPECT_EQ(*read, "orig");
  EXPECT_THAT(Stat("/out"), StatusIs(StatusCode::kNotFound));
}

TEST_F(NamespaceWriteTest, MountListingsRedactSecrets) {
  MountOptions options;
  options.backend["secret_access_key"] = "hunter2";
  options.backend["access_key_id"] = "AKIAEXAMPLE";
  options.backend["region"] = "eu-west-1";
  auto mounted = Mount("/s", MemUri(), options);
  ASSERT_THAT(mounted, IsOk());
  std::vector<MountPoint> seen = ns_->ListMounts();
  seen.push_back(*mounted);
  int found = 0;
  for (const MountPoint& m : seen) {
    if (m.path != "/s") continue;
    ++found;
    EXPECT_EQ(m.options.backend.at("secret_access_key"), "<redacted>");
    EXPECT_EQ(m.options.backend.at("access_key_id"), "<redacted>");
    EXPECT_EQ(m.options.backend.at("region"), "eu-west-1");
  }
  EXPECT_EQ(found, 2);
  // The stored mount keeps the real secret (for the backend).
  bool stored = false;
  for (const std::string& key : Keys("mount/")) {
    auto kv = Run(store_->Get(key));
    ASSERT_THAT(kv, IsOk());
    if ((*kv)->value.find("hunter2") != std::string::npos) stored = true;
  }
  EXPECT_TRUE(stored);
}

TEST_F(NamespaceWriteTest, RemoveDirOfAVanishedDirectoryForgetsIt) {
  const std::string dir = MountLocal("/m");
  ASSERT_THAT(Write("/m/d/f", "f"), IsOk());
  ASSERT_THAT(Stat("/m/d"), IsOk());
  std::filesystem::remove_all(dir + "/d");
  EXPECT_THAT(Stat("/m/d"), IsOk()) << "kSyncNever: still cached";
  EXPECT_THAT(Run(ns_->RemoveDir("/m/d", true)),
              StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(Stat("/m/d"), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(Stat("/m/d/f"), StatusIs(StatusCode::kNotFound));
}

class NamespaceClockTest : public NamespaceFixture {};

TEST_F(NamespaceClockTest, FiniteIntervalExpiresOnTheInjectedClock) {
  auto now = std::make_shared<std::atomic<int64_t>>(1'000'000'000'000);
  NamespaceOptions options;
  options.default_sync_interval = std::chrono::seconds(10);
  options.clock = [now] {
    return std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::nanoseconds(now->load())));
  };
  Open(options);
  ASSERT_THAT(Write("/d/a", "a"), IsOk());
  EXPECT_THAT(Ls("/d"), ElementsAre("a"));
  ASSERT_THAT(Write(RootBackend().get(), "/d/b", "behind"), IsOk());
  *now += std::chrono::nanoseconds(std::chrono::seconds(9)).count();
  EXPECT_THAT(Ls("/d"), ElementsAre("a"));
  EXPECT_THAT(Stat("/d/b"), StatusIs(StatusCode::kNotFound));
  *now += std::chrono::nanoseconds(std::chrono::seconds(2)).count();
  EXPECT_THAT(Ls("/d"), ElementsAre("a", "b"));
  auto info = Stat("/d/b");
  ASSERT_THAT(info, IsOk());
  EXPECT_EQ(info->size, 6u);
}

}  // namespace
}  // namespace strata::vfs::testing
