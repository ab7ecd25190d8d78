// s3::Client against the in-process TestServer: retries (what is retried,
// how often), request building (URLs, headers, bodies) and response parsing.
#include "strata/s3/client.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

#include "http/testing/test_server.h"
#include "strata/runtime/runtime.h"
#include "strata/stream/hash.h"

namespace strata::s3 {
namespace {

using http::testing::TestRequest;
using http::testing::TestResponse;
using http::testing::TestServer;
using ::testing::HasSubstr;

std::string ErrorXml(std::string_view code) {
  std::string doc = "<?xml version=\"1.0\"?><Error><Code>";
  doc += code;
  doc += "</Code><Message>m</Message><RequestId>r</RequestId></Error>";
  return doc;
}

std::string_view Header(const TestRequest& r, std::string_view name) {
  auto v = http::FindHeader(r.headers, name);
  return v ? *v : std::string_view("<absent>");
}

std::span<const std::byte> Bytes(std::string_view s) {
  return std::as_bytes(std::span(s.data(), s.size()));
}

class ClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RuntimeOptions ro;
    auto rt = Runtime::Create(ro);
    ASSERT_TRUE(rt.ok()) << rt.status().ToString();
    rt_ = std::move(rt).value();
  }

  // Starts a server answering with `handler`, recording every request.
  void Serve(std::function<TestResponse(const TestRequest&)> handler) {
    auto server = TestServer::Start([this, handler](const TestRequest& r) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        seen_.push_back(r);
      }
      return handler(r);
    });
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
  }

  std::shared_ptr<Client> NewClient(Flavor flavor = Flavor::kGeneric) {
    ClientOptions o;
    o.endpoint = server_->url();
    o.region = "us-east-1";
    o.flavor = flavor;
    o.path_style = true;
    Credentials creds;
    creds.access_key_id = "AKID";
    creds.secret_access_key = "secret";
    o.credentials = creds;
    o.retry.initial_backoff = std::chrono::milliseconds(1);
    o.retry.max_backoff = std::chrono::milliseconds(5);
    o.retry.max_attempts = 4;
    o.checksum = checksum_;
    o.chain.env = [](std::string_view) -> std::optional<std::string> {
      return std::nullopt;
    };
    auto c = Client::Create(o);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? *c : nullptr;
  }

  std::vector<TestRequest> Seen() {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }

  std::unique_ptr<Runtime> rt_;
  std::unique_ptr<TestServer> server_;
  std::mutex mu_;
  std::vector<TestRequest> seen_;
  ChecksumAlgorithm checksum_ = ChecksumAlgorithm::kNone;
};

TEST_F(ClientTest, SlowDownTwiceThenSuccess) {
  std::atomic<int> n{0};
  Serve([&](const TestRequest&) {
    TestResponse r;
    if (n++ < 2) {
      r.status = 503;
      r.body = ErrorXml("SlowDown");
    } else {
      r.headers = {{"ETag", "\"abc\""}};
    }
    return r;
  });
  auto client = NewClient();
  auto put = rt_->BlockOn(client->Put("b", "k", Bytes("hello")));
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ(put->etag, "abc");
  auto seen = Seen();
  ASSERT_EQ(seen.size(), 3u);
  for (const auto& r : seen) EXPECT_EQ(r.body, "hello");  // body resent
  // Each attempt is signed afresh.
  EXPECT_THAT(std::string(Header(seen[2], "authorization")),
              HasSubstr("AWS4-HMAC-SHA256 Credential=AKID/"));
}

TEST_F(ClientTest, NotFoundIsNotRetried) {
  Serve([](const TestRequest&) {
    TestResponse r;
    r.status = 404;
    r.body = ErrorXml("NoSuchKey");
    return r;
  });
  auto client = NewClient();
  std::string buf(10, '\0');
  auto get = rt_->BlockOn(client->Get(
      "b", "dir/k", std::as_writable_bytes(std::span(buf.data(), buf.size()))));
  ASSERT_FALSE(get.ok());
  EXPECT_EQ(get.status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(get.status().retryable());
  EXPECT_EQ(get.status().message(),
            "GET s3://b/dir/k: NoSuchKey: m (request id r)");
  EXPECT_EQ(Seen().size(), 1u);
}

TEST_F(ClientTest, ForbiddenIsNotRetried) {
  Serve([](const TestRequest&) {
    TestResponse r;
    r.status = 403;  // HEAD: no body
    return r;
  });
  auto client = NewClient();
  auto head = rt_->BlockOn(client->Head("b", "k"));
  ASSERT_FALSE(head.ok());
  EXPECT_EQ(head.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(Seen().size(), 1u);
}

TEST_F(ClientTest, GivesUpAfterMaxAttempts) {
  Serve([](const TestRequest&) {
    TestResponse r;
    r.status = 500;
    r.body = ErrorXml("InternalError");
    return r;
  });
  auto client = NewClient();
  Status st = rt_->BlockOn(client->Delete("b", "k"));
  EXPECT_EQ(st.code(), StatusCode::kUnavailable);
  EXPECT_TRUE(st.retryable());
  EXPECT_THAT(std::string(st.message()), HasSubstr("(after 4 attempts)"));
  EXPECT_EQ(Seen().size(), 4u);
}

TEST_F(ClientTest, PutHeaders) {
  Serve([](const TestRequest&) { return TestResponse(); });
  checksum_ = ChecksumAlgorithm::kCrc32c;
  auto client = NewClient();
  PutOptions po;
  po.content_type = "text/plain";
  po.metadata = {{"color", "blue"}};
  po.if_match = "\"etag-1\"";
  auto put = rt_->BlockOn(
      client->Put("b", "dir/a b+c\xC3\xA9", Bytes("123456789"), po));
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  auto seen = Seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "PUT");
  EXPECT_EQ(seen[0].target, "/b/dir/a%20b%2Bc%C3%A9");
  EXPECT_EQ(Header(seen[0], "if-match"), "etag-1");  // unquoted
  EXPECT_EQ(Header(seen[0], "content-type"), "text/plain");
  EXPECT_EQ(Header(seen[0], "x-amz-meta-color"), "blue");
  // crc32c("123456789") = e3069283.
  EXPECT_EQ(Header(seen[0], "x-amz-checksum-crc32c"), "4waSgw==");
  EXPECT_EQ(Header(seen[0], "x-amz-sdk-checksum-algorithm"), "CRC32C");
  EXPECT_EQ(Header(seen[0], "x-amz-content-sha256"), "UNSIGNED-PAYLOAD");

  PutOptions create;
  create.if_none_match = "*";
  ASSERT_TRUE(rt_->BlockOn(client->Put("b", "k", Bytes("x"), create)).ok());
  EXPECT_EQ(Header(Seen()[1], "if-none-match"), "*");
}

TEST_F(ClientTest, RangedGetAndHeadParsing) {
  Serve([](const TestRequest& req) {
    TestResponse r;
    if (req.method == "HEAD") {
      r.headers = {{"Content-Length", "100"},
                   {"ETag", "\"e1\""},
                   {"Last-Modified", "Sun, 06 Nov 1994 08:49:37 GMT"},
                   {"Content-Type", "text/csv"},
                   {"x-amz-meta-Owner", "me"},
                   {"x-amz-version-id", "v7"},
                   {"x-amz-storage-class", "STANDARD_IA"}};
      return r;
    }
    r.status = 206;
    r.headers = {{"Content-Range", "bytes 5-9/100"}, {"ETag", "\"e1\""}};
    r.body = "56789";
    return r;
  });
  auto client = NewClient();
  std::string buf(16, '\0');
  GetOptions go;
  go.offset = 5;
  go.length = 5;
  auto get = rt_->BlockOn(client->Get(
      "b", "k", std::as_writable_bytes(std::span(buf.data(), buf.size())), go));
  ASSERT_TRUE(get.ok()) << get.status().ToString();
  EXPECT_EQ(get->bytes_read, 5u);
  EXPECT_EQ(get->object_size, 100u);
  EXPECT_EQ(buf.substr(0, 5), "56789");
  EXPECT_EQ(Header(Seen()[0], "range"), "bytes=5-9");

  GetOptions suffix;
  suffix.suffix_length = 3;
  (void)rt_->BlockOn(client->Get(
      "b", "k", std::as_writable_bytes(std::span(buf.data(), buf.size())),
      suffix));
  EXPECT_EQ(Header(Seen()[1], "range"), "bytes=-3");

  auto head = rt_->BlockOn(client->Head("b", "k"));
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->size, 100u);
  EXPECT_EQ(head->etag, "e1");
  EXPECT_EQ(head->content_type, "text/csv");
  EXPECT_EQ(head->metadata.at("owner"), "me");
  EXPECT_EQ(head->version_id, "v7");
  EXPECT_EQ(head->storage_class, "STANDARD_IA");
  EXPECT_EQ(std::chrono::system_clock::to_time_t(head->last_modified),
            784111777);
}

TEST_F(ClientTest, VerifiesFullObjectChecksum) {
  Serve([](const TestRequest&) {
    TestResponse r;
    r.headers = {{"x-amz-checksum-crc32c", "AAAAAA=="}};
    r.body = "123456789";
    return r;
  });
  auto client = NewClient();
  std::string buf(16, '\0');
  GetOptions go;
  go.verify_checksum = true;
  auto get = rt_->BlockOn(client->Get(
      "b", "k", std::as_writable_bytes(std::span(buf.data(), buf.size())), go));
  ASSERT_FALSE(get.ok());
  EXPECT_EQ(get.status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(Header(Seen()[0], "x-amz-checksum-mode"), "ENABLED");
}

TEST_F(ClientTest, DeleteManyBatchesWithContentMd5) {
  Serve([](const TestRequest& req) {
    TestResponse r;
    r.body = "<DeleteResult></DeleteResult>";
    if (req.body.find("<Key>bad</Key>") != std::string::npos) {
      r.body =
          "<DeleteResult><Error><Key>bad</Key><Code>AccessDenied</Code>"
          "<Message>no</Message></Error></DeleteResult>";
    }
    return r;
  });
  auto client = NewClient();
  std::vector<std::string> keys;
  for (int i = 0; i < 1500; ++i) keys.push_back(fmt::format("k{}", i));
  ASSERT_TRUE(rt_->BlockOn(client->DeleteMany("b", keys)).ok());
  auto seen = Seen();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].target, "/b?delete=");
  EXPECT_THAT(seen[0].body, HasSubstr("<Quiet>true</Quiet>"));
  EXPECT_THAT(seen[0].body, HasSubstr("<Key>k999</Key>"));
  EXPECT_THAT(seen[1].body, HasSubstr("<Key>k1000</Key>"));
  auto md5 =
      stream::HashBytes(stream::HashAlgorithm::kMd5, Bytes(seen[1].body));
  EXPECT_EQ(Header(seen[1], "content-md5"), stream::ToBase64(md5));

  Status st = rt_->BlockOn(client->DeleteMany("b", {"ok", "bad"}));
  EXPECT_EQ(st.code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(st.message()), HasSubstr("s3://b/bad"));
}

TEST_F(ClientTest, GcsDeletesOneByOne) {
  Serve([](const TestRequest& req) {
    TestResponse r;
    r.status = req.target == "/b/missing" ? 404 : 204;
    return r;
  });
  auto client = NewClient(Flavor::kGcs);
  ASSERT_TRUE(
      rt_->BlockOn(client->DeleteMany("b", {"x", "missing", "y"})).ok());
  auto seen = Seen();
  ASSERT_EQ(seen.size(), 3u);
  for (const auto& r : seen) EXPECT_EQ(r.method, "DELETE");
}

TEST_F(ClientTest, GcsHeaders) {
  Serve([](const TestRequest&) { return TestResponse(); });
  checksum_ = ChecksumAlgorithm::kCrc32c;
  auto client = NewClient(Flavor::kGcs);
  PutOptions po;
  po.metadata = {{"color", "blue"}};
  po.if_none_match = "*";
  ASSERT_TRUE(rt_->BlockOn(client->Put("b", "k", Bytes("123456789"), po)).ok());
  auto seen = Seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(Header(seen[0], "x-goog-meta-color"), "blue");
  EXPECT_EQ(Header(seen[0], "x-goog-if-generation-match"), "0");
  EXPECT_EQ(Header(seen[0], "x-goog-hash"), "crc32c=4waSgw==");
  EXPECT_EQ(Header(seen[0], "x-amz-checksum-crc32c"), "<absent>");
  PutOptions cas;
  cas.if_match = "e";
  EXPECT_EQ(
      rt_->BlockOn(client->Put("b", "k", Bytes("x"), cas)).status().code(),
      StatusCode::kUnimplemented);
  EXPECT_EQ(rt_->BlockOn(client->UploadPartCopy("b", "k", "u", 1, "s", "t",
                                                std::nullopt, std::nullopt))
                .status()
                .code(),
            StatusCode::kUnimplemented);
  EXPECT_EQ(Seen().size(), 1u);
  EXPECT_EQ(client->region(), "us-east-1");  // explicit region wins
}

TEST_F(ClientTest, CopyErrorInside200IsRetried) {
  std::atomic<int> copies{0};
  Serve([&](const TestRequest& req) {
    TestResponse r;
    if (req.method == "HEAD") {
      r.headers = {{"Content-Length", "10"}, {"ETag", "\"s\""}};
    } else if (copies++ == 0) {
      r.body = ErrorXml("InternalError");
    } else {
      r.body = "<CopyObjectResult><ETag>\"d\"</ETag></CopyObjectResult>";
    }
    return r;
  });
  auto client = NewClient();
  auto copy = rt_->BlockOn(client->Copy("sb", "a b/c", "db", "d"));
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  EXPECT_EQ(copy->etag, "d");
  auto seen = Seen();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(Header(seen[1], "x-amz-copy-source"), "sb/a%20b/c");
  EXPECT_EQ(Header(seen[1], "x-amz-metadata-directive"), "COPY");
}

TEST_F(ClientTest, ListQuery) {
  Serve([](const TestRequest&) {
    TestResponse r;
    r.body =
        "<ListBucketResult><EncodingType>url</EncodingType><IsTruncated>false"
        "</IsTruncated><Contents><Key>a%2Bb+c</Key><Size>3</Size></Contents>"
        "</ListBucketResult>";
    return r;
  });
  auto client = NewClient();
  ListOptions lo;
  lo.prefix = "dir/";
  lo.delimiter = "/";
  lo.max_keys = 7;
  lo.continuation_token = "t+/=";
  auto list = rt_->BlockOn(client->List("b", lo));
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->objects.size(), 1u);
  EXPECT_EQ(list->objects[0].key, "a+b c");
  EXPECT_EQ(Seen()[0].target,
            "/b?list-type=2&continuation-token=t%2B%2F%3D&delimiter=%2F&"
            "encoding-type=url&max-keys=7&prefix=dir%2F");
}

TEST_F(ClientTest, MultipartRequests) {
  Serve([](const TestRequest& req) {
    TestResponse r;
    if (req.method == "POST" &&
        req.target.find("uploads") != std::string::npos) {
      r.body =
          "<InitiateMultipartUploadResult><UploadId>U+1</UploadId>"
          "</InitiateMultipartUploadResult>";
    } else if (req.method == "PUT") {
      r.headers = {{"ETag", "\"p\""}};
      if (http::FindHeader(req.headers, "x-amz-copy-source")) {
        r.body = "<CopyPartResult><ETag>\"c\"</ETag></CopyPartResult>";
      }
    } else if (req.method == "POST") {
      r.body =
          "<CompleteMultipartUploadResult><ETag>\"f-2\"</ETag>"
          "</CompleteMultipartUploadResult>";
    }
    return r;
  });
  auto client = NewClient();
  auto id = rt_->BlockOn(client->CreateMultipartUpload("b", "k"));
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(*id, "U+1");
  auto p1 = rt_->BlockOn(client->UploadPart("b", "k", *id, 1, Bytes("x")));
  ASSERT_TRUE(p1.ok());
  EXPECT_EQ(p1->etag, "p");
  auto p2 = rt_->BlockOn(client->UploadPartCopy("b", "k", *id, 2, "s", "src",
                                                uint64_t{10}, uint64_t{5}));
  ASSERT_TRUE(p2.ok()) << p2.status().ToString();
  EXPECT_EQ(p2->etag, "c");
  PutOptions cond;
  cond.if_none_match = "*";
  auto done = rt_->BlockOn(
      client->CompleteMultipartUpload("b", "k", *id, {*p2, *p1}, cond));
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->etag, "f-2");
  auto seen = Seen();
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[0].target, "/b/k?uploads=");
  EXPECT_EQ(seen[1].target, "/b/k?partNumber=1&uploadId=U%2B1");
  EXPECT_EQ(Header(seen[2], "x-amz-copy-source-range"), "bytes=10-14");
  EXPECT_EQ(seen[3].target, "/b/k?uploadId=U%2B1");
  EXPECT_EQ(Header(seen[3], "if-none-match"), "*");
  EXPECT_LT(seen[3].body.find("<PartNumber>1</PartNumber>"),
            seen[3].body.find("<PartNumber>2</PartNumber>"));
}

TEST_F(ClientTest, PresignAndObjectUrl) {
  Serve([](const TestRequest&) { return TestResponse(); });
  auto client = NewClient();
  EXPECT_EQ(client->ObjectUrl("b", "a b"), server_->url() + "/b/a%20b");
  auto url =
      rt_->BlockOn(client->Presign("GET", "b", "k", std::chrono::seconds(60)));
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_THAT(*url, HasSubstr("X-Amz-Signature="));
  EXPECT_EQ(rt_->BlockOn(client->Presign("DELETE", "b", "k",
                                         std::chrono::seconds(60)))
                .status()
                .code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace strata::s3
