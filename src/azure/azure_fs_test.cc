// Unit tests: AzureFileSystem against the in-process TestServer — append
// blobs buffer until Close, the first failure poisons a write file, a
// malformed listing is an error (not a crash), and Rename's conditions.
#include "strata/azure/azure_fs.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mutex>

#include "http/testing/test_server.h"
#include "strata/runtime/runtime.h"

namespace strata::azure {
namespace {

using http::testing::TestRequest;
using http::testing::TestResponse;
using http::testing::TestServer;
using ::testing::HasSubstr;

fs::ConstBytes Bytes(std::string_view s) {
  return std::as_bytes(std::span<const char>(s.data(), s.size()));
}

bool HasQuery(const TestRequest& req, std::string_view q) {
  return req.target.find(q) != std::string::npos;
}

std::string Header(const TestRequest& req, std::string_view name) {
  auto v = http::FindHeader(req.headers, name);
  return v ? std::string(*v) : std::string();
}

TestResponse Error(int status, const char* code) {
  TestResponse r;
  r.status = status;
  r.headers = {{"x-ms-error-code", code}};
  r.body = std::string("<?xml version=\"1.0\"?><Error><Code>") + code +
           "</Code></Error>";
  return r;
}

// The first page's status of a listing.
Task<Status> FirstListStatus(fs::FileSystem* fs, std::string path) {
  fs::ListStream s = fs->List(std::move(path), fs::ListOptions());
  auto v = co_await s.Next();
  if (!v) co_return Status::OK();
  co_return v->status();
}

class AzureFsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RuntimeOptions ro;
    ro.io_uring = runtime::IoUringMode::kOff;
    auto rt = Runtime::Create(ro);
    ASSERT_TRUE(rt.ok()) << rt.status().ToString();
    rt_ = std::move(rt).value();
  }

  // Records every request, then answers with `handler`.
  void Start(TestServer::Handler handler) {
    auto server = TestServer::Start([this, handler](const TestRequest& req) {
      {
        std::lock_guard lock(mu_);
        seen_.push_back(req);
      }
      return handler(req);
    });
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
    AzureFileSystemOptions o;
    o.client.settings.use_environment = false;
    o.client.settings.account = "devstoreaccount1";
    o.client.settings.key = std::string(kDevAccountKey);
    o.client.settings.endpoint = server_->url() + "/devstoreaccount1";
    o.client.retry.max_attempts = 3;
    o.client.retry.initial_backoff = std::chrono::milliseconds(1);
    o.client.retry.max_backoff = std::chrono::milliseconds(5);
    o.block_size = 4;
    o.upload_concurrency = 1;
    o.append_buffer_limit = limit_;
    auto fs = NewAzureFileSystem(o);
    ASSERT_TRUE(fs.ok()) << fs.status().ToString();
    fs_ = std::move(fs).value();
  }

  // Requests whose target contains `q`.
  std::vector<TestRequest> Seen(std::string_view q) {
    std::lock_guard lock(mu_);
    std::vector<TestRequest> out;
    for (const TestRequest& r : seen_) {
      if (HasQuery(r, q)) out.push_back(r);
    }
    return out;
  }

  std::unique_ptr<fs::File> OpenAppend() {
    fs::OpenOptions o;
    o.read = false;
    o.write = true;
    o.create = true;
    o.append = true;
    auto f = rt_->BlockOn(fs_->Open("/c/log", o));
    EXPECT_TRUE(f.ok()) << f.status().ToString();
    return f.ok() ? std::move(f).value() : nullptr;
  }

  size_t limit_ = 64 << 20;
  std::unique_ptr<Runtime> rt_;
  std::unique_ptr<TestServer> server_;
  std::shared_ptr<fs::FileSystem> fs_;
  std::mutex mu_;
  std::vector<TestRequest> seen_;
};

// An existing 5-byte append blob; Append Block answered by `append`.
TestServer::Handler AppendBlob(std::function<TestResponse()> append) {
  return [append](const TestRequest& req) {
    if (req.method == "HEAD") {
      TestResponse r;
      r.headers = {{"x-ms-blob-type", "AppendBlob"},
                   {"ETag", "\"0x1\""},
                   {"Content-Length", "5"}};
      return r;
    }
    if (HasQuery(req, "comp=appendblock")) return append();
    return Error(400, "Unexpected");
  };
}

TestResponse Created() {
  TestResponse r;
  r.status = 201;
  r.headers = {{"ETag", "\"0x2\""}};
  return r;
}

TEST_F(AzureFsTest, AppendBlobAbortLeavesBlobUntouched) {
  Start(AppendBlob(Created));
  auto f = OpenAppend();
  ASSERT_TRUE(f);
  ASSERT_TRUE(rt_->BlockOn(f->Write(Bytes("abcdef"))).ok());
  ASSERT_TRUE(rt_->BlockOn(f->Write(Bytes("gh"))).ok());
  EXPECT_TRUE(Seen("comp=appendblock").empty());
  EXPECT_TRUE(rt_->BlockOn(f->Abort()).ok());
  EXPECT_TRUE(Seen("comp=appendblock").empty());
}

TEST_F(AzureFsTest, AppendBlobAppendsOnceAtCloseWithPosition) {
  Start(AppendBlob(Created));
  auto f = OpenAppend();
  ASSERT_TRUE(f);
  ASSERT_TRUE(rt_->BlockOn(f->Write(Bytes("abcdef"))).ok());
  ASSERT_TRUE(rt_->BlockOn(f->Write(Bytes("gh"))).ok());
  EXPECT_TRUE(Seen("comp=appendblock").empty());
  ASSERT_TRUE(rt_->BlockOn(f->Close()).ok());
  auto appends = Seen("comp=appendblock");
  ASSERT_EQ(appends.size(), 1u);
  EXPECT_EQ(appends[0].body, "abcdefgh");
  EXPECT_EQ(Header(appends[0], "x-ms-blob-condition-appendpos"), "5");
}

TEST_F(AzureFsTest, AppendPastLimitCannotBeAborted) {
  limit_ = 4;
  Start(AppendBlob(Created));
  auto f = OpenAppend();
  ASSERT_TRUE(f);
  ASSERT_TRUE(rt_->BlockOn(f->Write(Bytes("abcdef"))).ok());
  auto appends = Seen("comp=appendblock");
  ASSERT_EQ(appends.size(), 1u);
  EXPECT_EQ(appends[0].body, "abcd");
  Status st = rt_->BlockOn(f->Abort());
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(st.message()), HasSubstr("cannot be withdrawn"));
  EXPECT_EQ(Seen("comp=appendblock").size(), 1u);
}

TEST_F(AzureFsTest, FailedAppendPoisonsTheFile) {
  limit_ = 4;
  Start(AppendBlob([] { return Error(400, "InvalidInput"); }));
  auto f = OpenAppend();
  ASSERT_TRUE(f);
  Status first = rt_->BlockOn(f->Write(Bytes("abcdef")));
  ASSERT_EQ(first.code(), StatusCode::kInvalidArgument) << first.ToString();
  Status again = rt_->BlockOn(f->Write(Bytes("wxyz")));
  EXPECT_EQ(again.code(), first.code());
  EXPECT_EQ(again.message(), first.message());
  Status close = rt_->BlockOn(f->Close());
  EXPECT_EQ(close.message(), first.message());
  EXPECT_EQ(Seen("comp=appendblock").size(), 1u);  // nothing after the error
}

TEST_F(AzureFsTest, FailedBlockPoisonsTheFile) {
  Start([](const TestRequest& req) {
    if (HasQuery(req, "comp=block&")) return Error(400, "InvalidInput");
    return Created();
  });
  fs::OpenOptions o;
  o.read = false;
  o.write = true;
  o.create = true;
  auto f = rt_->BlockOn(fs_->Open("/c/blob", o));
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  Status first = rt_->BlockOn((*f)->Write(Bytes("abcd")));
  ASSERT_FALSE(first.ok());
  Status again = rt_->BlockOn((*f)->Write(Bytes("efgh")));
  EXPECT_EQ(again.message(), first.message());
  EXPECT_EQ(rt_->BlockOn((*f)->Close()).message(), first.message());
  EXPECT_EQ(Seen("comp=block&").size(), 1u);
  EXPECT_TRUE(Seen("comp=blocklist").empty());
}

TEST_F(AzureFsTest, ListingOutsideThePrefixIsDataLoss) {
  Start([](const TestRequest&) {
    TestResponse r;
    r.body =
        "<EnumerationResults><Blobs><Blob><Name>a</Name><Properties>"
        "<Content-Length>3</Content-Length></Properties></Blob></Blobs>"
        "<NextMarker/></EnumerationResults>";
    return r;
  });
  Status st = rt_->BlockOn(FirstListStatus(fs_.get(), "/c/some/dir"));
  EXPECT_EQ(st.code(), StatusCode::kDataLoss) << st.ToString();
  EXPECT_THAT(std::string(st.message()), HasSubstr("malformed listing"));
  Status rm = rt_->BlockOn(fs_->RemoveDir("/c/some/dir", true));
  EXPECT_EQ(rm.code(), StatusCode::kDataLoss) << rm.ToString();
  std::lock_guard lock(mu_);
  for (const TestRequest& r : seen_) EXPECT_NE(r.method, "DELETE");
}

TEST_F(AzureFsTest, RenamePinsTheSourceEtag) {
  Start([](const TestRequest& req) {
    TestResponse r;
    if (req.method == "HEAD") {
      r.headers = {{"ETag", "\"0xE\""}, {"Content-Length", "3"}};
    } else if (req.method == "PUT") {
      r.status = 202;
      r.headers = {{"x-ms-copy-status", "success"}};
    } else if (req.method == "DELETE") {
      return Error(412, "ConditionNotMet");  // overwritten meanwhile
    }
    return r;
  });
  Status st = rt_->BlockOn(fs_->Rename("/c/a", "/c/b"));
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition) << st.ToString();
  std::lock_guard lock(mu_);
  bool copied = false, deleted = false;
  for (const TestRequest& r : seen_) {
    if (r.method == "PUT") {
      copied = true;
      EXPECT_EQ(Header(r, "x-ms-source-if-match"), "\"0xE\"");
    } else if (r.method == "DELETE") {
      deleted = true;
      EXPECT_EQ(Header(r, "if-match"), "\"0xE\"");
    }
  }
  EXPECT_TRUE(copied);
  EXPECT_TRUE(deleted);
}

}  // namespace
}  // namespace strata::azure
