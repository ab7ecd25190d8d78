// MountTable: refusing bad input without side effects (mounts above a
// mount, URIs without a scheme, unknown options, secrets in parse errors),
// missing base directories per backend, and lock-free-for-readers
// resolution while the table changes.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "fs/testing/conformance.h"
#include "strata/vfs/mount_table.h"
#include "vfs/mount_table_test_util.h"

namespace strata::vfs {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::MountTableFixture;
using ::testing::Not;
using testing::StatusIs;

constexpr const char* kSecret = "SECRETVALUE123";

std::string MessageOf(const Status& st) { return std::string(st.message()); }

class MountTableInputTest : public MountTableFixture {
 protected:
  void SetUp() override {
    MountTableFixture::SetUp();
    OpenOrDie();
  }
};

// ---- 1. no mount above an existing mount ----

TEST_F(MountTableInputTest, MountAboveAnExistingMountIsRefused) {
  ASSERT_TRUE(Mount("/data/raw", MemDir()).ok());
  MountOptions readonly;
  readonly.readonly = true;
  Status st = Mount("/data", MemDir(), readonly).status();
  EXPECT_THAT(
      st, StatusIs(StatusCode::kFailedPrecondition, "unmount /data/raw first"));
  EXPECT_THAT(MessageOf(st), HasSubstr("mount point /data:"));
  // A backend holding a file where the nested mount point is: refused too,
  // before its file could hide the mount.
  std::string name = testing::UniqueName("mtstore");
  MakeDir(name, "/");
  auto fs = fs::MemoryFileSystem::Named(name);
  ASSERT_TRUE(
      rt_->BlockOn(fs::conformance::WriteFile(fs.get(), "/raw", "x",
                                              fs::OpenOptions::CreateNew()))
          .ok());
  EXPECT_THAT(Mount("/data", "mem://" + name + "/").status(),
              StatusIs(StatusCode::kFailedPrecondition, "/data/raw"));
  EXPECT_THAT(MountPaths(), ElementsAre("/", "/data/raw"));
  EXPECT_EQ(table_->Resolve("/data/raw/f")->mount->path, "/data/raw");
}

TEST_F(MountTableInputTest, DeepNestingAndSiblingsAreJudgedByComponents) {
  ASSERT_TRUE(Mount("/a/b/c", MemDir()).ok());
  EXPECT_THAT(Mount("/a", MemDir()).status(),
              StatusIs(StatusCode::kFailedPrecondition, "/a/b/c"));
  EXPECT_THAT(Mount("/a/b", MemDir()).status(),
              StatusIs(StatusCode::kFailedPrecondition, "/a/b/c"));
  // Not above /a/b/c: a prefix of the string but not of the path.
  EXPECT_TRUE(Mount("/a/b/cd", MemDir()).ok());
  EXPECT_TRUE(Mount("/a/bc", MemDir()).ok());
  EXPECT_TRUE(Mount("/a/b/c/d", MemDir()).ok());  // below is still fine
  EXPECT_THAT(Mount("/", MemDir()).status(),
              StatusIs(StatusCode::kAlreadyExists, "/"));
  // Once the nested mounts are gone, the upper mount is accepted.
  ASSERT_TRUE(Unmount("/a/b/c/d").ok());
  ASSERT_TRUE(Unmount("/a/b/c").ok());
  ASSERT_TRUE(Unmount("/a/b/cd").ok());
  ASSERT_TRUE(Unmount("/a/bc").ok());
  EXPECT_TRUE(Mount("/a", MemDir()).ok());
  EXPECT_THAT(MountPaths(), ElementsAre("/", "/a"));
}

// ---- 2. missing base directories ----

// An object store whose directory markers give it real directories (as S3
// on radosgw), backed by a fresh in-memory store.
class MarkerDirsFileSystem final : public fs::ForwardingFileSystem {
 public:
  using ForwardingFileSystem::ForwardingFileSystem;
  std::string_view name() const override { return "fake-s3"; }
  fs::Capabilities capabilities() const override {
    fs::Capabilities caps = target()->capabilities();
    caps.real_directories = true;
    return caps;
  }
};

Result<fs::FileSystemRef> OpenMarkerStore(const std::string& uri,
                                          const MountOptions&) {
  STRATA_ASSIGN_OR_RETURN(fs::Uri parsed, fs::Uri::Parse(uri));
  if (parsed.scheme != "s3") return fs::OpenFileSystem(uri);
  auto store = fs::MemoryFileSystem::Named(testing::UniqueName("mtmarker"));
  return fs::FileSystemRef{std::make_shared<MarkerDirsFileSystem>(store),
                           "/" + parsed.authority + parsed.path};
}

TEST_F(MountTableInputTest, AMissingObjectStorePrefixIsMountable) {
  OpenOrDie(&OpenMarkerStore);
  Result<MountPoint> m = Mount("/new", "s3://bucket/new/prefix");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  Result<Resolved> r = table_->Resolve("/new/f");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->fs->name(), "fake-s3");
  EXPECT_TRUE(r->fs->capabilities().real_directories);
  EXPECT_EQ(r->backend_path, "/bucket/new/prefix/f");
}

TEST_F(MountTableInputTest, AMissingMemDirectoryIsMountable) {
  std::string uri = "mem://" + testing::UniqueName("mtstore") + "/missing";
  EXPECT_TRUE(Mount("/m", uri).ok());
}

// A scratch local directory, removed at the end.
class TempDir {
 public:
  TempDir() {
    path_ =
        std::filesystem::temp_directory_path() /
        testing::UniqueName("strata-mt-" + std::to_string(::getpid()) + "-");
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

TEST_F(MountTableInputTest, LocalDirectoriesMustExist) {
  TempDir dir;
  std::string missing = "file://" + dir.path() + "/missing";
  EXPECT_THAT(Mount("/a", missing).status(),
              StatusIs(StatusCode::kNotFound, missing));
  std::ofstream(dir.path() + "/file") << "x";
  EXPECT_THAT(Mount("/a", "file://" + dir.path() + "/file").status(),
              StatusIs(StatusCode::kFailedPrecondition, "names a file"));
  EXPECT_TRUE(Mount("/a", "file://" + dir.path()).ok());
  EXPECT_THAT(MountPaths(), ElementsAre("/", "/a"));
}

// ---- 3. URIs without a scheme ----

TEST_F(MountTableInputTest, UrisWithoutASchemeAreRefused) {
  for (const char* text :
       {"not a uri", "relative/dir", "/srv/x", "mem:/x/y", "file:/tmp"}) {
    std::string uri(text);
    Status st = Mount("/a", uri).status();
    EXPECT_THAT(st, StatusIs(StatusCode::kInvalidArgument,
                             "mount URI \"" + uri + "\" has no scheme"))
        << uri;
    EXPECT_THAT(MessageOf(st),
                HasSubstr("(use file:///abs/path, mem://name/, "
                          "s3://bucket/prefix, az://container/prefix)"));
  }
  // The quoted URI stops before its query string.
  Status st =
      Mount("/a", std::string("/srv/x?secret_access_key=") + kSecret).status();
  EXPECT_THAT(st, StatusIs(StatusCode::kInvalidArgument,
                           "mount URI \"/srv/x\" has no scheme"));
  EXPECT_THAT(MessageOf(st), Not(HasSubstr(kSecret)));
  EXPECT_THAT(MountPaths(), ElementsAre("/"));
}

// ---- 4. options nobody understands ----

TEST_F(MountTableInputTest, UnknownOptionsOnFileAndMemAreRefused) {
  TempDir dir;
  for (const std::string& uri : {"file://" + dir.path(), MemDir()}) {
    MountOptions options = MountOptions::Parse({{"redonly", "true"}}).value();
    Status st = Mount("/a", uri, options).status();
    EXPECT_THAT(st, StatusIs(StatusCode::kInvalidArgument, "'redonly'")) << uri;
    EXPECT_THAT(MessageOf(st), HasSubstr("takes no query parameters"));
  }
  EXPECT_THAT(MountPaths(), ElementsAre("/"));
}

TEST_F(MountTableInputTest, OtherSpellingsOfReadOnlyGiveAReadOnlyMount) {
  TempDir dir;
  for (const char* text : {"ReadOnly", "read_only", "READ-ONLY"}) {
    std::string key(text);
    MountOptions options = MountOptions::Parse({{key, "true"}}).value();
    std::string point = "/" + key;
    std::filesystem::create_directory(dir.path() + point);
    Result<MountPoint> m =
        Mount(point, "file://" + dir.path() + point, options);
    ASSERT_TRUE(m.ok()) << key << ": " << m.status().ToString();
    EXPECT_TRUE(m->options.readonly) << key;
    EXPECT_TRUE(m->options.backend.empty()) << key;
  }
}

// ---- 5. secrets in URI errors ----

TEST_F(MountTableInputTest, UriParseErrorsNeverEchoTheQueryString) {
  std::string secret(kSecret);
  for (const std::string& uri :
       {"s3://b/%zz?secret_access_key=" + secret,
        "s3://b/p?secret_access_key=" + secret + "&x=%zz",
        "s3://b/p?=" + secret, "1bad://x/y?token=" + secret,
        "s3://b/../..?access_key_id=" + secret,
        "nosuchscheme://x/y?region=" + secret, "mem://x/p?region=" + secret}) {
    Status st = Mount("/a", uri).status();
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument)
        << uri << ": " << st.ToString();
    EXPECT_THAT(MessageOf(st), Not(HasSubstr(secret))) << uri;
    EXPECT_THAT(MessageOf(st), Not(HasSubstr("?")))
        << uri << ": " << st.ToString();
  }
  EXPECT_THAT(
      Mount("/a", "s3://b/p?secret_access_key=" + secret + "&x=%zz").status(),
      StatusIs(StatusCode::kInvalidArgument, "malformed query"));
  EXPECT_THAT(Mount("/a", "s3://b/%zz?secret_access_key=" + secret).status(),
              StatusIs(StatusCode::kInvalidArgument, "%zz"));
  EXPECT_THAT(MountPaths(), ElementsAre("/"));
}

TEST_F(MountTableInputTest, SecretOptionsNeverAppearInErrors) {
  MountOptions options;
  options.backend["secret_access_key"] = kSecret;
  for (const std::string& uri :
       {std::string("s3://b/%zz"), std::string("mem:///"),
        std::string("nosuchscheme://x/") + kSecret, MemDir()}) {
    Status st = Mount("/a", uri, options).status();
    EXPECT_FALSE(st.ok()) << uri;
    EXPECT_THAT(MessageOf(st), Not(HasSubstr(kSecret)))
        << uri << ": " << st.ToString();
  }
}

// ---- 6. readers never wait for writers ----

TEST_F(MountTableInputTest, ResolveRunsConcurrentlyWithMountAndUnmount) {
  std::string uri = MemDir();
  std::atomic<bool> done{false};
  std::atomic<int> resolved{0};
  std::atomic<int> bad{0};
  std::thread reader([&] {
    while (!done.load() || resolved.load() == 0) {
      Result<Resolved> r = table_->Resolve("/m/x");
      if (!r.ok() || (r->mount->path != "/" && r->mount->path != "/m")) {
        bad.fetch_add(1);
      }
      resolved.fetch_add(1);
      (void)table_->List();
      (void)table_->MountedNamesUnder("/");
    }
  });
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(Mount("/m", uri).ok());
    ASSERT_TRUE(Unmount("/m").ok());
  }
  done.store(true);
  reader.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GT(resolved.load(), 0);
  EXPECT_THAT(MountPaths(), ElementsAre("/"));
}

}  // namespace
}  // namespace strata::vfs
