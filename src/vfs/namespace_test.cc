// Namespace: VFS operations through mounts — resolution, ls merged with
// mount points, paths, read-only mounts, mv/cp/rm and mount-point rules.
#include "strata/vfs/copy_tree.h"
#include "vfs/namespace_test_util.h"

namespace strata::vfs::testing {
namespace {

class NamespaceTest : public NamespaceFixture {
 protected:
  void SetUp() override {
    NamespaceFixture::SetUp();
    if (HasFatalFailure()) return;
    Open();
  }
  // Mounts a fresh mem:// store at `path`; returns its URI.
  std::string MountMem(const std::string& path,
                       MountOptions options = MountOptions()) {
    std::string uri = MemUri();
    EXPECT_THAT(Mount(path, uri, options), IsOk()) << path;
    return uri;
  }
  // Mounts a fresh temp dir at `path`; returns the directory.
  std::string MountLocal(const std::string& path) {
    std::string dir = TempDir();
    EXPECT_THAT(Mount(path, "file://" + dir), IsOk()) << path;
    return dir;
  }
};

TEST_F(NamespaceTest, StatRootAndMountPointsAreDirectories) {
  MountMem("/a/b/c");
  for (const char* path : {"/", "/a", "/a/b", "/a/b/c"}) {
    auto info = Stat(path);
    ASSERT_THAT(info, IsOk()) << path;
    EXPECT_TRUE(info->is_dir) << path;
    EXPECT_EQ(info->path, path);
  }
  EXPECT_THAT(Stat("/a/x"), StatusIs(StatusCode::kNotFound));
}

TEST_F(NamespaceTest, LsMergesMountPoints) {
  ASSERT_THAT(Write("/top", "t"), IsOk());
  std::string uri = MountMem("/a/b/c");
  EXPECT_THAT(Ls("/"), ElementsAre("a", "top"));
  EXPECT_THAT(Ls("/a"), ElementsAre("b"));
  EXPECT_THAT(Ls("/a/b"), ElementsAre("c"));
  EXPECT_THAT(Ls("/a/b/c"), IsEmpty());
  ASSERT_THAT(Write("/a/b/c/f", "data"), IsOk());
  EXPECT_THAT(Ls("/a/b/c"), ElementsAre("f"));
  auto list = List("/a/b/c");
  ASSERT_THAT(list, IsOk());
  EXPECT_EQ((*list)[0].path, "/a/b/c/f");
  EXPECT_EQ((*list)[0].size, 4u);
}

TEST_F(NamespaceTest, MountPointShadowsBackendEntry) {
  ASSERT_THAT(Run(ns_->CreateDir("/d/m", true)), IsOk());
  ASSERT_THAT(Write("/d/m/hidden", "h"), IsOk());
  MountMem("/d/m");
  EXPECT_THAT(Ls("/d"), ElementsAre("m"));
  EXPECT_THAT(Ls("/d/m"), IsEmpty());
}

TEST_F(NamespaceTest, RecursiveListDescendsIntoNestedMounts) {
  ASSERT_THAT(Write("/r", "1"), IsOk());
  MountMem("/x/y");
  ASSERT_THAT(Write("/x/y/z/f", "22"), IsOk());
  fs::ListOptions opts;
  opts.recursive = true;
  auto list = List("/", opts);
  ASSERT_THAT(list, IsOk());
  std::vector<std::string> paths;
  for (const auto& e : *list) paths.push_back(e.path);
  EXPECT_THAT(paths, ElementsAre("/r", "/x", "/x/y", "/x/y/z", "/x/y/z/f"));
}

TEST_F(NamespaceTest, WritesLandAtTheMappedBackendPath) {
  std::string store = MemUri();
  store.pop_back();
  fs::FileSystemRef backend = Backend(store + "/");
  ASSERT_THAT(Run(backend.fs->CreateDir("/base", true)), IsOk());
  ASSERT_THAT(Mount("/m", store + "/base"), IsOk());
  ASSERT_THAT(Run(ns_->CreateDir("/m/dir", false)), IsOk());
  ASSERT_THAT(Write("/m/dir/f", "payload"), IsOk());
  auto direct = Read(backend.fs.get(), "/base/dir/f");
  ASSERT_THAT(direct, IsOk());
  EXPECT_EQ(*direct, "payload");
  auto info = Stat("/m/dir/f");
  ASSERT_THAT(info, IsOk());
  EXPECT_EQ(info->path, "/m/dir/f");
  EXPECT_EQ(info->size, 7u);
  EXPECT_FALSE(info->is_dir);
  auto back = Read("/m/dir/f");
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, "payload");
  // Nothing leaked into the root store.
  EXPECT_THAT(BackendLs(RootBackend().get(), "/"), IsEmpty());
}

TEST_F(NamespaceTest, FileMountWritesToTheDirectory) {
  std::string dir = MountLocal("/local");
  ASSERT_THAT(Write("/local/sub/../f.txt", "on disk"), IsOk());
  EXPECT_TRUE(std::filesystem::exists(dir + "/f.txt"));
  EXPECT_EQ(std::filesystem::file_size(dir + "/f.txt"), 7u);
  auto file = Run(ns_->Open("/local/f.txt", fs::OpenOptions::ReadOnly()));
  ASSERT_THAT(file, IsOk());
  EXPECT_EQ((*file)->path(), "/local/f.txt");
  EXPECT_THAT(Run((*file)->Close()), IsOk());
}

TEST_F(NamespaceTest, DotDotNeverEscapesAMount) {
  MountMem("/m");
  ASSERT_THAT(Write("/m/../x", "root"), IsOk());
  auto direct = Read(RootBackend().get(), "/x");
  ASSERT_THAT(direct, IsOk());
  EXPECT_EQ(*direct, "root");
  for (const char* bad : {"/m/a/../../..", "relative", "", "/a\x01"}) {
    Status st = Write(bad, "x");
    EXPECT_THAT(st, StatusIs(StatusCode::kInvalidArgument)) << bad;
    EXPECT_THAT(Stat(bad), StatusIs(StatusCode::kInvalidArgument)) << bad;
    EXPECT_THAT(List(bad), StatusIs(StatusCode::kInvalidArgument)) << bad;
  }
  EXPECT_THAT(Ls("/"), ElementsAre("m", "x"));
}

TEST_F(NamespaceTest, ReadonlyMountRefusesWritesAndChangesNothing) {
  std::string uri = MemUri();
  fs::FileSystemRef backend = Backend(uri);
  ASSERT_THAT(Write(backend.fs.get(), "/f", "orig"), IsOk());
  ASSERT_THAT(Run(backend.fs->CreateDir("/d", false)), IsOk());
  MountOptions ro;
  ro.readonly = true;
  ASSERT_THAT(Mount("/ro", uri, ro), IsOk());
  ASSERT_THAT(Write("/elsewhere", "e"), IsOk());
  std::vector<Status> refused = {
      Write("/ro/new", "x"),
      Write("/ro/f", "overwrite"),
      Run(ns_->CreateDir("/ro/newdir", false)),
      Run(ns_->Remove("/ro/f")),
      Run(ns_->RemoveDir("/ro/d", true)),
      Run(ns_->Rename("/ro/f", "/ro/g")),
      Run(ns_->Rename("/elsewhere", "/ro/g")),
      Run(ns_->Rename("/ro/f", "/stolen")),
      Run(ns_->Copy("/elsewhere", "/ro/g")),
  };
  for (const Status& st : refused) {
    EXPECT_THAT(st, StatusIs(StatusCode::kPermissionDenied));
    EXPECT_THAT(Message(st), HasSubstr("/ro"));
  }
  EXPECT_THAT(BackendLs(backend.fs.get(), "/"), ElementsAre("d", "f"));
  auto back = Read(backend.fs.get(), "/f");
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, "orig");
  EXPECT_THAT(Stat("/stolen"), StatusIs(StatusCode::kNotFound));
  // Reading and copying out still work.
  auto read = Read("/ro/f");
  ASSERT_THAT(read, IsOk());
  EXPECT_EQ(*read, "orig");
  EXPECT_THAT(Run(ns_->Copy("/ro/f", "/copied")), IsOk());
}

TEST_F(NamespaceTest, MoveWithinAFileMountIsAtomic) {
  std::string dir = MountLocal("/l");
  ASSERT_THAT(Write("/l/a", "abc"), IsOk());
  auto moved = Run(ns_->Move("/l/a", "/l/b"));
  ASSERT_THAT(moved, IsOk());
  EXPECT_TRUE(moved->atomic);
  EXPECT_THAT(Stat("/l/a"), StatusIs(StatusCode::kNotFound));
  EXPECT_FALSE(std::filesystem::exists(dir + "/a"));
  auto back = Read("/l/b");
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, "abc");
  EXPECT_THAT(Ls("/l"), ElementsAre("b"));
}

TEST_F(NamespaceTest, MoveAcrossMountsCopiesThenDeletes) {
  std::string dir = MountLocal("/l");
  std::string uri = MountMem("/m");
  ASSERT_THAT(Write("/l/f", "file bytes"), IsOk());
  auto moved = Run(ns_->Move("/l/f", "/m/f"));
  ASSERT_THAT(moved, IsOk());
  EXPECT_FALSE(moved->atomic);
  EXPECT_THAT(Stat("/l/f"), StatusIs(StatusCode::kNotFound));
  EXPECT_FALSE(std::filesystem::exists(dir + "/f"));
  auto direct = Read(Backend(uri).fs.get(), "/f");
  ASSERT_THAT(direct, IsOk());
  EXPECT_EQ(*direct, "file bytes");
  // A directory tree.
  ASSERT_THAT(Write("/l/t/a", "A"), IsOk());
  ASSERT_THAT(Write("/l/t/s/b", "BB"), IsOk());
  moved = Run(ns_->Move("/l/t", "/m/t2"));
  ASSERT_THAT(moved, IsOk());
  EXPECT_FALSE(moved->atomic);
  EXPECT_THAT(Stat("/l/t"), StatusIs(StatusCode::kNotFound));
  EXPECT_FALSE(std::filesystem::exists(dir + "/t"));
  auto b = Read("/m/t2/s/b");
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(*b, "BB");
  EXPECT_THAT(Ls("/m/t2"), ElementsAre("a", "s"));
}

TEST_F(NamespaceTest, DirectoryRenameMovesExactlyOneDentKey) {
  ASSERT_THAT(Write("/d/x/1", "1"), IsOk());
  ASSERT_THAT(Write("/d/x/2", "2"), IsOk());
  ASSERT_THAT(Write("/d/y", "3"), IsOk());
  ASSERT_THAT(Run(ns_->CreateDir("/e", false)), IsOk());
  std::vector<std::string> before = Keys("dent/");
  auto moved = Run(ns_->Move("/d", "/e/d2"));
  ASSERT_THAT(moved, IsOk());
  EXPECT_TRUE(moved->atomic);
  std::vector<std::string> after = Keys("dent/");
  ASSERT_EQ(before.size(), after.size());
  std::vector<std::string> gone, added;
  std::set_difference(before.begin(), before.end(), after.begin(), after.end(),
                      std::back_inserter(gone));
  std::set_difference(after.begin(), after.end(), before.begin(), before.end(),
                      std::back_inserter(added));
  ASSERT_EQ(gone.size(), 1u);
  ASSERT_EQ(added.size(), 1u);
  EXPECT_THAT(gone[0], ::testing::EndsWith("/d"));
  EXPECT_THAT(added[0], ::testing::EndsWith("/d2"));
  EXPECT_THAT(Ls("/e/d2/x"), ElementsAre("1", "2"));
  auto back = Read("/e/d2/x/2");
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, "2");
  EXPECT_THAT(Stat("/d"), StatusIs(StatusCode::kNotFound));
}

TEST_F(NamespaceTest, RemoveRecursiveDropsBackendAndCache) {
  ASSERT_THAT(Write("/d/a", "a"), IsOk());
  ASSERT_THAT(Write("/d/s/b", "b"), IsOk());
  ASSERT_THAT(Write("/keep", "k"), IsOk());
  EXPECT_THAT(Run(ns_->RemoveDir("/d", false)),
              StatusIs(StatusCode::kFailedPrecondition));
  ASSERT_THAT(Run(ns_->RemoveDir("/d", true)), IsOk());
  EXPECT_THAT(Stat("/d/s/b"), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(BackendLs(RootBackend().get(), "/"), ElementsAre("keep"));
  EXPECT_EQ(Keys("dent/").size(), 1u) << "only /keep stays cached";
  EXPECT_THAT(Ls("/"), ElementsAre("keep"));
}

TEST_F(NamespaceTest, MountPointsCannotBeRemovedOrRenamed) {
  MountMem("/a/b");
  const std::vector<Status> refused = {
      Run(ns_->RemoveDir("/a/b", true)), Run(ns_->RemoveDir("/a", true)),
      Run(ns_->Remove("/a/b")),          Run(ns_->Rename("/a/b", "/z")),
      Run(ns_->Rename("/a", "/z")),
  };
  for (const Status& st : refused) {
    EXPECT_THAT(st, StatusIs(StatusCode::kFailedPrecondition));
  }
  ASSERT_THAT(Write("/f", "f"), IsOk());
  EXPECT_THAT(Run(ns_->Rename("/f", "/a/b")),
              StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_THAT(Ls("/a"), ElementsAre("b"));
  EXPECT_THAT(Run(ns_->CreateDir("/a/b", false)),
              StatusIs(StatusCode::kAlreadyExists));
  EXPECT_THAT(Run(ns_->CreateDir("/a/b", true)), IsOk());
  EXPECT_THAT(Run(ns_->Open("/a/b", fs::OpenOptions::ReadOnly())),
              StatusIs(StatusCode::kInvalidArgument));
}

TEST_F(NamespaceTest, IsMountPointOnlyForExactMountPoints) {
  MountMem("/a/b");
  MountMem("/a/b/c/d");
  ASSERT_THAT(Write("/a/b/file", "x"), IsOk());
  for (const char* path :
       {"/", "/a/b", "/a/b/c/d", "/a/b/", "//a/./b", "/a/b/c/../c/d"}) {
    EXPECT_TRUE(ns_->IsMountPoint(path)) << path;
  }
  for (const char* path : {"/a", "/a/b/c", "/a/b/file", "/a/bb", "/a/b/c/d/e",
                           "/missing", "", "relative"}) {
    EXPECT_FALSE(ns_->IsMountPoint(path)) << path;
  }
  ASSERT_THAT(Run(ns_->Unmount("/a/b/c/d")), IsOk());
  EXPECT_FALSE(ns_->IsMountPoint("/a/b/c/d"));
  EXPECT_TRUE(ns_->IsMountPoint("/a/b"));
}

TEST_F(NamespaceTest, ErrorsNameTheVirtualPath) {
  MountLocal("/l");
  Status st = Stat("/l/missing").status();
  EXPECT_THAT(st, StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(Message(st), HasSubstr("/l/missing"));
  st = Run(ns_->Open("/l/nope", fs::OpenOptions::ReadOnly())).status();
  EXPECT_THAT(st, StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(Message(st), HasSubstr("/l/nope"));
  st = List("/l/gone").status();
  EXPECT_THAT(Message(st), HasSubstr("/l/gone"));
}

TEST_F(NamespaceTest, CopyTreeAcrossMounts) {
  MountLocal("/l");
  ASSERT_THAT(Write("/src/a", "aaa"), IsOk());
  ASSERT_THAT(Write("/src/d/b", "bb"), IsOk());
  ASSERT_THAT(Run(ns_->CreateDir("/src/empty", false)), IsOk());
  auto stats = Run(CopyTree(*ns_, "/src", "/l/dst"));
  ASSERT_THAT(stats, IsOk());
  EXPECT_EQ(stats->files, 2u);
  EXPECT_EQ(stats->directories, 3u);
  EXPECT_EQ(stats->bytes, 5u);
  EXPECT_THAT(Ls("/l/dst"), ElementsAre("a", "d", "empty"));
  auto b = Read("/l/dst/d/b");
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(*b, "bb");
  EXPECT_THAT(Run(CopyTree(*ns_, "/src", "/src/inner")),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(Run(CopyTree(*ns_, "/nothing", "/l/x")),
              StatusIs(StatusCode::kNotFound));
  auto one = Run(CopyTree(*ns_, "/src/a", "/l/single"));
  ASSERT_THAT(one, IsOk());
  EXPECT_EQ(one->files, 1u);
}

TEST_F(NamespaceTest, CapabilitiesAreThoseEveryMountOffers) {
  fs::Capabilities root = ns_->capabilities();
  EXPECT_FALSE(root.directory_fsync) << "memory root has no directory fsync";
  MountLocal("/l");
  auto at = ns_->CapabilitiesAt("/l/x");
  ASSERT_THAT(at, IsOk());
  EXPECT_TRUE(at->directory_fsync);
  EXPECT_FALSE(ns_->capabilities().directory_fsync);
  EXPECT_THAT(ns_->CapabilitiesAt("bad"),
              StatusIs(StatusCode::kInvalidArgument));
}

TEST_F(NamespaceTest, UnmountDropsTheMountAndItsCache) {
  std::string uri = MountMem("/m");
  ASSERT_THAT(Write("/m/f", "x"), IsOk());
  EXPECT_THAT(Ls("/"), ElementsAre("m"));
  ASSERT_THAT(Run(ns_->Unmount("/m")), IsOk());
  EXPECT_THAT(Ls("/"), IsEmpty());
  EXPECT_THAT(Keys("dent/"), IsEmpty());
  EXPECT_EQ(ns_->ListMounts().size(), 1u);
  // The backend keeps the data.
  EXPECT_THAT(BackendLs(Backend(uri).fs.get(), "/"), ElementsAre("f"));
}

}  // namespace
}  // namespace strata::vfs::testing
