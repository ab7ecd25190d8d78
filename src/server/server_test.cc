// End-to-end tests of MountService, HealthService and the metadata RPCs of
// FileService against an in-process Server (metadata in memory).

#include <gmock/gmock.h>

#include <algorithm>
#include <cstdint>

#include "server/server_test_util.h"

namespace strata::server::testing {
namespace {

class ServerMountTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    StartServer();
  }
};

TEST_F(ServerMountTest, HealthCheckReportsServingAndStore) {
  grpc::ClientContext ctx;
  v1::HealthCheckResponse response;
  ASSERT_TRUE(health_->Check(&ctx, v1::HealthCheckRequest(), &response).ok());
  EXPECT_EQ(response.status(), v1::HealthCheckResponse::SERVING);
  EXPECT_FALSE(response.version().empty());
  EXPECT_EQ(response.metadata_store(), "memory");
  grpc::ClientContext ping_ctx;
  v1::PingResponse pong;
  EXPECT_TRUE(health_->Ping(&ping_ctx, v1::PingRequest(), &pong).ok());
}

TEST_F(ServerMountTest, RootIsMountedAtDataDirByDefault) {
  std::vector<v1::MountInfo> mounts = ListMounts();
  ASSERT_EQ(mounts.size(), 1u);
  EXPECT_EQ(mounts[0].path(), "/");
  EXPECT_EQ(mounts[0].type(), "file");
  EXPECT_NE(mounts[0].uri().find(dir_ + "/data/root"), std::string::npos)
      << mounts[0].uri();
  EXPECT_EQ(mounts[0].sync_interval_ms(), 60000);
  EXPECT_TRUE(std::filesystem::is_directory(dir_ + "/data/root"));
}

TEST_F(ServerMountTest, MountMemAndFileListedSorted) {
  std::filesystem::create_directories(dir_ + "/disk");
  v1::MountInfo info;
  ASSERT_TRUE(Mount("/zeta", "mem://zeta/", {}, &info).ok());
  EXPECT_EQ(info.path(), "/zeta");
  EXPECT_EQ(info.type(), "mem");
  EXPECT_GT(info.id(), 0u);
  grpc::Status status =
      Mount("/alpha", "file://" + dir_ + "/disk", {{"sync_interval", "never"}});
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::vector<v1::MountInfo> mounts = ListMounts();
  ASSERT_EQ(mounts.size(), 3u);
  EXPECT_EQ(mounts[0].path(), "/");
  EXPECT_EQ(mounts[1].path(), "/alpha");
  EXPECT_EQ(mounts[2].path(), "/zeta");
  EXPECT_EQ(mounts[1].sync_interval_ms(), -1);
}

// file:// takes no backend options: a credential given to it is refused,
// and the refusal does not echo the secret. (Redaction of accepted secrets
// is tested with s3:// and az:// mounts in tests/integration.)
TEST_F(ServerMountTest, UnknownBackendOptionRefusedWithoutEchoingSecret) {
  std::filesystem::create_directories(dir_ + "/disk");
  grpc::Status status = Mount("/alpha", "file://" + dir_ + "/disk",
                              {{"secret_access_key", "hunter2"}});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(),
              ::testing::HasSubstr("secret_access_key"));
  EXPECT_THAT(status.error_message(),
              ::testing::Not(::testing::HasSubstr("hunter2")));
  EXPECT_EQ(ListMounts().size(), 1u);
}

TEST_F(ServerMountTest, ReadonlyFlagAndSyncIntervalOption) {
  grpc::ClientContext ctx;
  v1::MountRequest request;
  request.set_path("/ro");
  request.set_uri("mem://ro/");
  request.set_readonly(true);
  (*request.mutable_options())["sync_interval"] = "30s";
  v1::MountResponse response;
  ASSERT_TRUE(mounts_->Mount(&ctx, request, &response).ok());
  EXPECT_TRUE(response.mount().readonly());
  EXPECT_EQ(response.mount().sync_interval_ms(), 30000);
  grpc::Status status = Mkdir("/ro/x");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
      << status.error_message();
}

TEST_F(ServerMountTest, MountErrors) {
  ASSERT_TRUE(Mount("/m", "mem://m/").ok());
  EXPECT_EQ(Mount("/m", "mem://other/").error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(Mount("relative", "mem://r/").error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Mount("/n", "").error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Mount("/n", "nosuchscheme://x/").error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Mount("/n", "mem://n/", {{"readonly", "maybe"}}).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ListMounts().size(), 2u);
}

TEST_F(ServerMountTest, UnmountRules) {
  ASSERT_TRUE(Mount("/a", "mem://a/").ok());
  ASSERT_TRUE(Mount("/a/b", "mem://b/").ok());
  grpc::Status status = Unmount("/a");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << status.error_message();
  EXPECT_EQ(Unmount("/").error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Unmount("/nothing").error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(Unmount("/a/b").ok());
  EXPECT_TRUE(Unmount("/a").ok());
  EXPECT_EQ(ListMounts().size(), 1u);
}

class ServerFileTest : public ServerMountTest {};

TEST_F(ServerFileTest, MkdirStatAndErrors) {
  ASSERT_TRUE(Mkdir("/d").ok());
  v1::FileInfo info;
  ASSERT_TRUE(Stat("/d", &info).ok());
  EXPECT_TRUE(info.is_dir());
  EXPECT_EQ(info.path(), "/d");
  EXPECT_FALSE(info.is_mount_point());
  EXPECT_EQ(Mkdir("/d").error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_TRUE(Mkdir("/d", true).ok());
  EXPECT_TRUE(Mkdir("/p/q/r", true).ok());
  EXPECT_TRUE(Stat("/p/q").ok());
  grpc::Status missing = Stat("/nope");
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_NE(missing.error_message().find("/nope"), std::string::npos)
      << missing.error_message();
  EXPECT_EQ(Stat("x").error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Stat("").error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Stat("/../x").error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Mkdir(std::string("/a\x01")).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(ServerFileTest, StatMountPoint) {
  ASSERT_TRUE(Mount("/mnt", "mem://mnt/").ok());
  v1::FileInfo info;
  ASSERT_TRUE(Stat("/mnt", &info).ok());
  EXPECT_TRUE(info.is_dir());
  EXPECT_TRUE(info.is_mount_point());
}

TEST_F(ServerFileTest, ListPagesSortedWithMountPoints) {
  ASSERT_TRUE(Mkdir("/dir").ok());
  for (int i = 0; i < 7; ++i) {
    ASSERT_TRUE(Write("/dir/f" + std::to_string(i), "x").status.ok());
  }
  ASSERT_TRUE(Mount("/dir/mnt", "mem://listed/").ok());
  ListResult listed = List("/dir", 3);
  ASSERT_TRUE(listed.status.ok()) << listed.status.error_message();
  ASSERT_EQ(listed.entries.size(), 8u);
  EXPECT_EQ(listed.pages, 3);
  EXPECT_TRUE(std::is_sorted(
      listed.entries.begin(), listed.entries.end(),
      [](const auto& a, const auto& b) { return a.path() < b.path(); }));
  auto mnt = std::find_if(listed.entries.begin(), listed.entries.end(),
                          [](const auto& e) { return e.path() == "/dir/mnt"; });
  ASSERT_NE(mnt, listed.entries.end());
  EXPECT_TRUE(mnt->is_mount_point());
  EXPECT_TRUE(mnt->is_dir());
}

TEST_F(ServerFileTest, ListErrors) {
  EXPECT_EQ(List("/missing").status.error_code(), grpc::StatusCode::NOT_FOUND);
  ASSERT_TRUE(Write("/file", "abc").status.ok());
  EXPECT_EQ(List("/file").status.error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(List("rel").status.error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(ServerFileTest, HugePageSizeIsCapped) {
  ASSERT_TRUE(Mkdir("/many").ok());
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(Write("/many/f" + std::to_string(i), "x").status.ok());
  }
  // Not a 4-billion-entry page reservation: capped, and still one page.
  ListResult listed = List("/many", UINT32_MAX);
  ASSERT_TRUE(listed.status.ok()) << listed.status.error_message();
  EXPECT_EQ(listed.entries.size(), 5u);
  EXPECT_EQ(listed.pages, 1);
}

TEST_F(ServerFileTest, StatMarksOnlyExactMountPoints) {
  ASSERT_TRUE(Mount("/x/y", "mem://exact-mp/").ok());
  v1::FileInfo info;
  ASSERT_TRUE(Stat("/x", &info).ok());
  EXPECT_TRUE(info.is_dir());
  EXPECT_FALSE(info.is_mount_point());
  ASSERT_TRUE(Stat("/x//y/", &info).ok());
  EXPECT_TRUE(info.is_mount_point());
  ASSERT_TRUE(Stat("/", &info).ok());
  EXPECT_TRUE(info.is_mount_point());
  ASSERT_TRUE(Write("/x/y/f", "1").status.ok());
  ASSERT_TRUE(Stat("/x/y/f", &info).ok());
  EXPECT_FALSE(info.is_mount_point());
}

TEST_F(ServerFileTest, ListRecursive) {
  ASSERT_TRUE(Mkdir("/t/a/b", true).ok());
  ASSERT_TRUE(Write("/t/a/b/leaf", "1").status.ok());
  ASSERT_TRUE(Write("/t/top", "2").status.ok());
  ListResult listed = List("/t", 0, true);
  ASSERT_TRUE(listed.status.ok());
  std::vector<std::string> paths;
  for (const auto& e : listed.entries) paths.push_back(e.path());
  EXPECT_NE(std::find(paths.begin(), paths.end(), "/t/a/b/leaf"), paths.end());
  EXPECT_NE(std::find(paths.begin(), paths.end(), "/t/top"), paths.end());
}

TEST_F(ServerFileTest, DeleteFileAndDirectories) {
  ASSERT_TRUE(Mkdir("/full/sub", true).ok());
  ASSERT_TRUE(Write("/full/sub/f", "data").status.ok());
  ASSERT_TRUE(Write("/single", "data").status.ok());
  EXPECT_TRUE(Delete("/single").ok());
  EXPECT_EQ(Stat("/single").error_code(), grpc::StatusCode::NOT_FOUND);
  grpc::Status status = Delete("/full");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << status.error_message();
  EXPECT_TRUE(Delete("/full", true).ok());
  EXPECT_EQ(Stat("/full").error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Delete("/full").error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(ServerFileTest, DeleteMountPointRefused) {
  ASSERT_TRUE(Mount("/mp", "mem://mp/").ok());
  EXPECT_EQ(Delete("/mp", true).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(ServerFileTest, RenameWithinAndAcrossMounts) {
  ASSERT_TRUE(Write("/a", "alpha").status.ok());
  bool atomic = false;
  ASSERT_TRUE(Rename("/a", "/b", &atomic).ok());
  EXPECT_TRUE(atomic);
  EXPECT_EQ(Stat("/a").error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Read("/b").data, "alpha");
  ASSERT_TRUE(Mount("/mem", "mem://rename/").ok());
  ASSERT_TRUE(Rename("/b", "/mem/b", &atomic).ok());
  EXPECT_FALSE(atomic);
  EXPECT_EQ(Read("/mem/b").data, "alpha");
  EXPECT_EQ(Stat("/b").error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Rename("/nope", "/x").error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Rename("/mem/b", "").error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(ServerFileTest, CopyFileAndTree) {
  ASSERT_TRUE(
      Write("/src/one", "111", v1::WriteHeader::OVERWRITE, true).status.ok());
  ASSERT_TRUE(Write("/src/sub/two", "2222", v1::WriteHeader::OVERWRITE, true)
                  .status.ok());
  v1::CopyResponse copied;
  ASSERT_TRUE(Copy("/src/one", "/one-copy", false, &copied).ok());
  EXPECT_EQ(copied.files(), 1u);
  EXPECT_EQ(copied.bytes(), 3u);
  EXPECT_EQ(Read("/one-copy").data, "111");
  EXPECT_EQ(Copy("/src", "/dst").error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(Mount("/m", "mem://copy/").ok());
  grpc::Status status = Copy("/src", "/m/dst", true, &copied);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(copied.files(), 2u);
  EXPECT_EQ(copied.bytes(), 7u);
  EXPECT_EQ(Read("/m/dst/sub/two").data, "2222");
  EXPECT_EQ(Read("/m/dst/one").data, "111");
  EXPECT_EQ(Copy("/src", "/src/inner", true).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Copy("/missing", "/x").error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(ServerFileTest, SyncSeesBackendChanges) {
  std::filesystem::create_directories(dir_ + "/ext");
  ASSERT_TRUE(
      Mount("/ext", "file://" + dir_ + "/ext", {{"sync_interval", "never"}})
          .ok());
  ASSERT_TRUE(List("/ext").status.ok());
  {
    std::FILE* f = std::fopen((dir_ + "/ext/outside").c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("hi", f);
    std::fclose(f);
  }
  grpc::ClientContext ctx;
  v1::SyncRequest request;
  request.set_path("/ext");
  v1::SyncResponse response;
  grpc::Status status = files_->Sync(&ctx, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_GE(response.added(), 1u);
  EXPECT_GE(response.directories(), 1u);
  v1::FileInfo info;
  ASSERT_TRUE(Stat("/ext/outside", &info).ok());
  EXPECT_EQ(info.size(), 2u);
}

}  // namespace
}  // namespace strata::server::testing
