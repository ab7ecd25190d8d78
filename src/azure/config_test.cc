// Unit tests: connection strings, configuration resolution, SharedKey
// string-to-sign and signature known answers.
#include "strata/azure/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "strata/azure/shared_key.h"

namespace strata::azure {
namespace {

using ::testing::HasSubstr;

constexpr std::string_view kAzurite =
    "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
    "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/"
    "K1SZFPTOtr/KBHBeksoGMGw==;"
    "BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;";

EnvGetter FakeEnv(std::map<std::string, std::string> vars) {
  return [vars](const char* name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(AzureConnectionString, ParsesAzurite) {
  auto cs = ParseConnectionString(kAzurite);
  ASSERT_TRUE(cs.ok()) << cs.status().ToString();
  EXPECT_EQ(cs->protocol, "http");
  EXPECT_EQ(cs->account_name, "devstoreaccount1");
  EXPECT_EQ(cs->account_key, kDevAccountKey);  // '=' inside the value kept
  EXPECT_EQ(cs->blob_endpoint, "http://127.0.0.1:10000/devstoreaccount1");
}

TEST(AzureConnectionString, KeysAreCaseInsensitiveAndSasLosesQuestionMark) {
  auto cs = ParseConnectionString(
      " accountname = acct ; SharedAccessSignature=?sv=2021&sig=a%2Bb= ;"
      "EndpointSuffix=core.chinacloudapi.cn;Unknown=1");
  ASSERT_TRUE(cs.ok()) << cs.status().ToString();
  EXPECT_EQ(cs->account_name, "acct");
  EXPECT_EQ(cs->sas_token, "sv=2021&sig=a%2Bb=");
  EXPECT_EQ(cs->endpoint_suffix, "core.chinacloudapi.cn");
}

TEST(AzureConnectionString, RejectsMalformed) {
  auto bad = ParseConnectionString("AccountName=a;garbage");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("garbage"));
  auto proto = ParseConnectionString("DefaultEndpointsProtocol=ftp");
  ASSERT_FALSE(proto.ok());
  EXPECT_THAT(std::string(proto.status().message()),
              HasSubstr("DefaultEndpointsProtocol"));
}

TEST(AzureConnectionString, UseDevelopmentStorage) {
  Settings s;
  s.connection_string = "UseDevelopmentStorage=true";
  auto c = ResolveConfig(s, FakeEnv({}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->account, "devstoreaccount1");
  EXPECT_EQ(c->endpoint, "http://127.0.0.1:10000/devstoreaccount1");
}

TEST(AzureConfig, ConnectionStringFromEnvironment) {
  auto c = ResolveConfig(
      Settings(),
      FakeEnv({{"AZURE_STORAGE_CONNECTION_STRING", std::string(kAzurite)}}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->account, "devstoreaccount1");
  EXPECT_EQ(c->key, kDevAccountKey);
  EXPECT_EQ(c->endpoint, "http://127.0.0.1:10000/devstoreaccount1");
}

TEST(AzureConfig, DefaultEndpointFromProtocolAndSuffix) {
  Settings s;
  s.connection_string =
      "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=a2V5;"
      "EndpointSuffix=core.usgovcloudapi.net";
  auto c = ResolveConfig(s, FakeEnv({}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->endpoint, "https://acct.blob.core.usgovcloudapi.net");
}

TEST(AzureConfig, AccountAndKeyOrSasFromEnvironment) {
  auto key =
      ResolveConfig(Settings(), FakeEnv({{"AZURE_STORAGE_ACCOUNT", "acct"},
                                         {"AZURE_STORAGE_KEY", "a2V5"}}));
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->endpoint, "https://acct.blob.core.windows.net");
  EXPECT_EQ(key->key, "a2V5");
  auto sas = ResolveConfig(
      Settings(), FakeEnv({{"AZURE_STORAGE_ACCOUNT", "acct"},
                           {"AZURE_STORAGE_SAS_TOKEN", "?sv=1&sig=x"}}));
  ASSERT_TRUE(sas.ok()) << sas.status().ToString();
  EXPECT_EQ(sas->sas_token, "sv=1&sig=x");
  EXPECT_TRUE(sas->key.empty());
}

TEST(AzureConfig, ExplicitEndpointOverrides) {
  Settings s;
  s.account = "acct";
  s.key = "a2V5";
  s.endpoint = "http://127.0.0.1:9/acct/";
  auto c = ResolveConfig(s, FakeEnv({}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->endpoint, "http://127.0.0.1:9/acct");
}

TEST(AzureConfig, ErrorsNameTheField) {
  auto none = ResolveConfig(Settings(), FakeEnv({}));
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(none.status().message()), HasSubstr("account"));

  auto nocred =
      ResolveConfig(Settings(), FakeEnv({{"AZURE_STORAGE_ACCOUNT", "a"}}));
  ASSERT_FALSE(nocred.ok());
  EXPECT_THAT(std::string(nocred.status().message()), HasSubstr("credentials"));

  Settings badkey;
  badkey.account = "a";
  badkey.key = "not base64!";
  auto k = ResolveConfig(badkey, FakeEnv({}));
  ASSERT_FALSE(k.ok());
  EXPECT_THAT(std::string(k.status().message()), HasSubstr("key"));

  Settings badep;
  badep.account = "a";
  badep.key = "a2V5";
  badep.endpoint = "127.0.0.1:10000";
  auto e = ResolveConfig(badep, FakeEnv({}));
  ASSERT_FALSE(e.ok());
  EXPECT_THAT(std::string(e.status().message()), HasSubstr("endpoint"));

  auto cs = ResolveConfig(
      Settings(),
      FakeEnv({{"AZURE_STORAGE_CONNECTION_STRING", "AccountKey=a2V5"}}));
  ASSERT_FALSE(cs.ok());
  EXPECT_THAT(std::string(cs.status().message()),
              HasSubstr("AZURE_STORAGE_CONNECTION_STRING"));
  EXPECT_THAT(std::string(cs.status().message()), HasSubstr("AccountName"));
}

// Known answers computed independently (Python hmac/hashlib/base64) from the
// documented SharedKey algorithm.
http::Request PutBlockRequest() {
  http::Request r;
  r.method = "PUT";
  r.url =
      "http://127.0.0.1:10000/devstoreaccount1/cont/dir/blob.txt"
      "?comp=block&blockid=c3RyYXRhLWJsb2NrLTAwMDAwMDAwMDc%3D";
  r.headers = {{"x-ms-version", "2021-08-06"},
               {"x-ms-date", "Fri, 01 Mar 2024 12:00:00 GMT"},
               {"Content-Type", "text/plain"},
               {"x-ms-meta-Foo", "  bar "}};
  static const char kBody[] = "hello";
  r.body = std::as_bytes(std::span<const char>(kBody, 5));
  return r;
}

TEST(AzureSharedKey, StringToSignKnownAnswer) {
  auto s = SharedKeyStringToSign(PutBlockRequest(), "devstoreaccount1");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(*s,
            "PUT\n\n\n5\n\ntext/plain\n\n\n\n\n\n\n"
            "x-ms-date:Fri, 01 Mar 2024 12:00:00 GMT\n"
            "x-ms-meta-foo:bar\n"
            "x-ms-version:2021-08-06\n"
            "/devstoreaccount1/devstoreaccount1/cont/dir/blob.txt\n"
            "blockid:c3RyYXRhLWJsb2NrLTAwMDAwMDAwMDc=\n"
            "comp:block");
}

TEST(AzureSharedKey, SignatureKnownAnswer) {
  http::Request r = PutBlockRequest();
  ASSERT_TRUE(SignSharedKey(r, "devstoreaccount1", kDevAccountKey).ok());
  auto auth = http::FindHeader(r.headers, "authorization");
  ASSERT_TRUE(auth.has_value());
  EXPECT_EQ(*auth,
            "SharedKey devstoreaccount1:"
            "G57sYZ2Al7P/Y6/kHXcWqLt/WRpTU762B47Za9DdL88=");
}

TEST(AzureSharedKey, QuerySortedDecodedAndEmptyLength) {
  http::Request r;
  r.method = "GET";
  r.url =
      "https://myaccount.blob.core.windows.net/mycontainer"
      "?restype=container&prefix=a%20b&comp=list&maxresults=10";
  r.headers = {{"x-ms-date", "Fri, 01 Mar 2024 12:00:00 GMT"},
               {"x-ms-version", "2021-08-06"},
               {"Range", "bytes=0-99"}};
  auto s = SharedKeyStringToSign(r, "myaccount");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(*s,
            "GET\n\n\n\n\n\n\n\n\n\n\nbytes=0-99\n"
            "x-ms-date:Fri, 01 Mar 2024 12:00:00 GMT\n"
            "x-ms-version:2021-08-06\n"
            "/myaccount/mycontainer\ncomp:list\nmaxresults:10\nprefix:a b\n"
            "restype:container");
  ASSERT_TRUE(SignSharedKey(r, "myaccount", kDevAccountKey).ok());
  EXPECT_EQ(*http::FindHeader(r.headers, "authorization"),
            "SharedKey myaccount:eQU4V4PsnHu+O8Ki1lOdRYn1cEfW/UbHRkiQ3S6Fvg8=");
}

TEST(AzureSharedKey, BadKeyAndDate) {
  http::Request r = PutBlockRequest();
  EXPECT_EQ(SignSharedKey(r, "a", "***").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(FormatHttpDate(std::chrono::system_clock::from_time_t(0)),
            "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(AppendSas("http://h/c/b?comp=list", "?sv=1&sig=2"),
            "http://h/c/b?comp=list&sv=1&sig=2");
  EXPECT_EQ(AppendSas("http://h/c/b", "sv=1"), "http://h/c/b?sv=1");
}

}  // namespace
}  // namespace strata::azure
