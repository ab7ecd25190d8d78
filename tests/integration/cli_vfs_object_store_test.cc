// `strata fs` through a `strata server` subprocess with s3:// (radosgw) and
// az:// (Azurite) mounts: credentials and endpoints passed as mount
// options, transfers, ls, cat, mv, rm through the mounts, secrets hidden by
// `fs mounts`, and the objects really at the mapped keys in the bucket.

#include <gmock/gmock.h>

#include <string>
#include <vector>

#include "cli/server_process_test_util.h"
#include "object_store_cli_util.h"

namespace strata::integration {
namespace {

using cli::testing::ExpectOneLineError;
using cli::testing::RandomBytes;
using cli::testing::ReadFile;
using cli::testing::ServerProcess;
using cli::testing::WriteFile;
using ::testing::HasSubstr;
using ::testing::Not;

// The `strata fs` side shared by both stores: a server and its client.
class FsClientSide {
 public:
  std::string Start(const std::string& data_dir) {
    return server_.Start(data_dir);
  }
  void Stop() {
    if (server_.running()) {
      EXPECT_EQ(server_.Stop(), 0);
    }
  }
  CliResult Fs(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"fs", "-s", server_.address()};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCli(argv, {"!STRATA_SERVER"});
  }
  std::string FsOk(const std::vector<std::string>& args) {
    CliResult r = Fs(args);
    EXPECT_EQ(r.exit_code, 0) << args[0] << ": " << r.err;
    return r.out;
  }

 private:
  ServerProcess server_;
};

// Mounted at /s3: s3://<bucket>/mnt/prefix.
class VfsS3Test : public S3CliTest {
 protected:
  void SetUp() override {
    S3CliTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_EQ(fs_.Start(Path("data")), "");
    // Mounting a prefix needs it to exist: on S3, some key below it.
    WriteFile(Path("seed"), "seed");
    ASSERT_EQ(
        Strata({"cp", "-q", Path("seed"), Uri("mnt/prefix/seed")}).exit_code,
        0);
    fs_.FsOk({"mount", "-o", "endpoint=" + server_->endpoint, "-o",
              "region=" + server_->region, "-o", "path_style=true", "-o",
              "access_key_id=" + server_->access_key, "-o",
              "secret_access_key=" + server_->secret_key, "/s3",
              Uri("mnt/prefix")});
  }
  void TearDown() override {
    fs_.Stop();
    S3CliTest::TearDown();
  }
  bool ObjectExists(const std::string& key) {
    return Aws({"s3api", "head-object", "--bucket", bucket_, "--key", key})
               .exit_code == 0;
  }

  FsClientSide fs_;
};

TEST_F(VfsS3Test, FilesLandAtTheMappedKeys) {
  std::string data = RandomBytes((6 << 20) + 5, 1);
  WriteFile(Path("up"), data);
  fs_.FsOk({"copy-from-local", Path("up"), "/s3/dir/file"});
  EXPECT_TRUE(ObjectExists("mnt/prefix/dir/file"));
  CliResult direct = Strata({"cat", Uri("mnt/prefix/dir/file")});
  EXPECT_TRUE(direct.out == data);
  EXPECT_TRUE(fs_.FsOk({"cat", "/s3/dir/file"}) == data);
  EXPECT_THAT(fs_.FsOk({"ls", "/s3/dir"}), HasSubstr("file\n"));
  EXPECT_THAT(fs_.FsOk({"stat", "/s3/dir/file"}),
              HasSubstr("size: " + std::to_string(data.size())));
  fs_.FsOk({"copy-to-local", "/s3/dir/file", Path("down")});
  EXPECT_TRUE(ReadFile(Path("down")) == data);
}

TEST_F(VfsS3Test, MvAndRmChangeTheBucket) {
  WriteFile(Path("a"), "object a");
  fs_.FsOk({"copy-from-local", Path("a"), "/s3/a"});
  CliResult mv = fs_.Fs({"mv", "/s3/a", "/s3/sub/b"});
  EXPECT_EQ(mv.exit_code, 0) << mv.err;
  EXPECT_FALSE(ObjectExists("mnt/prefix/a"));
  EXPECT_TRUE(ObjectExists("mnt/prefix/sub/b"));
  EXPECT_EQ(fs_.FsOk({"cat", "/s3/sub/b"}), "object a");
  // Out of the bucket: a copy and a delete, said so.
  mv = fs_.Fs({"mv", "/s3/sub/b", "/local-b"});
  EXPECT_EQ(mv.exit_code, 0) << mv.err;
  EXPECT_THAT(mv.err, HasSubstr("not atomic"));
  EXPECT_FALSE(ObjectExists("mnt/prefix/sub/b"));
  EXPECT_EQ(fs_.FsOk({"cat", "/local-b"}), "object a");
  fs_.FsOk({"copy-from-local", Path("a"), "/s3/gone"});
  fs_.FsOk({"rm", "/s3/gone"});
  EXPECT_FALSE(ObjectExists("mnt/prefix/gone"));
  ExpectOneLineError(fs_.Fs({"stat", "/s3/gone"}), "/s3/gone");
}

TEST_F(VfsS3Test, MountsHideTheSecretKey) {
  std::string table = fs_.FsOk({"mounts"});
  EXPECT_THAT(table, HasSubstr(Uri("mnt/prefix")));
  EXPECT_THAT(table, HasSubstr("secret_access_key=<redacted>"));
  EXPECT_THAT(table, Not(HasSubstr(server_->secret_key)));
  std::string json = fs_.FsOk({"mounts", "--json"});
  EXPECT_THAT(json, Not(HasSubstr(server_->secret_key)));
  EXPECT_THAT(json, HasSubstr("\"type\":\"s3\""));
}

TEST_F(VfsS3Test, BadCredentialsAreRefusedByName) {
  CliResult r = fs_.Fs({"mount", "-o", "endpoint=" + server_->endpoint, "-o",
                        "path_style=true", "-o", "access_key_id=nobody", "-o",
                        "secret_access_key=wrongwrong", "/bad", Uri("other")});
  // Either the mount checks the bucket, or the first access fails.
  if (r.exit_code == 0) {
    r = fs_.Fs({"ls", "/bad"});
    ExpectOneLineError(r, "/bad");
  } else {
    ExpectOneLineError(r, "/bad");
  }
  EXPECT_THAT(r.err, Not(HasSubstr("wrongwrong")));
}

// Mounted at /az: az://<container>/mnt.
class VfsAzureTest : public AzureCliTest {
 protected:
  void SetUp() override {
    AzureCliTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    connection_string_ = *Env("STRATA_TEST_AZURE_CONNECTION_STRING");
    ASSERT_EQ(fs_.Start(Path("data")), "");
    fs_.FsOk({"mount", "-o", "connection_string=" + connection_string_, "/az",
              Uri("mnt")});
  }
  void TearDown() override {
    fs_.Stop();
    AzureCliTest::TearDown();
  }
  bool BlobExists(const std::string& blob) {
    return Strata({"stat", Uri(blob)}).exit_code == 0;
  }

  FsClientSide fs_;
  std::string connection_string_;
};

TEST_F(VfsAzureTest, FilesLandAtTheMappedBlobs) {
  std::string data = RandomBytes((5 << 20) + 3, 2);
  WriteFile(Path("up"), data);
  fs_.FsOk({"copy-from-local", Path("up"), "/az/d/file"});
  EXPECT_TRUE(BlobExists("mnt/d/file"));
  EXPECT_TRUE(Strata({"cat", Uri("mnt/d/file")}).out == data);
  EXPECT_TRUE(fs_.FsOk({"cat", "/az/d/file"}) == data);
  EXPECT_THAT(fs_.FsOk({"ls", "-R", "/az"}), HasSubstr("d/file\n"));
  fs_.FsOk({"mv", "/az/d/file", "/az/d/moved"});
  EXPECT_FALSE(BlobExists("mnt/d/file"));
  EXPECT_TRUE(BlobExists("mnt/d/moved"));
  fs_.FsOk({"rm", "-r", "/az/d"});
  EXPECT_FALSE(BlobExists("mnt/d/moved"));
}

TEST_F(VfsAzureTest, MountsHideTheConnectionString) {
  std::string table = fs_.FsOk({"mounts"});
  EXPECT_THAT(table, HasSubstr(Uri("mnt")));
  EXPECT_THAT(table, HasSubstr("<redacted>"));
  EXPECT_THAT(table, Not(HasSubstr("AccountKey")));
  EXPECT_THAT(fs_.FsOk({"mounts", "--json"}), Not(HasSubstr("AccountKey")));
}

}  // namespace
}  // namespace strata::integration
