// Unit tests of S3FileSystem against a misbehaving fake server (TestServer):
// ranged GETs that return fewer bytes than asked for (well framed: a
// truncating proxy or a replaced object) must fail, never report stale bytes
// as data; a listing entry outside the listed prefix is kDataLoss.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "http/testing/test_server.h"
#include "s3/fake_server_test_util.h"
#include "strata/fs/file_system.h"
#include "strata/runtime/runtime.h"
#include "strata/s3/client.h"
#include "strata/s3/s3_fs.h"

namespace strata::s3 {
namespace {

using http::testing::TestRequest;
using http::testing::TestResponse;
using http::testing::TestServer;
using runtime::Runtime;

constexpr size_t kSize = 100;
constexpr uint64_t kTruncateFrom = 40;  // ranges starting here come short

std::string Content() {
  std::string s(kSize, '\0');
  for (size_t i = 0; i < kSize; ++i) s[i] = static_cast<char>('a' + i % 26);
  return s;
}

// GET with "Range: bytes=a-b" → 206 of that slice; at or after
// kTruncateFrom only half the slice is sent (Content-Range unchanged).
TestResponse Handle(const TestRequest& req) {
  TestResponse r;
  if (req.method == "GET" &&
      req.target.find("list-type=2") != std::string::npos) {
    // A listing of "dir/" holding a key outside that prefix.
    r.headers.emplace_back("Content-Type", "application/xml");
    r.body =
        "<ListBucketResult><Name>bkt</Name><Prefix>dir/</Prefix>"
        "<IsTruncated>false</IsTruncated><Contents><Key>d</Key>"
        "<Size>1</Size><ETag>\"e\"</ETag></Contents></ListBucketResult>";
    return r;
  }
  auto range = http::FindHeader(req.headers, "range");
  unsigned long long a = 0, b = 0;
  if (req.method != "GET" || !range ||
      std::sscanf(std::string(*range).c_str(), "bytes=%llu-%llu", &a, &b) !=
          2 ||
      a >= kSize) {
    r.status = 404;
    r.body = "<Error><Code>NoSuchKey</Code></Error>";
    return r;
  }
  if (b >= kSize) b = kSize - 1;
  std::string body = Content().substr(a, b - a + 1);
  r.headers.emplace_back("Content-Range", "bytes " + std::to_string(a) + "-" +
                                              std::to_string(b) + "/" +
                                              std::to_string(kSize));
  if (a >= kTruncateFrom) body.resize(body.size() / 2);
  r.status = 206;
  r.headers.emplace_back("ETag", "\"0123456789abcdef\"");
  r.headers.emplace_back("Content-Type", "application/octet-stream");
  r.body = std::move(body);
  return r;
}

class S3FsShortReadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto rt = Runtime::Create();
    ASSERT_TRUE(rt.ok()) << rt.status().ToString();
    rt_ = std::move(rt).value();
    auto server = TestServer::Start(Handle);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
    auto client = fake_server::NewClient(server_->url());
    ASSERT_TRUE(client.ok()) << client.status().ToString();
    FileSystemOptions o;
    o.shared_client = *client;
    o.min_readahead = 16;
    o.max_readahead = 16;
    auto fs = NewS3FileSystem(o);
    ASSERT_TRUE(fs.ok()) << fs.status().ToString();
    fs_ = *fs;
    auto file =
        rt_->BlockOn(fs_->Open("/bkt/obj", fs::OpenOptions::ReadOnly()));
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    file_ = std::move(file).value();
  }

  std::unique_ptr<Runtime> rt_;
  std::unique_ptr<TestServer> server_;
  std::shared_ptr<fs::FileSystem> fs_;
  std::unique_ptr<fs::File> file_;
};

TEST_F(S3FsShortReadTest, FullRangesReadExactly) {
  std::string buf(20, '\0');
  auto n = rt_->BlockOn(file_->ReadAt(
      std::as_writable_bytes(std::span<char>(buf.data(), buf.size())), 10));
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 20u);
  EXPECT_EQ(buf, Content().substr(10, 20));
}

TEST_F(S3FsShortReadTest, ShortBodyIsAnErrorForReadAt) {
  std::string buf(30, '\0');
  auto n = rt_->BlockOn(file_->ReadAt(
      std::as_writable_bytes(std::span<char>(buf.data(), buf.size())), 50));
  ASSERT_FALSE(n.ok()) << "short success: " << *n;
  EXPECT_NE(n.status().message().find("obj"), std::string::npos)
      << n.status().ToString();
}

TEST_F(S3FsShortReadTest, ShortBodyIsAnErrorForReadRanges) {
  std::string a(10, '\0'), b(10, '\0');
  std::vector<fs::ReadRange> ranges(2);
  ranges[0].offset = 45;
  ranges[0].dst = std::as_writable_bytes(std::span<char>(a.data(), a.size()));
  ranges[1].offset = 60;
  ranges[1].dst = std::as_writable_bytes(std::span<char>(b.data(), b.size()));
  auto counts = rt_->BlockOn(file_->ReadRanges(ranges, fs::IoOptions()));
  ASSERT_FALSE(counts.ok()) << "short success";
  EXPECT_NE(counts.status().message().find("obj"), std::string::npos)
      << counts.status().ToString();
}

Task<Status> Drain(fs::ListStream s) {
  while (auto page = co_await s.Next()) {
    if (!page->ok()) co_return page->status();
  }
  co_return Status::OK();
}

TEST_F(S3FsShortReadTest, ListingOutsideThePrefixIsDataLoss) {
  Status st = rt_->BlockOn(Drain(fs_->List("/bkt/dir", fs::ListOptions())));
  EXPECT_EQ(st.code(), StatusCode::kDataLoss) << st.ToString();
  EXPECT_NE(st.message().find("malformed listing"), std::string::npos)
      << st.ToString();
}

}  // namespace
}  // namespace strata::s3
