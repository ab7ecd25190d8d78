// Unit tests: azure::Client against the in-process TestServer — retries,
// the error mapping over HTTP, Append Block splitting, SharedKey vs SAS.
#include "strata/azure/client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

#include "http/testing/test_server.h"
#include "strata/runtime/runtime.h"

namespace strata::azure {
namespace {

using http::testing::TestRequest;
using http::testing::TestResponse;
using http::testing::TestServer;
using ::testing::HasSubstr;
using ::testing::StartsWith;

class AzureClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RuntimeOptions ro;
    ro.io_uring = runtime::IoUringMode::kOff;
    auto rt = Runtime::Create(ro);
    ASSERT_TRUE(rt.ok()) << rt.status().ToString();
    rt_ = std::move(rt).value();
  }

  void Start(TestServer::Handler handler, bool sas = false) {
    auto server = TestServer::Start(std::move(handler));
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
    ClientOptions o;
    o.settings.use_environment = false;
    o.settings.account = "devstoreaccount1";
    if (sas) {
      o.settings.sas_token = "?sv=2021-08-06&sig=abc%2B";
    } else {
      o.settings.key = std::string(kDevAccountKey);
    }
    o.settings.endpoint = server_->url() + "/devstoreaccount1";
    o.retry.max_attempts = 3;
    o.retry.initial_backoff = std::chrono::milliseconds(1);
    o.retry.max_backoff = std::chrono::milliseconds(5);
    auto client = Client::Create(o);
    ASSERT_TRUE(client.ok()) << client.status().ToString();
    client_ = std::move(client).value();
  }

  Result<GetResult> Get(std::string& buf) {
    return rt_->BlockOn(client_->Get(
        "c", "dir/b", std::as_writable_bytes(std::span<char>(buf))));
  }

  std::unique_ptr<Runtime> rt_;
  std::unique_ptr<TestServer> server_;
  std::shared_ptr<Client> client_;
};

TestResponse Error(int status, const char* code) {
  TestResponse r;
  r.status = status;
  r.headers = {{"x-ms-error-code", code}, {"x-ms-request-id", "rid-42"}};
  r.body = std::string("<?xml version=\"1.0\"?><Error><Code>") + code +
           "</Code><Message>nope</Message></Error>";
  return r;
}

TEST_F(AzureClientTest, RetriesServerBusyThenSucceeds) {
  std::atomic<int> calls{0};
  Start([&calls](const TestRequest& req) {
    if (calls++ < 2) return Error(503, "ServerBusy");
    TestResponse r;
    r.headers = {{"ETag", "\"0x1\""}, {"x-ms-blob-type", "BlockBlob"}};
    r.body = req.target;
    return r;
  });
  std::string buf(200, '\0');
  auto r = Get(buf);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(calls.load(), 3);
  EXPECT_EQ(buf.substr(0, r->bytes_read), "/devstoreaccount1/c/dir/b");
  EXPECT_EQ(r->properties.etag, "0x1");
}

TEST_F(AzureClientTest, NeverRetriesClientErrors) {
  std::atomic<int> calls{0};
  Start([&calls](const TestRequest&) {
    ++calls;
    return Error(404, "BlobNotFound");
  });
  std::string buf(10, '\0');
  auto r = Get(buf);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(r.status().retryable());
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("az://c/dir/b"));
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("BlobNotFound"));
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("rid-42"));
  EXPECT_EQ(calls.load(), 1);
}

TEST_F(AzureClientTest, PermanentFailureIsUnavailableAfterBoundedAttempts) {
  std::atomic<int> calls{0};
  Start([&calls](const TestRequest&) {
    ++calls;
    return Error(500, "InternalError");
  });
  std::string buf(10, '\0');
  auto r = Get(buf);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(r.status().retryable());
  EXPECT_EQ(calls.load(), 3);
}

TEST_F(AzureClientTest, SignsWithSharedKey) {
  std::mutex mu;
  std::vector<TestRequest> seen;
  Start([&](const TestRequest& req) {
    std::lock_guard lock(mu);
    seen.push_back(req);
    TestResponse r;
    r.status = 201;
    r.headers = {{"ETag", "\"0x2\""}};
    return r;
  });
  std::string data = "hello";
  PutOptions po;
  po.content_type = "text/plain";
  po.metadata["k"] = "v";
  po.if_none_match = "*";
  auto r = rt_->BlockOn(
      client_->Put("c", "b", std::as_bytes(std::span<char>(data)), po));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->etag, "0x2");
  ASSERT_EQ(seen.size(), 1u);
  const http::Headers& h = seen[0].headers;
  EXPECT_THAT(std::string(*http::FindHeader(h, "authorization")),
              StartsWith("SharedKey devstoreaccount1:"));
  EXPECT_EQ(*http::FindHeader(h, "x-ms-version"), "2021-08-06");
  EXPECT_EQ(*http::FindHeader(h, "x-ms-blob-type"), "BlockBlob");
  EXPECT_EQ(*http::FindHeader(h, "x-ms-meta-k"), "v");
  EXPECT_EQ(*http::FindHeader(h, "if-none-match"), "*");
  EXPECT_EQ(seen[0].body, "hello");
}

TEST_F(AzureClientTest, SasGoesInTheQuery) {
  std::mutex mu;
  std::vector<TestRequest> seen;
  Start(
      [&](const TestRequest& req) {
        std::lock_guard lock(mu);
        seen.push_back(req);
        TestResponse r;
        r.status = 202;
        return r;
      },
      /*sas=*/true);
  ASSERT_TRUE(rt_->BlockOn(client_->Delete("c", "b")).ok());
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].target, "/devstoreaccount1/c/b?sv=2021-08-06&sig=abc%2B");
  EXPECT_FALSE(http::FindHeader(seen[0].headers, "authorization").has_value());
}

TEST_F(AzureClientTest, AppendBlockSplitsIntoFourMiBWithPositions) {
  std::mutex mu;
  std::vector<std::pair<std::string, size_t>> blocks;  // appendpos, size
  Start([&](const TestRequest& req) {
    std::lock_guard lock(mu);
    auto pos = http::FindHeader(req.headers, "x-ms-blob-condition-appendpos");
    blocks.emplace_back(pos ? std::string(*pos) : "", req.body.size());
    TestResponse r;
    r.status = 201;
    return r;
  });
  std::string data(9 << 20, 'a');
  auto r = rt_->BlockOn(client_->AppendBlock(
      "c", "log", std::as_bytes(std::span<char>(data)), uint64_t{100}));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(blocks.size(), 3u);
  EXPECT_EQ(blocks[0], std::make_pair(std::string("100"), size_t{4 << 20}));
  EXPECT_EQ(blocks[1],
            std::make_pair(std::to_string(100 + (4 << 20)), size_t{4 << 20}));
  EXPECT_EQ(blocks[2],
            std::make_pair(std::to_string(100 + (8 << 20)), size_t{1 << 20}));
}

TEST_F(AzureClientTest, ListParsesAndPassesMarker) {
  std::mutex mu;
  std::vector<std::string> targets;
  Start([&](const TestRequest& req) {
    std::lock_guard lock(mu);
    targets.push_back(req.target);
    TestResponse r;
    r.body =
        "<EnumerationResults><Blobs><Blob><Name>p/x</Name><Properties>"
        "<Content-Length>3</Content-Length></Properties></Blob>"
        "<BlobPrefix><Name>p/y/</Name></BlobPrefix></Blobs>"
        "<NextMarker>m2</NextMarker></EnumerationResults>";
    return r;
  });
  ListOptions lo;
  lo.prefix = "p/";
  lo.delimiter = "/";
  lo.marker = "m1";
  lo.max_results = 2;
  auto r = rt_->BlockOn(client_->List("c", lo));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->blobs.size(), 1u);
  EXPECT_EQ(r->blobs[0].size, 3u);
  EXPECT_EQ(r->prefixes, std::vector<std::string>{"p/y/"});
  EXPECT_EQ(r->next_marker, "m2");
  ASSERT_EQ(targets.size(), 1u);
  EXPECT_EQ(targets[0],
            "/devstoreaccount1/c?restype=container&comp=list&prefix=p%2F&"
            "delimiter=%2F&marker=m1&maxresults=2");
}

// A conditional Put whose response is lost (500 after the write happened) is
// retried, gets 409, and is resolved by the write id in the properties.
TEST_F(AzureClientTest, LostConditionalPutResolvedByWriteId) {
  std::mutex mu;
  std::string stored_id;
  int puts = 0, heads = 0;
  Start([&](const TestRequest& req) {
    std::lock_guard lock(mu);
    if (req.method == "HEAD") {
      ++heads;
      TestResponse r;
      r.headers = {{"ETag", "\"0x9\""},
                   {"x-ms-meta-strata_write_id", stored_id}};
      return r;
    }
    if (puts++ == 0) {
      auto id = http::FindHeader(req.headers, "x-ms-meta-strata_write_id");
      stored_id = id ? std::string(*id) : "";
      return Error(500, "InternalError");  // committed, answer lost
    }
    return Error(409, "BlobAlreadyExists");
  });
  PutOptions po;
  po.if_none_match = "*";
  po.metadata["strata_write_id"] = "forged";  // reserved: replaced
  auto r = rt_->BlockOn(client_->Put("c", "b", {}, po));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->etag, "0x9");
  EXPECT_EQ(stored_id.size(), 32u);
  EXPECT_NE(stored_id, "forged");
  EXPECT_EQ(puts, 2);
  EXPECT_EQ(heads, 1);
}

TEST_F(AzureClientTest, ConditionalPutLostToAnotherWriterStaysAnError) {
  std::mutex mu;
  int puts = 0, heads = 0;
  Start([&](const TestRequest& req) {
    std::lock_guard lock(mu);
    if (req.method == "HEAD") {
      ++heads;
      TestResponse r;
      r.headers = {{"ETag", "\"0x9\""},
                   {"x-ms-meta-strata_write_id", "someone-else"}};
      return r;
    }
    if (puts++ == 0) return Error(503, "ServerBusy");
    return Error(412, "ConditionNotMet");
  });
  PutOptions po;
  po.if_match = "0x1";
  std::vector<BlockRef> blocks(1);
  blocks[0].id = BlockId(1, 0);
  auto r = rt_->BlockOn(client_->PutBlockList("c", "b", blocks, po));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(heads, 1);
}

TEST_F(AzureClientTest, ConditionFailureWithoutUncertaintyIsNotResolved) {
  std::atomic<int> heads{0};
  Start([&](const TestRequest& req) {
    if (req.method == "HEAD") ++heads;
    return Error(409, "BlobAlreadyExists");
  });
  PutOptions po;
  po.if_none_match = "*";
  auto r = rt_->BlockOn(client_->Put("c", "b", {}, po));
  EXPECT_EQ(r.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(heads.load(), 0);
}

// An Append Block that landed but whose answer was lost is retried with the
// same position, fails AppendPositionConditionNotMet, and is resolved by the
// blob size: success, and the block is not appended twice.
TEST_F(AzureClientTest, LostAppendBlockResolvedBySize) {
  std::mutex mu;
  std::vector<std::string> positions;
  uint64_t size = 10;
  Start([&](const TestRequest& req) {
    std::lock_guard lock(mu);
    TestResponse r;
    if (req.method == "HEAD") {
      r.headers = {{"ETag", "\"0x3\""},
                   {"x-ms-blob-type", "AppendBlob"},
                   {"Content-Length", std::to_string(size)}};
      return r;
    }
    auto pos = http::FindHeader(req.headers, "x-ms-blob-condition-appendpos");
    positions.push_back(pos ? std::string(*pos) : "");
    if (positions.size() == 1) {
      size += req.body.size();
      return Error(500, "InternalError");
    }
    return Error(412, "AppendPositionConditionNotMet");
  });
  std::string data = "hello";
  // No position given: the client reads the size (10) first.
  auto r = rt_->BlockOn(
      client_->AppendBlock("c", "log", std::as_bytes(std::span<char>(data))));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(positions, (std::vector<std::string>{"10", "10"}));
  EXPECT_EQ(size, 15u);
}

}  // namespace
}  // namespace strata::azure
