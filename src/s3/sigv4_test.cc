// SigV4 against AWS's published S3 examples (Signature Calculations for the
// Authorization Header, and the query-string presigning example), plus the
// canonicalisation rules those examples do not exercise.
#include "strata/s3/sigv4.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <string>

#include "s3/sigv4_canonical.h"

namespace strata::s3 {
namespace {

using ::testing::HasSubstr;

// 2013-05-24T00:00:00Z, the time of every AWS S3 example.
const auto kExampleTime = std::chrono::system_clock::from_time_t(1369353600);

Credentials ExampleCredentials() {
  Credentials c;
  c.access_key_id = "AKIAIOSFODNN7EXAMPLE";
  c.secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  return c;
}

SigningScope ExampleScope() {
  SigningScope s;
  s.region = "us-east-1";
  s.now = kExampleTime;
  return s;
}

http::Request MakeRequest(std::string method, std::string url,
                          http::Headers headers = {}) {
  http::Request r;
  r.method = std::move(method);
  r.url = std::move(url);
  r.headers = std::move(headers);
  return r;
}

// Case-insensitive lookup (local, so the test does not depend on the http
// layer's FindHeader).
std::string Header(const http::Request& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k.size() == name.size() &&
        std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == b;
        })) {
      return v;
    }
  }
  return "<missing>";
}

std::string SignatureOf(const http::Request& r) {
  std::string auth = Header(r, "authorization");
  size_t at = auth.find("Signature=");
  return at == std::string::npos ? auth : auth.substr(at + 10);
}

TEST(Sha256HexTest, KnownDigests) {
  EXPECT_EQ(Sha256Hex(std::string_view()), kEmptyPayloadSha256);
  EXPECT_EQ(Sha256Hex(std::string_view("Welcome to Amazon S3.")),
            "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
}

TEST(SigV4ExampleTest, GetObjectWithRange) {
  auto r = MakeRequest("GET", "https://examplebucket.s3.amazonaws.com/test.txt",
                       {{"Range", "bytes=0-9"}});
  ASSERT_TRUE(
      SignRequest(r, ExampleCredentials(), ExampleScope(), kEmptyPayloadSha256)
          .ok());
  EXPECT_EQ(Header(r, "authorization"),
            "AWS4-HMAC-SHA256 "
            "Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/"
            "aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature="
            "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  EXPECT_EQ(Header(r, "x-amz-date"), "20130524T000000Z");
  EXPECT_EQ(Header(r, "x-amz-content-sha256"), kEmptyPayloadSha256);
  EXPECT_EQ(Header(r, "x-amz-security-token"), "<missing>");

  auto debug = ComputeSignature(r, ExampleCredentials(), ExampleScope(),
                                kEmptyPayloadSha256);
  ASSERT_TRUE(debug.ok()) << debug.status().ToString();
  EXPECT_EQ(debug->canonical_request,
            "GET\n/test.txt\n\n"
            "host:examplebucket.s3.amazonaws.com\n"
            "range:bytes=0-9\n"
            "x-amz-content-sha256:"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
            "x-amz-date:20130524T000000Z\n\n"
            "host;range;x-amz-content-sha256;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(debug->string_to_sign,
            "AWS4-HMAC-SHA256\n20130524T000000Z\n"
            "20130524/us-east-1/s3/aws4_request\n"
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
}

TEST(SigV4ExampleTest, PutObject) {
  auto r = MakeRequest(
      "PUT", "https://examplebucket.s3.amazonaws.com/test%24file.text",
      {{"Date", "Fri, 24 May 2013 00:00:00 GMT"},
       {"x-amz-storage-class", "REDUCED_REDUNDANCY"}});
  std::string hash = Sha256Hex(std::string_view("Welcome to Amazon S3."));
  ASSERT_TRUE(SignRequest(r, ExampleCredentials(), ExampleScope(), hash).ok());
  EXPECT_THAT(Header(r, "authorization"),
              HasSubstr("SignedHeaders=date;host;x-amz-content-sha256;"
                        "x-amz-date;x-amz-storage-class, "));
  EXPECT_EQ(SignatureOf(r),
            "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST(SigV4ExampleTest, GetBucketLifecycle) {
  auto r =
      MakeRequest("GET", "https://examplebucket.s3.amazonaws.com/?lifecycle");
  ASSERT_TRUE(
      SignRequest(r, ExampleCredentials(), ExampleScope(), kEmptyPayloadSha256)
          .ok());
  EXPECT_EQ(SignatureOf(r),
            "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

TEST(SigV4ExampleTest, ListObjects) {
  // Given unsorted: the canonical query sorts it.
  auto r = MakeRequest(
      "GET", "https://examplebucket.s3.amazonaws.com/?prefix=J&max-keys=2");
  ASSERT_TRUE(
      SignRequest(r, ExampleCredentials(), ExampleScope(), kEmptyPayloadSha256)
          .ok());
  EXPECT_EQ(SignatureOf(r),
            "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST(SigV4ExampleTest, PresignedGet) {
  auto url = PresignUrl(
      "GET", "https://examplebucket.s3.amazonaws.com/test.txt",
      ExampleCredentials(), ExampleScope(), std::chrono::seconds(86400));
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_EQ(
      *url,
      "https://examplebucket.s3.amazonaws.com/test.txt"
      "?X-Amz-Algorithm=AWS4-HMAC-SHA256"
      "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%"
      "2Faws4_request"
      "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400"
      "&X-Amz-SignedHeaders=host"
      "&X-Amz-Signature="
      "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
}

TEST(SigV4Test, PresignExpiryBounds) {
  auto creds = ExampleCredentials();
  auto scope = ExampleScope();
  const char* url = "https://b.s3.amazonaws.com/k";
  EXPECT_EQ(PresignUrl("GET", url, creds, scope, std::chrono::seconds(0))
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(PresignUrl("GET", url, creds, scope, std::chrono::seconds(604801))
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(
      PresignUrl("GET", url, creds, scope, std::chrono::seconds(1)).ok());
  EXPECT_TRUE(
      PresignUrl("PUT", url, creds, scope, std::chrono::seconds(604800)).ok());
}

TEST(SigV4Test, PresignWithSessionTokenAndExistingQuery) {
  auto creds = ExampleCredentials();
  creds.session_token = "tok/en+=";
  auto url = PresignUrl("PUT", "http://127.0.0.1:7480/bucket/a%20b?versionId=3",
                        creds, ExampleScope(), std::chrono::seconds(60));
  ASSERT_TRUE(url.ok());
  EXPECT_THAT(*url, HasSubstr("http://127.0.0.1:7480/bucket/a%20b?"));
  EXPECT_THAT(*url, HasSubstr("&X-Amz-Security-Token=tok%2Fen%2B%3D&"));
  EXPECT_THAT(*url, HasSubstr("&versionId=3&X-Amz-Signature="));
}

TEST(SigV4Test, SessionTokenIsSentAndSigned) {
  auto creds = ExampleCredentials();
  creds.session_token = "SESSION";
  auto r =
      MakeRequest("GET", "https://examplebucket.s3.amazonaws.com/test.txt");
  ASSERT_TRUE(
      SignRequest(r, creds, ExampleScope(), std::string(kUnsignedPayload))
          .ok());
  EXPECT_EQ(Header(r, "x-amz-security-token"), "SESSION");
  EXPECT_THAT(Header(r, "authorization"),
              HasSubstr("SignedHeaders=host;x-amz-content-sha256;x-amz-date;"
                        "x-amz-security-token, "));
}

TEST(SigV4Test, ResigningReplacesPreviousSignature) {
  auto r = MakeRequest("GET", "https://examplebucket.s3.amazonaws.com/test.txt",
                       {{"Range", "bytes=0-9"}});
  auto scope = ExampleScope();
  scope.now += std::chrono::hours(1);
  ASSERT_TRUE(
      SignRequest(r, ExampleCredentials(), scope, kEmptyPayloadSha256).ok());
  ASSERT_TRUE(
      SignRequest(r, ExampleCredentials(), ExampleScope(), kEmptyPayloadSha256)
          .ok());
  EXPECT_EQ(r.headers.size(), 4u);  // range, date, sha256, authorization
  EXPECT_EQ(SignatureOf(r),
            "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4Test, CanonicalRequestRules) {
  auto r = MakeRequest("GET",
                       "http://Example.COM:8080/a/../b//c%2Fd?z=1&a=x "
                       "y&b&a=%41&c=%zz&d=a+b#frag",
                       {{"X-Amz-Meta-A", "  two   words  "},
                        {"x-amz-meta-a", "second"},
                        {"Authorization", "ignored"}});
  auto debug = ComputeSignature(r, ExampleCredentials(), ExampleScope(),
                                kUnsignedPayload);
  ASSERT_TRUE(debug.ok());
  EXPECT_EQ(debug->canonical_request,
            "GET\n/a/../b//c%2Fd\n"
            "a=A&a=x%20y&b=&c=%25zz&d=a%20b&z=1\n"
            "host:example.com:8080\n"
            "x-amz-meta-a:two words,second\n\n"
            "host;x-amz-meta-a\nUNSIGNED-PAYLOAD");
}

TEST(SigV4Test, DefaultPortsAreDropped) {
  auto a = sigv4_internal::ParseUrl("https://h.example:443/k");
  auto b = sigv4_internal::ParseUrl("http://h.example:80");
  auto c = sigv4_internal::ParseUrl("http://[::1]:9000/x?y");
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(a->host, "h.example");
  EXPECT_EQ(b->host, "h.example");
  EXPECT_EQ(b->path, "/");
  EXPECT_EQ(c->host, "[::1]:9000");
  EXPECT_EQ(c->query, "y");
}

TEST(SigV4Test, RejectsBadInputs) {
  auto r = MakeRequest("GET", "ftp://host/x");
  EXPECT_EQ(
      SignRequest(r, ExampleCredentials(), ExampleScope(), kEmptyPayloadSha256)
          .code(),
      StatusCode::kInvalidArgument);
  r.url = "no-scheme";
  EXPECT_EQ(
      SignRequest(r, ExampleCredentials(), ExampleScope(), kEmptyPayloadSha256)
          .code(),
      StatusCode::kInvalidArgument);
  r.url = "https://h/x";
  EXPECT_EQ(
      SignRequest(r, Credentials(), ExampleScope(), kEmptyPayloadSha256).code(),
      StatusCode::kInvalidArgument);
}

TEST(SigV4Test, UriEncodingFollowsAwsRules) {
  using sigv4_internal::AwsUriEncode;
  EXPECT_EQ(AwsUriEncode("aZ09-._~ /+=*", false), "aZ09-._~%20%2F%2B%3D%2A");
  EXPECT_EQ(AwsUriEncode("a/b c", true), "a/b%20c");
  EXPECT_EQ(AwsUriEncode("\xc3\xa9", false), "%C3%A9");
}

}  // namespace
}  // namespace strata::s3
