// s3::Client against the in-process TestServer: conditional writes whose
// first attempt's outcome is unknown (resolved by HEAD), ranged-GET
// validation, UploadPartCopy checksums, clock-skew correction, IncompleteBody
// and per-key DeleteObjects retries, Copy's source condition.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <ctime>
#include <mutex>
#include <string>
#include <vector>

#include "http/testing/test_server.h"
#include "s3/client_impl.h"
#include "s3/s3_xml.h"
#include "strata/runtime/runtime.h"
#include "strata/s3/client.h"

namespace strata::s3 {
namespace {

using http::testing::TestRequest;
using http::testing::TestResponse;
using http::testing::TestServer;
using ::testing::HasSubstr;

constexpr std::string_view kHelloMd5 = "5d41402abc4b2a76b9719d911017c592";
constexpr std::string_view kPart2Md5 = "7d793037a0760186574b0282f2f435e7";
// md5(bin(kHelloMd5) + bin(kPart2Md5)) + "-2", computed with Python.
constexpr std::string_view kMultipartEtag =
    "065947336a2f2a95ba8899f3675c3be6-2";

std::string ErrorXml(std::string_view code) {
  return fmt::format("<Error><Code>{}</Code><Message>m</Message></Error>",
                     code);
}

std::string_view Header(const TestRequest& r, std::string_view name) {
  auto v = http::FindHeader(r.headers, name);
  return v ? *v : std::string_view("<absent>");
}

std::span<const std::byte> Bytes(std::string_view s) {
  return std::as_bytes(std::span(s.data(), s.size()));
}

// The response of an attempt the server applied but whose answer is lost.
TestResponse Lost() {
  TestResponse r;
  r.body = "0123456789";
  r.reset_after_body_bytes = 0;
  return r;
}

TestResponse Etag(std::string_view etag) {
  TestResponse r;
  r.headers = {{"ETag", fmt::format("\"{}\"", etag)}};
  return r;
}

class ClientOutcomeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto rt = Runtime::Create(RuntimeOptions());
    ASSERT_TRUE(rt.ok()) << rt.status().ToString();
    rt_ = std::move(rt).value();
  }

  // Answers the n-th request (0-based) with responses[n] (the last one
  // repeats), recording every request.
  void Serve(std::vector<TestResponse> responses) {
    auto server = TestServer::Start([this, responses](const TestRequest& r) {
      std::lock_guard<std::mutex> lock(mu_);
      seen_.push_back(r);
      return responses[std::min(seen_.size(), responses.size()) - 1];
    });
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
  }

  std::shared_ptr<Client> NewClient() {
    ClientOptions o;
    o.endpoint = server_->url();
    o.region = "us-east-1";
    o.flavor = Flavor::kGeneric;
    o.path_style = true;
    Credentials creds;
    creds.access_key_id = "AKID";
    creds.secret_access_key = "secret";
    o.credentials = creds;
    o.retry.initial_backoff = std::chrono::milliseconds(1);
    o.retry.max_backoff = std::chrono::milliseconds(5);
    o.retry.max_attempts = 4;
    o.checksum = checksum_;
    o.encryption = encryption_;
    o.chain.env = [](std::string_view) -> std::optional<std::string> {
      return std::nullopt;
    };
    auto c = Client::Create(o);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? *c : nullptr;
  }

  std::vector<std::string> Methods() {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::string> out;
    for (const auto& r : seen_) out.push_back(r.method);
    return out;
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
  Encryption encryption_;
};

PutOptions CreateOnly() {
  PutOptions o;
  o.if_none_match = "*";
  return o;
}

TestResponse Failure(int status, std::string_view code) {
  TestResponse r;
  r.status = status;
  r.body = ErrorXml(code);
  return r;
}

TEST_F(ClientOutcomeTest, LostCreateOnlyPutIsOurs) {
  Serve({Lost(), Failure(412, "PreconditionFailed"), Etag(kHelloMd5)});
  auto put =
      rt_->BlockOn(NewClient()->Put("b", "k", Bytes("hello"), CreateOnly()));
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ(put->etag, kHelloMd5);
  EXPECT_THAT(Methods(), ::testing::ElementsAre("PUT", "PUT", "HEAD"));
}

TEST_F(ClientOutcomeTest, LostIfMatchPutOtherWriterWins) {
  Serve({Lost(), Failure(412, "PreconditionFailed"), Etag(kPart2Md5)});
  PutOptions o;
  o.if_match = "0000";
  auto put = rt_->BlockOn(NewClient()->Put("b", "k", Bytes("hello"), o));
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(Methods(), ::testing::ElementsAre("PUT", "PUT", "HEAD"));
}

TEST_F(ClientOutcomeTest, PlainPreconditionFailureIsNotResolved) {
  Serve({Failure(412, "PreconditionFailed"), Etag(kHelloMd5)});
  auto put =
      rt_->BlockOn(NewClient()->Put("b", "k", Bytes("hello"), CreateOnly()));
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(Methods(), ::testing::ElementsAre("PUT"));
}

TEST_F(ClientOutcomeTest, LostPutUnderKmsIsUnknown) {
  encryption_.mode = Encryption::Mode::kKms;
  Serve({Lost(), Failure(412, "PreconditionFailed"), Etag(kHelloMd5)});
  auto put =
      rt_->BlockOn(NewClient()->Put("b", "k", Bytes("hello"), CreateOnly()));
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.status().code(), StatusCode::kAborted);
  EXPECT_FALSE(put.status().retryable());
  EXPECT_THAT(std::string(put.status().message()), HasSubstr("unknown"));
  EXPECT_THAT(Methods(), ::testing::ElementsAre("PUT", "PUT"));
}

std::vector<CompletedPart> TwoParts() {
  std::vector<CompletedPart> parts(2);
  parts[0].part_number = 1;
  parts[0].etag = std::string(kHelloMd5);
  parts[1].part_number = 2;
  parts[1].etag = std::string(kPart2Md5);
  return parts;
}

TEST_F(ClientOutcomeTest, LostCompleteIsOurs) {
  Serve({Lost(), Failure(404, "NoSuchUpload"), Etag(kMultipartEtag)});
  auto done = rt_->BlockOn(
      NewClient()->CompleteMultipartUpload("b", "k", "up", TwoParts()));
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->etag, kMultipartEtag);
  EXPECT_THAT(Methods(), ::testing::ElementsAre("POST", "POST", "HEAD"));
}

TEST_F(ClientOutcomeTest, LostCompleteOtherObjectIsNotFound) {
  Serve({Lost(), Failure(404, "NoSuchUpload"), Etag("abc-2")});
  auto done = rt_->BlockOn(
      NewClient()->CompleteMultipartUpload("b", "k", "up", TwoParts()));
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(std::string(done.status().message()), HasSubstr("NoSuchUpload"));
}

TestResponse Partial(std::string range, std::string body) {
  TestResponse r;
  r.status = 206;
  r.headers = {{"Content-Range", std::move(range)}};
  r.body = std::move(body);
  return r;
}

TEST_F(ClientOutcomeTest, RangedGetMustMatchTheRequest) {
  Serve({Partial("bytes 0-4/100", "abcde"), Partial("bytes 10-12/100", "abc"),
         Partial("bytes 10-14/100", "abcde")});
  auto client = NewClient();
  GetOptions o;
  o.offset = 10;
  o.length = 5;
  std::vector<std::byte> buf(16);
  for (int i = 0; i < 2; ++i) {  // wrong start, then too few bytes
    auto got = rt_->BlockOn(client->Get("b", "k", buf, o));
    ASSERT_FALSE(got.ok()) << i;
    EXPECT_EQ(got.status().code(), StatusCode::kUnavailable);
    EXPECT_TRUE(got.status().retryable());
    EXPECT_THAT(std::string(got.status().message()), HasSubstr("s3://b/k"));
  }
  auto got = rt_->BlockOn(client->Get("b", "k", buf, o));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->bytes_read, 5u);
  EXPECT_EQ(got->object_size, 100u);
}

TEST_F(ClientOutcomeTest, UploadPartCopyKeepsChecksum) {
  checksum_ = ChecksumAlgorithm::kCrc32c;
  TestResponse r;
  r.body =
      "<CopyPartResult><ETag>\"e1\"</ETag>"
      "<ChecksumCRC32C>AAAAAA==</ChecksumCRC32C></CopyPartResult>";
  Serve({r});
  auto part = rt_->BlockOn(NewClient()->UploadPartCopy(
      "b", "k", "up", 1, "src", "s", uint64_t{0}, uint64_t{5}));
  ASSERT_TRUE(part.ok()) << part.status().ToString();
  EXPECT_EQ(part->etag, "e1");
  EXPECT_EQ(part->checksum, "AAAAAA==");
}

// "20261122T043500Z" → time_point.
std::chrono::system_clock::time_point ParseAmzDate(std::string_view text) {
  std::tm tm{};
  std::string s(text);
  strptime(s.c_str(), "%Y%m%dT%H%M%SZ", &tm);
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

TEST_F(ClientOutcomeTest, RequestTimeTooSkewedAdoptsServerClock) {
  auto server_now = std::chrono::system_clock::now() + std::chrono::hours(3);
  std::time_t t = std::chrono::system_clock::to_time_t(server_now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char date[64];
  std::strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  TestResponse skewed = Failure(403, "RequestTimeTooSkewed");
  skewed.headers = {{"Date", date}};
  Serve({skewed, Etag("e")});
  auto put = rt_->BlockOn(NewClient()->Put("b", "k", Bytes("x")));
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  auto seen = Seen();
  ASSERT_EQ(seen.size(), 2u);
  auto signed_at = ParseAmzDate(Header(seen[1], "x-amz-date"));
  auto diff = signed_at - server_now;
  EXPECT_LT(std::chrono::abs(diff), std::chrono::minutes(10));
}

TEST_F(ClientOutcomeTest, IncompleteBodyIsRetried) {
  Serve({Failure(400, "IncompleteBody"), Etag("e")});
  auto put = rt_->BlockOn(NewClient()->Put("b", "k", Bytes("x")));
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ(Seen().size(), 2u);
}

TestResponse DeleteResult(std::string errors) {
  TestResponse r;
  r.body = "<DeleteResult>" + errors + "</DeleteResult>";
  return r;
}

TEST_F(ClientOutcomeTest, DeleteManyRetriesInternalErrorKeys) {
  Serve({DeleteResult("<Error><Key>b</Key><Code>InternalError</Code>"
                      "<Message>m</Message></Error>"),
         DeleteResult("")});
  auto st = rt_->BlockOn(NewClient()->DeleteMany("bk", {"a", "b", "c"}));
  ASSERT_TRUE(st.ok()) << st.ToString();
  auto seen = Seen();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_THAT(seen[1].body, HasSubstr("<Key>b</Key>"));
  EXPECT_THAT(seen[1].body, ::testing::Not(HasSubstr("<Key>a</Key>")));
}

TEST_F(ClientOutcomeTest, DeleteManyGivesUpOnPersistentSlowDown) {
  Serve(
      {DeleteResult("<Error><Key>a</Key><Code>SlowDown</Code>"
                    "<Message>m</Message></Error>")});
  auto st = rt_->BlockOn(NewClient()->DeleteMany("bk", {"a"}));
  ASSERT_FALSE(st.ok());
  EXPECT_FALSE(st.retryable());
  EXPECT_THAT(std::string(st.message()), HasSubstr("s3://bk/a"));
  EXPECT_EQ(Seen().size(), 4u);  // max_attempts
}

TEST_F(ClientOutcomeTest, CopySourceIfMatch) {
  TestResponse head = Etag("srcetag");
  TestResponse copy;
  copy.body = "<CopyObjectResult><ETag>\"d\"</ETag></CopyObjectResult>";
  Serve({head, copy, head, copy});
  auto client = NewClient();
  PutOptions o;
  o.src_if_match = "\"srcetag\"";
  auto done = rt_->BlockOn(client->Copy("sb", "sk", "db", "dk", o));
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  done = rt_->BlockOn(client->Copy("sb", "sk", "db", "dk"));
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  auto seen = Seen();
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(Header(seen[0], "if-match"), "\"srcetag\"");
  EXPECT_EQ(Header(seen[1], "x-amz-copy-source-if-match"), "srcetag");
  EXPECT_EQ(Header(seen[2], "if-match"), "<absent>");
  EXPECT_EQ(Header(seen[3], "x-amz-copy-source-if-match"), "<absent>");
}

TEST(ClientOutcomeHelpersTest, EtagFormulas) {
  EXPECT_EQ(SinglePutEtag(Bytes("hello")), kHelloMd5);
  EXPECT_EQ(MultipartEtag(TwoParts()), std::string(kMultipartEtag));
  auto bad = TwoParts();
  bad[1].etag = "abc";
  EXPECT_EQ(MultipartEtag(bad), std::nullopt);
  Encryption enc;
  EXPECT_TRUE(EtagIsMd5(enc));
  enc.mode = Encryption::Mode::kCustomerKey;
  EXPECT_FALSE(EtagIsMd5(enc));
}

TEST(ClientOutcomeHelpersTest, ParseContentRange) {
  auto r = ParseContentRange("bytes 10-14/100");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->first, 10u);
  EXPECT_EQ(r->last, 14u);
  EXPECT_EQ(r->total, 100u);
  for (std::string_view bad :
       {"bytes 10-14/*", "bytes 14-10/100", "bytes 10-100/100", "10-14/100",
        "bytes -14/100", "bytes 10-/100", "bytes 1x-14/100", ""}) {
    EXPECT_FALSE(ParseContentRange(bad).has_value()) << bad;
  }
}

TEST(ClientOutcomeHelpersTest, ParseResultChecksum) {
  std::string_view doc =
      "<CopyPartResult><ETag>e</ETag><ChecksumSHA256>c2hh</ChecksumSHA256>"
      "</CopyPartResult>";
  EXPECT_EQ(ParseResultChecksum(doc, ChecksumAlgorithm::kSha256), "c2hh");
  EXPECT_EQ(ParseResultChecksum(doc, ChecksumAlgorithm::kCrc32c), "");
  EXPECT_EQ(ParseResultChecksum(doc, ChecksumAlgorithm::kNone), "");
  EXPECT_EQ(ParseResultChecksum("<not xml", ChecksumAlgorithm::kSha256), "");
}

}  // namespace
}  // namespace strata::s3
