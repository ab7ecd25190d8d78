// s3::Client against radosgw (STRATA_TEST_S3_*; path-style): every
// operation, conditional writes, ranges, multipart (complete, abort,
// UploadPartCopy splice, multipart copy), batched deletes, paginated
// listings, presigned URLs, metadata, checksums and SSE behaviour.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "server_env.h"
#include "strata/core/when_all.h"
#include "strata/runtime/runtime.h"
#include "strata/s3/client.h"
#include "strata/s3/sigv4.h"
#include "strata/stream/hash.h"

namespace strata::s3 {
namespace {

using ::testing::HasSubstr;

std::span<const std::byte> Bytes(std::string_view s) {
  return std::as_bytes(std::span(s.data(), s.size()));
}

std::string Pattern(size_t n, uint32_t seed) {
  std::string s(n, '\0');
  uint32_t x = seed * 2654435761u + 1;
  for (char& c : s) {
    x = x * 1664525u + 1013904223u;
    c = static_cast<char>(x >> 24);
  }
  return s;
}

class S3ClientIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = integration::FindS3Server();
    STRATA_REQUIRE_SERVER(server, "STRATA_TEST_S3_ENDPOINT (radosgw)");
    server_ = *server;
    auto rt = Runtime::Create(RuntimeOptions());
    ASSERT_TRUE(rt.ok()) << rt.status().ToString();
    rt_ = std::move(rt).value();
    client_ = MakeClient(ClientOptions());
    ASSERT_NE(client_, nullptr);
    bucket_ = integration::UniqueName("s3client");
    Status st = rt_->BlockOn(client_->CreateBucket(bucket_));
    ASSERT_TRUE(st.ok()) << st.ToString();
  }

  void TearDown() override {
    if (!client_ || bucket_.empty()) return;
    std::vector<std::string> keys;
    ListOptions lo;
    for (;;) {
      auto page = rt_->BlockOn(client_->List(bucket_, lo));
      if (!page.ok()) break;
      for (auto& o : page->objects) keys.push_back(o.key);
      if (!page->truncated) break;
      lo.continuation_token = page->next_continuation_token;
    }
    EXPECT_TRUE(rt_->BlockOn(client_->DeleteMany(bucket_, keys)).ok());
    EXPECT_TRUE(rt_->BlockOn(client_->DeleteBucket(bucket_)).ok());
  }

  std::shared_ptr<Client> MakeClient(ClientOptions o) {
    o.endpoint = server_.endpoint;
    o.region = server_.region;
    o.path_style = true;
    Credentials c;
    c.access_key_id = server_.access_key;
    c.secret_access_key = server_.secret_key;
    o.credentials = c;
    auto client = Client::Create(o);
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    return client.ok() ? *client : nullptr;
  }

  Result<PutResult> Put(const std::string& key, std::string_view data,
                        PutOptions po = {}) {
    return rt_->BlockOn(client_->Put(bucket_, key, Bytes(data), po));
  }

  Result<std::string> Get(const std::string& key, GetOptions go = {},
                          size_t cap = 32 << 20) {
    std::string buf(cap, '\0');
    auto r = rt_->BlockOn(client_->Get(
        bucket_, key, std::as_writable_bytes(std::span(buf.data(), cap)), go));
    if (!r.ok()) return r.status();
    buf.resize(r->bytes_read);
    return buf;
  }

  integration::S3Server server_;
  std::unique_ptr<Runtime> rt_;
  std::shared_ptr<Client> client_;
  std::string bucket_;
};

TEST_F(S3ClientIntegrationTest, PutGetHeadWithMetadataAndRanges) {
  PutOptions po;
  po.content_type = "text/x-strata";
  po.metadata = {{"color", "blue"}, {"owner", "me"}};
  auto put = Put("dir/a b+c\xC3\xA9.txt", "0123456789", po);
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_FALSE(put->etag.empty());
  auto head = rt_->BlockOn(client_->Head(bucket_, "dir/a b+c\xC3\xA9.txt"));
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->size, 10u);
  EXPECT_EQ(head->etag, put->etag);
  EXPECT_EQ(head->content_type, "text/x-strata");
  EXPECT_EQ(head->metadata["color"], "blue");
  EXPECT_EQ(head->metadata["owner"], "me");
  EXPECT_GT(head->last_modified.time_since_epoch().count(), 0);
  EXPECT_EQ(*Get("dir/a b+c\xC3\xA9.txt"), "0123456789");

  GetOptions range;
  range.offset = 2;
  range.length = 3;
  std::string buf(16, '\0');
  auto r = rt_->BlockOn(client_->Get(
      bucket_, "dir/a b+c\xC3\xA9.txt",
      std::as_writable_bytes(std::span(buf.data(), buf.size())), range));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(buf.substr(0, r->bytes_read), "234");
  EXPECT_EQ(r->object_size, 10u);
  GetOptions suffix;
  suffix.suffix_length = 4;
  EXPECT_EQ(*Get("dir/a b+c\xC3\xA9.txt", suffix), "6789");
  GetOptions tail;
  tail.offset = 7;
  EXPECT_EQ(*Get("dir/a b+c\xC3\xA9.txt", tail), "789");
  GetOptions past;
  past.offset = 100;
  EXPECT_EQ(Get("dir/a b+c\xC3\xA9.txt", past).status().code(),
            StatusCode::kOutOfRange);

  auto stream =
      rt_->BlockOn(client_->GetStream(bucket_, "dir/a b+c\xC3\xA9.txt"));
  ASSERT_TRUE(stream.ok()) << stream.status().ToString();
  auto all = rt_->BlockOn((*stream)->ReadAll());
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(*all, "0123456789");
}

TEST_F(S3ClientIntegrationTest, ErrorsAreMapped) {
  auto missing = Get("nope");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.status().message()),
              HasSubstr("s3://" + bucket_ + "/nope"));
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("NoSuchKey"));
  EXPECT_EQ(rt_->BlockOn(client_->Head(bucket_, "nope")).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(rt_->BlockOn(client_->HeadBucket(bucket_ + "-missing")).code(),
            StatusCode::kNotFound);
  EXPECT_TRUE(rt_->BlockOn(client_->HeadBucket(bucket_)).ok());
  Status again = rt_->BlockOn(client_->CreateBucket(bucket_));
  // radosgw answers BucketAlreadyExists or (same owner) success.
  EXPECT_TRUE(again.ok() || again.code() == StatusCode::kAlreadyExists)
      << again.ToString();
  ASSERT_TRUE(Put("k", "x").ok());
  EXPECT_EQ(rt_->BlockOn(client_->DeleteBucket(bucket_)).code(),
            StatusCode::kFailedPrecondition);

  ClientOptions o;
  o.endpoint = server_.endpoint;
  o.path_style = true;
  Credentials c;
  c.access_key_id = server_.access_key;
  c.secret_access_key = "wrong-secret";
  o.credentials = c;
  auto forged = Client::Create(o);
  ASSERT_TRUE(forged.ok());
  auto denied = rt_->BlockOn((*forged)->Head(bucket_, "k"));
  EXPECT_EQ(denied.status().code(), StatusCode::kPermissionDenied);
}

TEST_F(S3ClientIntegrationTest, ConditionalWrites) {
  PutOptions create;
  create.if_none_match = "*";
  auto first = Put("cas", "v1", create);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto second = Put("cas", "v2", create);
  EXPECT_EQ(second.status().code(), StatusCode::kFailedPrecondition)
      << second.status().ToString();
  EXPECT_EQ(*Get("cas"), "v1");

  PutOptions cas;
  cas.if_match = first->etag;
  auto swapped = Put("cas", "v3", cas);
  ASSERT_TRUE(swapped.ok()) << swapped.status().ToString();
  auto stale = Put("cas", "v4", cas);  // first's etag is gone now
  EXPECT_EQ(stale.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(*Get("cas"), "v3");

  GetOptions match;
  match.if_match = swapped->etag;
  EXPECT_EQ(*Get("cas", match), "v3");
  match.if_match = first->etag;
  EXPECT_EQ(Get("cas", match).status().code(), StatusCode::kFailedPrecondition);
  GetOptions none;
  none.if_none_match = swapped->etag;
  EXPECT_EQ(Get("cas", none).status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(S3ClientIntegrationTest, MultipartCompleteAndAbort) {
  std::string p1 = Pattern(5 << 20, 1), p2 = Pattern(5 << 20, 2),
              p3 = Pattern(1000, 3);
  auto id = rt_->BlockOn(client_->CreateMultipartUpload(bucket_, "mp/obj"));
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  std::vector<CompletedPart> parts;
  int n = 1;
  for (const std::string* p : {&p1, &p2, &p3}) {
    auto part = rt_->BlockOn(
        client_->UploadPart(bucket_, "mp/obj", *id, n++, Bytes(*p)));
    ASSERT_TRUE(part.ok()) << part.status().ToString();
    parts.push_back(*part);
  }
  auto done = rt_->BlockOn(
      client_->CompleteMultipartUpload(bucket_, "mp/obj", *id, parts));
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_THAT(done->etag, HasSubstr("-3"));
  auto got = Get("mp/obj");
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(*got == p1 + p2 + p3);

  auto id2 =
      rt_->BlockOn(client_->CreateMultipartUpload(bucket_, "mp/aborted"));
  ASSERT_TRUE(id2.ok());
  ASSERT_TRUE(rt_->BlockOn(client_->UploadPart(bucket_, "mp/aborted", *id2, 1,
                                               Bytes(p3)))
                  .ok());
  ASSERT_TRUE(
      rt_->BlockOn(client_->AbortMultipartUpload(bucket_, "mp/aborted", *id2))
          .ok());
  ListOptions lo;
  lo.prefix = "mp/aborted";
  auto list = rt_->BlockOn(client_->List(bucket_, lo));
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->objects.empty());
  // Completing an aborted upload fails (AWS: NoSuchUpload → kNotFound;
  // radosgw 16: 500 "multipart completion is already in progress").
  EXPECT_FALSE(rt_->BlockOn(client_->CompleteMultipartUpload(
                                bucket_, "mp/aborted", *id2, parts))
                   .ok());
}

// The client resolves a lost conditional PUT / Complete by comparing the
// object's ETag with these formulas: check that radosgw computes them so.
TEST_F(S3ClientIntegrationTest, EtagsAreContentMd5s) {
  using stream::HashAlgorithm;
  std::string body = Pattern(5 << 20, 7), tail = Pattern(100, 8);
  PutOptions create;
  create.if_none_match = "*";
  auto put = rt_->BlockOn(client_->Put(bucket_, "md5", Bytes(body), create));
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ(put->etag,
            stream::ToHex(stream::HashBytes(HashAlgorithm::kMd5, Bytes(body))));
  auto id = rt_->BlockOn(client_->CreateMultipartUpload(bucket_, "mp-md5"));
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  std::vector<CompletedPart> parts;
  std::vector<std::byte> md5s;
  int n = 1;
  for (const std::string* p : {&body, &tail}) {
    auto part = rt_->BlockOn(
        client_->UploadPart(bucket_, "mp-md5", *id, n++, Bytes(*p)));
    ASSERT_TRUE(part.ok()) << part.status().ToString();
    parts.push_back(*part);
    auto d = stream::HashBytes(HashAlgorithm::kMd5, Bytes(*p));
    md5s.insert(md5s.end(), d.begin(), d.end());
  }
  auto done = rt_->BlockOn(
      client_->CompleteMultipartUpload(bucket_, "mp-md5", *id, parts));
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->etag,
            stream::ToHex(stream::HashBytes(HashAlgorithm::kMd5, md5s)) + "-2");
}

TEST_F(S3ClientIntegrationTest, CopyWithSourceIfMatch) {
  ASSERT_TRUE(Put("cond-src", "abc").ok());
  auto src = rt_->BlockOn(client_->Head(bucket_, "cond-src"));
  ASSERT_TRUE(src.ok()) << src.status().ToString();
  PutOptions o;
  o.src_if_match = src->etag;
  auto copied =
      rt_->BlockOn(client_->Copy(bucket_, "cond-src", bucket_, "cond-dst", o));
  ASSERT_TRUE(copied.ok()) << copied.status().ToString();
  o.src_if_match = "0123456789abcdef0123456789abcdef";
  auto stale =
      rt_->BlockOn(client_->Copy(bucket_, "cond-src", bucket_, "cond-dst", o));
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.status().code(), StatusCode::kFailedPrecondition)
      << stale.status().ToString();
}

TEST_F(S3ClientIntegrationTest, UploadPartCopySplice) {
  std::string head = Pattern(6 << 20, 4), tail = Pattern(4096, 5);
  ASSERT_TRUE(Put("splice", head).ok());
  auto src = rt_->BlockOn(client_->Head(bucket_, "splice"));
  ASSERT_TRUE(src.ok());
  auto id = rt_->BlockOn(client_->CreateMultipartUpload(bucket_, "splice"));
  ASSERT_TRUE(id.ok());
  auto p1 = rt_->BlockOn(
      client_->UploadPartCopy(bucket_, "splice", *id, 1, bucket_, "splice",
                              std::nullopt, std::nullopt, src->etag));
  ASSERT_TRUE(p1.ok()) << p1.status().ToString();
  auto p2 =
      rt_->BlockOn(client_->UploadPart(bucket_, "splice", *id, 2, Bytes(tail)));
  ASSERT_TRUE(p2.ok());
  auto done = rt_->BlockOn(
      client_->CompleteMultipartUpload(bucket_, "splice", *id, {*p1, *p2}));
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  auto got = Get("splice");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->size(), head.size() + tail.size());
  EXPECT_TRUE(*got == head + tail);
  // A ranged part copy with a stale source etag: AWS fails the precondition;
  // radosgw 16 does not check x-amz-copy-source-if-match on UploadPartCopy.
  auto id2 = rt_->BlockOn(client_->CreateMultipartUpload(bucket_, "x"));
  ASSERT_TRUE(id2.ok());
  auto stale = rt_->BlockOn(
      client_->UploadPartCopy(bucket_, "x", *id2, 1, bucket_, "splice",
                              uint64_t{0}, uint64_t{100}, src->etag));
  if (stale.ok()) {
    std::printf("[ note ] radosgw ignored x-amz-copy-source-if-match\n");
  } else {
    EXPECT_EQ(stale.status().code(), StatusCode::kFailedPrecondition)
        << stale.status().ToString();
  }
  EXPECT_TRUE(
      rt_->BlockOn(client_->AbortMultipartUpload(bucket_, "x", *id2)).ok());
}

TEST_F(S3ClientIntegrationTest, CopySmallAndMultipart) {
  PutOptions po;
  po.content_type = "application/x-test";
  po.metadata = {{"k", "v"}};
  std::string big = Pattern(12 << 20, 6);
  ASSERT_TRUE(Put("src", big, po).ok());
  auto small = rt_->BlockOn(client_->Copy(bucket_, "src", bucket_, "dst1"));
  ASSERT_TRUE(small.ok()) << small.status().ToString();
  ClientOptions o;
  o.multipart_copy_threshold = 5 << 20;
  o.multipart_copy_part_size = 5 << 20;
  o.copy_concurrency = 2;
  auto mp_client = MakeClient(o);
  auto multi = rt_->BlockOn(mp_client->Copy(bucket_, "src", bucket_, "dst2"));
  ASSERT_TRUE(multi.ok()) << multi.status().ToString();
  EXPECT_THAT(multi->etag, HasSubstr("-3"));
  for (const char* key : {"dst1", "dst2"}) {
    auto got = Get(key);
    ASSERT_TRUE(got.ok());
    EXPECT_TRUE(*got == big) << key;
    auto head = rt_->BlockOn(client_->Head(bucket_, key));
    ASSERT_TRUE(head.ok());
    EXPECT_EQ(head->content_type, "application/x-test") << key;
    EXPECT_EQ(head->metadata["k"], "v") << key;
  }
  EXPECT_EQ(rt_->BlockOn(client_->Copy(bucket_, "nope", bucket_, "d"))
                .status()
                .code(),
            StatusCode::kNotFound);
}

Task<Status> PutMany(Client* client, std::string bucket, int count) {
  for (int start = 0; start < count; start += 50) {
    std::vector<Task<Result<PutResult>>> tasks;
    for (int i = start; i < std::min(count, start + 50); ++i) {
      tasks.push_back(client->Put(bucket, fmt::format("many/{}", i),
                                  std::span<const std::byte>()));
    }
    auto results = co_await WhenAll(std::move(tasks));
    for (auto& r : results) STRATA_CO_RETURN_IF_ERROR(r);
  }
  co_return Status::OK();
}

TEST_F(S3ClientIntegrationTest, DeleteManyOf1500) {
  ASSERT_TRUE(rt_->BlockOn(PutMany(client_.get(), bucket_, 1500)).ok());
  std::vector<std::string> keys;
  for (int i = 0; i < 1500; ++i) keys.push_back(fmt::format("many/{}", i));
  keys.push_back("many/never-existed");
  Status st = rt_->BlockOn(client_->DeleteMany(bucket_, keys));
  ASSERT_TRUE(st.ok()) << st.ToString();
  ListOptions lo;
  lo.prefix = "many/";
  auto list = rt_->BlockOn(client_->List(bucket_, lo));
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->objects.empty());
}

TEST_F(S3ClientIntegrationTest, ListPaginationWithDelimiter) {
  std::vector<std::string> expected;
  for (int i = 0; i < 20; ++i) {
    char name[32];
    std::snprintf(name, sizeof(name), "p/f%02d +%%", i);
    ASSERT_TRUE(Put(name, "x").ok());
    expected.push_back(name);
  }
  ASSERT_TRUE(Put("p/d1/x", "x").ok());
  ASSERT_TRUE(Put("p/d2/y", "x").ok());
  ASSERT_TRUE(Put("q", "x").ok());
  ListOptions lo;
  lo.prefix = "p/";
  lo.delimiter = "/";
  lo.max_keys = 7;
  std::vector<std::string> keys, prefixes;
  int pages = 0;
  for (;;) {
    auto page = rt_->BlockOn(client_->List(bucket_, lo));
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    ++pages;
    EXPECT_LE(page->objects.size() + page->common_prefixes.size(), 7u);
    for (auto& o : page->objects) keys.push_back(o.key);
    for (auto& p : page->common_prefixes) prefixes.push_back(p);
    if (!page->truncated) break;
    lo.continuation_token = page->next_continuation_token;
    ASSERT_LT(pages, 10);
  }
  EXPECT_EQ(keys, expected);
  EXPECT_EQ(prefixes, (std::vector<std::string>{"p/d1/", "p/d2/"}));
  EXPECT_GE(pages, 4);
  ListOptions after;
  after.prefix = "p/";
  after.start_after = "p/f17 +%";
  auto rest = rt_->BlockOn(client_->List(bucket_, after));
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->objects.size(), 2u);  // "p/d..." sorts before "p/f..."
  EXPECT_EQ(rest->objects[0].key, "p/f18 +%");
  EXPECT_EQ(rest->objects[1].key, "p/f19 +%");
}

TEST_F(S3ClientIntegrationTest, PresignedGetAndPut) {
  auto http = http::Client::Create();
  ASSERT_TRUE(http.ok());
  auto put_url = rt_->BlockOn(
      client_->Presign("PUT", bucket_, "pre/x y", std::chrono::seconds(300)));
  ASSERT_TRUE(put_url.ok()) << put_url.status().ToString();
  http::Request put;
  put.method = "PUT";
  put.url = *put_url;
  put.body = Bytes("presigned body");
  auto put_resp = rt_->BlockOn((*http)->Send(put));
  ASSERT_TRUE(put_resp.ok()) << put_resp.status().ToString();
  EXPECT_EQ(put_resp->status, 200) << put_resp->body;
  auto get_url = rt_->BlockOn(
      client_->Presign("GET", bucket_, "pre/x y", std::chrono::seconds(300)));
  ASSERT_TRUE(get_url.ok());
  http::Request get;
  get.url = *get_url;
  auto get_resp = rt_->BlockOn((*http)->Send(get));
  ASSERT_TRUE(get_resp.ok());
  EXPECT_EQ(get_resp->status, 200);
  EXPECT_EQ(get_resp->body, "presigned body");
}

TEST_F(S3ClientIntegrationTest, ChecksumsAndSignedPayload) {
  for (auto alg : {ChecksumAlgorithm::kCrc32c, ChecksumAlgorithm::kSha256,
                   ChecksumAlgorithm::kCrc64Nvme}) {
    PutOptions po;
    po.checksum = alg;
    auto put = Put("sum", "checksummed data", po);
    EXPECT_TRUE(put.ok()) << put.status().ToString();
    GetOptions go;
    go.verify_checksum = true;
    EXPECT_EQ(*Get("sum", go), "checksummed data");
  }
  ClientOptions signed_opts;
  signed_opts.sign_payload = true;
  auto signer = MakeClient(signed_opts);
  auto put = rt_->BlockOn(signer->Put(bucket_, "signed", Bytes("payload")));
  EXPECT_TRUE(put.ok()) << put.status().ToString();

  // A deliberately wrong checksum header, signed by hand.
  auto http = http::Client::Create();
  ASSERT_TRUE(http.ok());
  http::Request req;
  req.method = "PUT";
  req.url = client_->ObjectUrl(bucket_, "wrong-sum");
  req.body = Bytes("abc");
  req.headers = {{"x-amz-checksum-crc32c", "AAAAAA=="},
                 {"x-amz-sdk-checksum-algorithm", "CRC32C"}};
  Credentials c;
  c.access_key_id = server_.access_key;
  c.secret_access_key = server_.secret_key;
  SigningScope scope;
  scope.region = server_.region;
  scope.now = std::chrono::system_clock::now();
  ASSERT_TRUE(SignRequest(req, c, scope, kUnsignedPayload).ok());
  auto resp = rt_->BlockOn((*http)->Send(req));
  ASSERT_TRUE(resp.ok());
  if (resp->ok()) {
    // radosgw 16 (pacific) ignores x-amz-checksum-*: note it, don't fail.
    std::printf("[ note ] radosgw accepted a wrong x-amz-checksum-crc32c\n");
  } else {
    Status st = MapS3Error(resp->status, resp->body, "PUT wrong-sum");
    EXPECT_TRUE(st.code() == StatusCode::kDataLoss ||
                st.code() == StatusCode::kInvalidArgument)
        << st.ToString();
  }
}

TEST_F(S3ClientIntegrationTest, ServerSideEncryptionOverHttp) {
  PutOptions po;
  Encryption sse;
  sse.mode = Encryption::Mode::kCustomerKey;
  sse.customer_key = std::string(32, 'k');
  po.encryption = sse;
  auto put = Put("ssec", "secret", po);
  if (put.ok()) {
    GetOptions go;
    go.encryption = sse;
    EXPECT_EQ(*Get("ssec", go), "secret");
    EXPECT_FALSE(Get("ssec").ok());
  } else {
    // radosgw refuses SSE-C over plain http: a clear, non-retryable error.
    EXPECT_FALSE(put.status().retryable());
    EXPECT_NE(put.status().code(), StatusCode::kInternal);
    EXPECT_THAT(std::string(put.status().message()), HasSubstr("PUT s3://"));
    std::printf("[ note ] SSE-C over http: %s\n",
                put.status().ToString().c_str());
  }
  PutOptions s3;
  Encryption aes;
  aes.mode = Encryption::Mode::kS3;
  s3.encryption = aes;
  auto sse_s3 = Put("sses3", "x", s3);
  if (!sse_s3.ok()) {
    EXPECT_FALSE(sse_s3.status().retryable());
    std::printf("[ note ] SSE-S3: %s\n", sse_s3.status().ToString().c_str());
  }
}

}  // namespace
}  // namespace strata::s3
