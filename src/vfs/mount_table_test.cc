// MountTable: the mount rules (every accept/refuse case) and resolution.

#include "strata/vfs/mount_table.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fs/testing/conformance.h"
#include "vfs/mount_table_test_util.h"

namespace strata::vfs {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::MountTableFixture;
using testing::StatusIs;

class MountTableRulesTest : public MountTableFixture {
 protected:
  void SetUp() override {
    MountTableFixture::SetUp();
    OpenOrDie();
  }
};

TEST_F(MountTableRulesTest, OpenMountsTheRoot) {
  std::vector<MountPoint> mounts = table_->List();
  ASSERT_EQ(mounts.size(), 1u);
  EXPECT_EQ(mounts[0].path, "/");
  EXPECT_EQ(mounts[0].uri, root_uri_);
  EXPECT_EQ(mounts[0].type(), "mem");
  EXPECT_EQ(mounts[0].id, 1u);
  EXPECT_EQ(mounts[0].root_ino, 100u);
}

TEST_F(MountTableRulesTest, MountReturnsTheNewMount) {
  std::string uri = MemDir("/data");
  MountOptions options;
  options.readonly = true;
  auto m = Mount("/data//", uri, options);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->path, "/data");
  EXPECT_EQ(m->uri, uri);
  EXPECT_TRUE(m->options.readonly);
  EXPECT_EQ(m->id, 2u);
  EXPECT_EQ(m->root_ino, 101u);
  EXPECT_THAT(MountPaths(), ElementsAre("/", "/data"));
}

TEST_F(MountTableRulesTest, MountOnAnExistingMountPointIsAlreadyExists) {
  ASSERT_TRUE(Mount("/data", MemDir()).ok());
  EXPECT_THAT(Mount("/data", MemDir()).status(),
              StatusIs(StatusCode::kAlreadyExists, "/data"));
  EXPECT_THAT(Mount("/", MemDir()).status(),
              StatusIs(StatusCode::kAlreadyExists, "mount point /"));
}

TEST_F(MountTableRulesTest, MountOnAFileIsRefused) {
  auto root = fs::MemoryFileSystem::Named(root_name_);
  ASSERT_TRUE(
      rt_->BlockOn(fs::conformance::WriteFile(root.get(), "/f", "x",
                                              fs::OpenOptions::CreateNew()))
          .ok());
  EXPECT_THAT(Mount("/f", MemDir()).status(),
              StatusIs(StatusCode::kFailedPrecondition, "/f is a file"));
  MakeDir(root_name_, "/existing-dir");
  EXPECT_TRUE(Mount("/existing-dir", MemDir()).ok());
  EXPECT_THAT(MountPaths(), ElementsAre("/", "/existing-dir"));
}

TEST_F(MountTableRulesTest, MountOnAFileOfANestedMountIsRefused) {
  std::string name = testing::UniqueName("mtstore");
  MakeDir(name, "/d");
  auto fs = fs::MemoryFileSystem::Named(name);
  ASSERT_TRUE(
      rt_->BlockOn(fs::conformance::WriteFile(fs.get(), "/d/file", "x",
                                              fs::OpenOptions::CreateNew()))
          .ok());
  ASSERT_TRUE(Mount("/data", "mem://" + name + "/d").ok());
  EXPECT_THAT(Mount("/data/file", MemDir()).status(),
              StatusIs(StatusCode::kFailedPrecondition, "mount at /data"));
}

TEST_F(MountTableRulesTest, MountInsideAReadOnlyMountIsPermissionDenied) {
  MountOptions ro;
  ro.readonly = true;
  ASSERT_TRUE(Mount("/ro", MemDir(), ro).ok());
  EXPECT_THAT(Mount("/ro/sub", MemDir()).status(),
              StatusIs(StatusCode::kPermissionDenied, "read-only mount /ro"));
  EXPECT_THAT(Mount("/ro/a/b", MemDir()).status(),
              StatusIs(StatusCode::kPermissionDenied, "/ro/a/b"));
  EXPECT_TRUE(Mount("/rox", MemDir()).ok());  // a sibling, not inside
}

TEST_F(MountTableRulesTest, NestedMountsAreAllowed) {
  ASSERT_TRUE(Mount("/data", MemDir()).ok());
  ASSERT_TRUE(Mount("/data/raw", MemDir()).ok());
  ASSERT_TRUE(Mount("/data/raw/deeper", MemDir()).ok());
  EXPECT_THAT(MountPaths(),
              ElementsAre("/", "/data", "/data/raw", "/data/raw/deeper"));
}

TEST_F(MountTableRulesTest, UriContainedInAnotherOnTheSameStoreIsRefused) {
  std::string name = testing::UniqueName("mtstore");
  MakeDir(name, "/x/y");
  MakeDir(name, "/xy");
  ASSERT_TRUE(Mount("/a", "mem://" + name + "/x").ok());
  Status inside = Mount("/b", "mem://" + name + "/x/y").status();
  EXPECT_THAT(inside, StatusIs(StatusCode::kFailedPrecondition, "lies within"));
  EXPECT_THAT(std::string(inside.message()), HasSubstr("mem://" + name + "/x"));
  EXPECT_THAT(std::string(inside.message()), HasSubstr("mounted at /a"));
  EXPECT_THAT(Mount("/c", "mem://" + name + "/").status(),
              StatusIs(StatusCode::kFailedPrecondition, "contains"));
  EXPECT_THAT(Mount("/d", "mem://" + name + "/x").status(),
              StatusIs(StatusCode::kFailedPrecondition, "/a"));
  EXPECT_TRUE(Mount("/e", "mem://" + name + "/xy").ok());  // a sibling
}

TEST_F(MountTableRulesTest, UriInsideTheRootMountsStoreIsRefused) {
  MakeDir(root_name_, "/sub");
  EXPECT_THAT(Mount("/a", "mem://" + root_name_ + "/sub").status(),
              StatusIs(StatusCode::kFailedPrecondition, "mounted at /"));
}

TEST_F(MountTableRulesTest, SamePathOnDifferentStoresIsAllowed) {
  ASSERT_TRUE(Mount("/a", MemDir("/x")).ok());
  ASSERT_TRUE(Mount("/b", MemDir("/x")).ok());
  EXPECT_THAT(MountPaths(), ElementsAre("/", "/a", "/b"));
}

class MountTableObjectStoreTest : public MountTableFixture {
 protected:
  void SetUp() override {
    MountTableFixture::SetUp();
    OpenOrDie(opener_.AsOpener());
  }
  testing::CountingOpener opener_;
};

TEST_F(MountTableObjectStoreTest, S3AndS3aAreTheSameStore) {
  ASSERT_TRUE(Mount("/a", "s3://bucket/p").ok());
  EXPECT_THAT(Mount("/b", "s3a://bucket/p/q").status(),
              StatusIs(StatusCode::kFailedPrecondition, "s3://bucket/p"));
  EXPECT_THAT(Mount("/c", "s3a://bucket/").status(),
              StatusIs(StatusCode::kFailedPrecondition, "contains"));
  EXPECT_TRUE(Mount("/d", "s3a://bucket/other").ok());
  EXPECT_TRUE(Mount("/e", "s3://other-bucket/p").ok());
  EXPECT_TRUE(Mount("/f", "az://bucket/p").ok());  // another scheme
}

TEST_F(MountTableObjectStoreTest, ADifferentEndpointIsADifferentStore) {
  MountOptions a;
  a.backend["endpoint"] = "http://127.0.0.1:7480";
  ASSERT_TRUE(Mount("/a", "s3://bucket/p", a).ok());
  MountOptions same;
  same.backend["endpoint"] = "http://127.0.0.1:7480/";
  EXPECT_THAT(Mount("/b", "s3://bucket/p/q", same).status(),
              StatusIs(StatusCode::kFailedPrecondition, "/a"));
  // The endpoint given in the URI counts as well.
  EXPECT_THAT(
      Mount("/c", "s3://bucket/p/q?endpoint=http://127.0.0.1:7480").status(),
      StatusIs(StatusCode::kFailedPrecondition, "/a"));
  MountOptions other;
  other.backend["endpoint"] = "http://127.0.0.1:9000";
  EXPECT_TRUE(Mount("/d", "s3://bucket/p", other).ok());
  EXPECT_TRUE(Mount("/e", "s3://bucket/p").ok());  // default endpoint
}

TEST_F(MountTableObjectStoreTest, OpensEachBackendOnceAndCachesIt) {
  ASSERT_TRUE(Mount("/a", "s3://bucket/a").ok());
  size_t opens = opener_.opened().size();
  for (int i = 0; i < 10; ++i) {
    auto r = table_->Resolve("/a/file" + std::to_string(i));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->backend_path, "/a/file" + std::to_string(i));
  }
  EXPECT_EQ(opener_.opened().size(), opens);
  EXPECT_EQ(opener_.opened().back(), "s3://bucket/a");
}

TEST_F(MountTableObjectStoreTest, OpenerErrorsAreReturnedWithoutSecrets) {
  opener_.fail = UnavailableError(
      "cannot reach s3://b/?secret_access_key=S3CR%2FT "
      "with S3CR/T");
  MountOptions options;
  options.backend["secret_access_key"] = "S3CR/T";
  options.backend["region"] = "eu-west-1";
  Status st = Mount("/a", "s3://b/p", options).status();
  EXPECT_EQ(st.code(), StatusCode::kUnavailable);
  EXPECT_THAT(std::string(st.message()), HasSubstr("<redacted>"));
  EXPECT_THAT(std::string(st.message()), HasSubstr("s3://b/p"));
  EXPECT_THAT(std::string(st.message()), ::testing::Not(HasSubstr("S3CR")));
  EXPECT_THAT(MountPaths(), ElementsAre("/"));
}

TEST_F(MountTableObjectStoreTest, SecretsInTheUriAreRefused) {
  EXPECT_THAT(Mount("/a", "s3://b/p?secret_access_key=abc").status(),
              StatusIs(StatusCode::kInvalidArgument, "'secret_access_key'"));
  EXPECT_THAT(Mount("/a", "az://c/p?sas_token=abc").status(),
              StatusIs(StatusCode::kInvalidArgument, "mount option"));
  EXPECT_TRUE(opener_.opened().size() == 1u);  // only the root was opened
}

TEST_F(MountTableObjectStoreTest, AnEmptyObjectStorePrefixIsReachable) {
  // Without real directories a missing base is an empty prefix: fine.
  EXPECT_TRUE(Mount("/a", "s3://bucket/missing/prefix").ok());
}

TEST_F(MountTableRulesTest, UnmountRules) {
  ASSERT_TRUE(Mount("/data", MemDir()).ok());
  ASSERT_TRUE(Mount("/data/raw", MemDir()).ok());
  EXPECT_THAT(Unmount("/data"),
              StatusIs(StatusCode::kFailedPrecondition, "/data/raw"));
  EXPECT_THAT(Unmount("/"), StatusIs(StatusCode::kInvalidArgument, "root"));
  EXPECT_THAT(Unmount("/nothing"), StatusIs(StatusCode::kNotFound, "/nothing"));
  EXPECT_THAT(Unmount("/data/raw/x"), StatusIs(StatusCode::kNotFound, ""));
  EXPECT_THAT(Unmount("rel"), StatusIs(StatusCode::kInvalidArgument, "rel"));
  EXPECT_TRUE(Unmount("/data/raw/").ok());
  EXPECT_TRUE(Unmount("/data").ok());
  EXPECT_THAT(MountPaths(), ElementsAre("/"));
  EXPECT_EQ(table_->Resolve("/data/raw/x")->mount->path, "/");
}

TEST_F(MountTableRulesTest, BadPathsAndUrisAreInvalidArgument) {
  EXPECT_THAT(Mount("relative", MemDir()).status(),
              StatusIs(StatusCode::kInvalidArgument, "relative"));
  EXPECT_THAT(Mount("/a/../..", MemDir()).status(),
              StatusIs(StatusCode::kInvalidArgument, ""));
  EXPECT_THAT(Mount("/" + std::string(300, 'n'), MemDir()).status(),
              StatusIs(StatusCode::kInvalidArgument, ""));
  EXPECT_THAT(Mount("/a", "").status(),
              StatusIs(StatusCode::kInvalidArgument, ""));
  EXPECT_THAT(Mount("/a", "1bad://x/y").status(),
              StatusIs(StatusCode::kInvalidArgument, "1bad"));
  EXPECT_THAT(Mount("/a", "mem://x/%zz").status(),
              StatusIs(StatusCode::kInvalidArgument, "%zz"));
  EXPECT_THAT(Mount("/a", "mem:///").status(),
              StatusIs(StatusCode::kInvalidArgument, "store name"));
  Status unknown = Mount("/a", "nosuchscheme://x/y").status();
  EXPECT_THAT(unknown, StatusIs(StatusCode::kInvalidArgument, "nosuchscheme"));
  EXPECT_THAT(std::string(unknown.message()), HasSubstr("mem"));
  EXPECT_THAT(std::string(unknown.message()), HasSubstr("file"));
  EXPECT_THAT(MountPaths(), ElementsAre("/"));
}

TEST_F(MountTableRulesTest, FileBackendsAreRefused) {
  // (A missing base directory: mount_table_input_test.cc.)
  std::string name = testing::UniqueName("mtstore");
  auto fs = fs::MemoryFileSystem::Named(name);
  ASSERT_TRUE(
      rt_->BlockOn(fs::conformance::WriteFile(fs.get(), "/file", "x",
                                              fs::OpenOptions::CreateNew()))
          .ok());
  EXPECT_THAT(Mount("/a", "mem://" + name + "/file").status(),
              StatusIs(StatusCode::kFailedPrecondition, "names a file"));
  EXPECT_THAT(MountPaths(), ElementsAre("/"));
}

TEST_F(MountTableRulesTest, ResolvesByLongestPrefix) {
  std::string data = MemDir("/d");
  ASSERT_TRUE(Mount("/data", data).ok());
  ASSERT_TRUE(Mount("/data2", MemDir()).ok());
  ASSERT_TRUE(Mount("/data/raw", MemDir("/r")).ok());
  struct Case {
    std::string path, mount, backend, relative;
  };
  for (const Case& c :
       std::vector<Case>{{"/", "/", "/", "/"},
                         {"/other/x", "/", "/other/x", "/other/x"},
                         {"/data", "/data", "/d", "/"},
                         {"/data/x/y", "/data", "/d/x/y", "/x/y"},
                         {"/data2/y", "/data2", "/y", "/y"},
                         {"/data/raw", "/data/raw", "/r", "/"},
                         {"/data/raw/z", "/data/raw", "/r/z", "/z"},
                         {"/data/rawx", "/data", "/d/rawx", "/rawx"},
                         {"/data/raw/../x", "/data", "/d/x", "/x"},
                         {"/data//raw/./z/", "/data/raw", "/r/z", "/z"}}) {
    auto r = table_->Resolve(c.path);
    ASSERT_TRUE(r.ok()) << c.path << ": " << r.status().ToString();
    EXPECT_EQ(r->mount->path, c.mount) << c.path;
    EXPECT_EQ(r->backend_path, c.backend) << c.path;
    EXPECT_EQ(r->relative, c.relative) << c.path;
    EXPECT_NE(r->fs, nullptr);
  }
  EXPECT_EQ(table_->Resolve("/data/x")->mount->uri, data);
  EXPECT_THAT(table_->Resolve("data").status(),
              StatusIs(StatusCode::kInvalidArgument, ""));
  EXPECT_THAT(table_->Resolve("/..").status(),
              StatusIs(StatusCode::kInvalidArgument, ""));
}

TEST_F(MountTableRulesTest, MountedNamesUnderAndAncestors) {
  ASSERT_TRUE(Mount("/data/raw", MemDir()).ok());
  ASSERT_TRUE(Mount("/data/hot", MemDir()).ok());
  ASSERT_TRUE(Mount("/data/hot/x", MemDir()).ok());
  ASSERT_TRUE(Mount("/tmp", MemDir()).ok());
  EXPECT_THAT(table_->MountedNamesUnder("/"), ElementsAre("data", "tmp"));
  EXPECT_THAT(table_->MountedNamesUnder("/data"), ElementsAre("hot", "raw"));
  EXPECT_THAT(table_->MountedNamesUnder("/data/hot"), ElementsAre("x"));
  EXPECT_THAT(table_->MountedNamesUnder("/data/hot/x"), IsEmpty());
  EXPECT_THAT(table_->MountedNamesUnder("/dat"), IsEmpty());
  EXPECT_THAT(table_->MountedNamesUnder("/tmp"), IsEmpty());
  for (const char* yes :
       {"/", "/data", "/data/raw", "/data/hot", "/tmp", "/data/hot/x"}) {
    EXPECT_TRUE(table_->IsMountPointOrAncestor(yes)) << yes;
  }
  for (const char* no :
       {"/dat", "/data/raw/y", "/tmpx", "/other", "/data/hot/x/y"}) {
    EXPECT_FALSE(table_->IsMountPointOrAncestor(no)) << no;
  }
}

}  // namespace
}  // namespace strata::vfs
