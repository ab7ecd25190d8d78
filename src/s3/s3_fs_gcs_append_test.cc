// Append on gs:// (Flavor::kGcs) against a fake server: GCS's XML API has
// neither UploadPartCopy nor ETag If-Match writes, so an append is refused
// (kUnimplemented) before any request, and Capabilities::append says false;
// plain writes still go through.
#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <vector>

#include "http/testing/test_server.h"
#include "s3/fake_server_test_util.h"
#include "strata/fs/file_system.h"
#include "strata/fs/registry.h"
#include "strata/runtime/runtime.h"
#include "strata/s3/client.h"
#include "strata/s3/s3_fs.h"

namespace strata::s3 {
namespace {

using http::testing::TestRequest;
using http::testing::TestResponse;
using http::testing::TestServer;
using runtime::Runtime;

constexpr uint64_t kBigSize = Client::kMinPartSize + 1;
const std::string kSmall = "0123456789";

class S3FsGcsAppendTest : public ::testing::Test {
 protected:
  // Builds the file system; `dir_check` is FileSystemOptions::
  // check_directory_on_write (true by default, as through the registry).
  void Open(bool dir_check) {
    FileSystemOptions o;
    o.shared_client = client_;
    o.scheme = "gs";
    o.check_directory_on_write = dir_check;
    auto fs = NewS3FileSystem(o);
    ASSERT_TRUE(fs.ok()) << fs.status().ToString();
    fs_ = *fs;
  }

  // Append on small, big and missing objects: kUnimplemented naming the
  // object, and no request reached the server.
  void ExpectAppendRefused() {
    for (const char* path : {"/bkt/small", "/bkt/big", "/bkt/missing"}) {
      auto file = rt_->BlockOn(fs_->Open(path, fs::OpenOptions::Append()));
      ASSERT_FALSE(file.ok()) << path;
      EXPECT_EQ(file.status().code(), StatusCode::kUnimplemented) << path;
      EXPECT_NE(
          file.status().message().find(std::string("gs://bkt/") + (path + 5)),
          std::string::npos)
          << file.status().ToString();
    }
    EXPECT_TRUE(Seen().empty());
  }

  void SetUp() override {
    auto rt = Runtime::Create();
    ASSERT_TRUE(rt.ok()) << rt.status().ToString();
    rt_ = std::move(rt).value();
    auto server =
        TestServer::Start([this](const TestRequest& r) { return Handle(r); });
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
    auto client = fake_server::NewClient(server_->url(), Flavor::kGcs);
    ASSERT_TRUE(client.ok()) << client.status().ToString();
    client_ = *client;
    Open(/*dir_check=*/false);
  }

  // HEAD and GET of /bkt/small (10 bytes) and HEAD of /bkt/big (5 MiB + 1);
  // a PUT of /bkt/small is accepted; anything else is a 500. All recorded.
  TestResponse Handle(const TestRequest& req) {
    {
      std::lock_guard lock(mu_);
      seen_.push_back(req);
    }
    TestResponse r;
    const bool small = req.target == "/bkt/small";
    const bool big = req.target == "/bkt/big";
    if (req.method == "HEAD" && (small || big)) {
      r.headers.emplace_back("Content-Length",
                             std::to_string(small ? kSmall.size() : kBigSize));
      r.headers.emplace_back("ETag", "\"e1\"");
      return r;
    }
    if (req.method == "GET" && small) {
      r.headers.emplace_back("ETag", "\"e1\"");
      r.body = kSmall;
      return r;
    }
    if (req.method == "PUT" && small) {
      r.headers.emplace_back("ETag", "\"e2\"");
      return r;
    }
    r.status = 500;
    return r;
  }

  std::vector<TestRequest> Seen() {
    std::lock_guard lock(mu_);
    return seen_;
  }

  std::unique_ptr<Runtime> rt_;
  std::unique_ptr<TestServer> server_;
  std::shared_ptr<Client> client_;
  std::shared_ptr<fs::FileSystem> fs_;
  std::mutex mu_;
  std::vector<TestRequest> seen_;
};

TEST_F(S3FsGcsAppendTest, CapabilitiesSayNoAppend) {
  EXPECT_FALSE(fs_->capabilities().append);
  EXPECT_TRUE(fs_->capabilities().conditional_put);
}

TEST_F(S3FsGcsAppendTest, AppendIsRefusedWithoutARequest) {
  for (bool dir_check : {false, true}) {
    Open(dir_check);
    ExpectAppendRefused();
  }
}

TEST_F(S3FsGcsAppendTest, ThroughTheRegistryToo) {
  ASSERT_TRUE(RegisterSchemes().ok());
  auto ref = fs::OpenFileSystem(
      "gs://bkt/?access_key_id=A&secret_access_key=S&endpoint=" +
      server_->url());
  ASSERT_TRUE(ref.ok()) << ref.status().ToString();
  fs_ = ref->fs;
  EXPECT_FALSE(fs_->capabilities().append);
  ExpectAppendRefused();
}

TEST_F(S3FsGcsAppendTest, OverwriteStillWorks) {
  auto file =
      rt_->BlockOn(fs_->Open("/bkt/small", fs::OpenOptions::Overwrite()));
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  const std::string data = "abc";
  ASSERT_TRUE(rt_->BlockOn((*file)->Write(std::as_bytes(std::span<const char>(
                               data.data(), data.size()))))
                  .ok());
  Status closed = rt_->BlockOn((*file)->Close());
  ASSERT_TRUE(closed.ok()) << closed.ToString();
  std::vector<std::string> puts;
  for (const TestRequest& r : Seen()) {
    if (r.method == "PUT") puts.push_back(r.body);
  }
  ASSERT_EQ(puts.size(), 1u);
  EXPECT_EQ(puts[0], data);
}

}  // namespace
}  // namespace strata::s3
