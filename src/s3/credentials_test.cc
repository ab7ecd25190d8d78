// Credential decoders and the default chain's order and errors, without any
// network (sources needing STS/IMDS are checked by type of error only; the
// fakes are in credentials_server_test.cc).
#include "strata/s3/credentials.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "s3/credentials_internal.h"
#include "strata/runtime/runtime.h"

namespace strata::s3 {
namespace {

using namespace credentials_internal;  // NOLINT(build/namespaces)
using ::testing::HasSubstr;

EnvLookup MapEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](
             std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

std::string Msg(const Status& s) { return std::string(s.message()); }

TEST(Iso8601Test, Formats) {
  auto t = ParseIso8601("2013-05-24T00:00:00Z");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*t), 1369353600);
  auto frac = ParseIso8601("2013-05-24T00:00:01.250Z");
  ASSERT_TRUE(frac.ok());
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*frac), 1369353601);
  auto offset = ParseIso8601("2013-05-24T02:00:00+02:00");
  ASSERT_TRUE(offset.ok());
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*offset), 1369353600);
  for (const char* bad :
       {"", "2013-05-24", "2013-13-01T00:00:00Z", "2013-02-30T00:00:00Z",
        "2013-05-24T00:00:00", "2013-05-24T25:00:00Z",
        "2013-05-24T00:00:00Zjunk", "x013-05-24T00:00:00Z"}) {
    EXPECT_FALSE(ParseIso8601(bad).ok()) << bad;
  }
}

TEST(ImdsJsonTest, ParsesCredentials) {
  auto c = ParseImdsCredentials(
      R"({"Code":"Success","LastUpdated":"2012-04-26T16:39:16Z",)"
      R"("Type":"AWS-HMAC","AccessKeyId":"ASIA1","SecretAccessKey":"S",)"
      R"("Token":"T","Expiration":"2030-01-01T00:00:00Z"})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, "ASIA1");
  EXPECT_EQ(c->secret_access_key, "S");
  EXPECT_EQ(c->session_token, "T");
  EXPECT_EQ(c->source, "imds");
  ASSERT_TRUE(c->expiration.has_value());
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*c->expiration), 1893456000);
}

TEST(ImdsJsonTest, RejectsMalformed) {
  EXPECT_FALSE(ParseImdsCredentials("").ok());
  EXPECT_FALSE(ParseImdsCredentials("[1,2]").ok());
  EXPECT_FALSE(ParseImdsCredentials(R"({"AccessKeyId":5})").ok());
  EXPECT_FALSE(
      ParseImdsCredentials(
          R"({"AccessKeyId":"a","SecretAccessKey":"b","Expiration":"x"})")
          .ok());
  EXPECT_EQ(ParseImdsCredentials(R"({"Code":"Failed"})").status().code(),
            StatusCode::kPermissionDenied);
}

constexpr char kStsOk[] = R"(<AssumeRoleWithWebIdentityResponse
    xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>sub</SubjectFromWebIdentityToken>
    <Credentials>
      <SessionToken>STOKEN</SessionToken>
      <SecretAccessKey>SSECRET</SecretAccessKey>
      <Expiration>2030-01-01T00:00:00Z</Expiration>
      <AccessKeyId>ASIASTS</AccessKeyId>
    </Credentials>
  </AssumeRoleWithWebIdentityResult>
</AssumeRoleWithWebIdentityResponse>)";

TEST(StsXmlTest, ParsesCredentialsAndErrors) {
  auto c = ParseStsWebIdentityResponse(kStsOk);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, "ASIASTS");
  EXPECT_EQ(c->secret_access_key, "SSECRET");
  EXPECT_EQ(c->session_token, "STOKEN");
  EXPECT_EQ(c->source, "web-identity");
  EXPECT_TRUE(c->expiration.has_value());
  EXPECT_FALSE(ParseStsWebIdentityResponse("<a>").ok());
  EXPECT_FALSE(ParseStsWebIdentityResponse("<ErrorResponse/>").ok());
  EXPECT_EQ(ParseStsError("<ErrorResponse><Error><Type>Sender</Type>"
                          "<Code>InvalidIdentityToken</Code><Message>bad "
                          "token</Message></Error></ErrorResponse>"),
            "InvalidIdentityToken: bad token");
  EXPECT_EQ(ParseStsError("not xml"), "");
}

// ---- chain order (no network: sources that would need it are not Get()) --

Credentials Creds(std::string id) {
  Credentials c;
  c.access_key_id = std::move(id);
  c.secret_access_key = "secret";
  return c;
}

class ChainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/strata-chain-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    home_ = tmpl;
    auto rt = Runtime::Create();
    ASSERT_TRUE(rt.ok());
    rt_ = std::move(rt).value();
  }
  void TearDown() override { std::filesystem::remove_all(home_); }

  void WriteCredentialsFile(const std::string& text) {
    std::filesystem::create_directories(home_ + "/.aws");
    std::ofstream(home_ + "/.aws/credentials") << text;
  }
  ChainOptions Options(std::map<std::string, std::string> env) {
    env.emplace("HOME", home_);
    ChainOptions o;
    o.env = MapEnv(std::move(env));
    return o;
  }
  Result<Credentials> GetFrom(ChainOptions o) {
    auto chain = NewDefaultCredentialChain(std::move(o), nullptr);
    if (!chain.ok()) return chain.status();
    return rt_->BlockOn((*chain)->Get());
  }

  std::string home_;
  std::unique_ptr<Runtime> rt_;
};

const std::map<std::string, std::string> kEnvKeys = {
    {"AWS_ACCESS_KEY_ID", "ENVKEY"},
    {"AWS_SECRET_ACCESS_KEY", "envsecret"},
    {"AWS_SESSION_TOKEN", "envtoken"}};

TEST_F(ChainTest, ExplicitBeatsEverything) {
  WriteCredentialsFile(
      "[default]\naws_access_key_id=P\naws_secret_access_key=S\n");
  auto o = Options(kEnvKeys);
  o.explicit_credentials = Creds("EXPLICIT");
  auto c = GetFrom(std::move(o));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->access_key_id, "EXPLICIT");
  EXPECT_EQ(c->source, "options");
}

TEST_F(ChainTest, EnvironmentBeatsProfile) {
  WriteCredentialsFile(
      "[default]\naws_access_key_id=P\naws_secret_access_key=S\n");
  auto c = GetFrom(Options(kEnvKeys));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->access_key_id, "ENVKEY");
  EXPECT_EQ(c->session_token, "envtoken");
  EXPECT_EQ(c->source, "environment");
}

TEST_F(ChainTest, ProfileBeatsWebIdentityAndImds) {
  WriteCredentialsFile(
      "[default]\naws_access_key_id=P\naws_secret_access_key=S\n"
      "[other]\naws_access_key_id=O\naws_secret_access_key=S\n");
  auto c = GetFrom(Options(
      {{"AWS_WEB_IDENTITY_TOKEN_FILE", "/t"}, {"AWS_ROLE_ARN", "arn:r"}}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, "P");
  EXPECT_EQ(c->source, "profile:default");
  auto other = GetFrom(Options({{"AWS_PROFILE", "other"}}));
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->source, "profile:other");
  auto named = Options({});
  named.profile = "other";
  EXPECT_EQ(GetFrom(std::move(named))->access_key_id, "O");
}

TEST_F(ChainTest, NothingConfiguredListsSourcesTried) {
  auto c = GetFrom(Options({{"AWS_EC2_METADATA_DISABLED", "true"}}));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kPermissionDenied);
  std::string m = Msg(c.status());
  EXPECT_THAT(m, HasSubstr("options"));
  EXPECT_THAT(m, HasSubstr("environment"));
  EXPECT_THAT(m, HasSubstr("profile 'default'"));
  EXPECT_THAT(m, HasSubstr("web identity"));
  EXPECT_THAT(m, HasSubstr("AWS_EC2_METADATA_DISABLED"));
}

TEST_F(ChainTest, BrokenSourcesAreErrorsNamingThem) {
  auto half = GetFrom(Options({{"AWS_ACCESS_KEY_ID", "A"}}));
  EXPECT_EQ(half.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(Msg(half.status()), HasSubstr("AWS_SECRET_ACCESS_KEY"));

  auto missing = GetFrom(Options({{"AWS_PROFILE", "ghost"}}));
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(Msg(missing.status()), HasSubstr("'ghost'"));

  auto web = GetFrom(Options({{"AWS_ROLE_ARN", "arn:r"}}));
  EXPECT_EQ(web.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(Msg(web.status()), HasSubstr("AWS_WEB_IDENTITY_TOKEN_FILE"));

  WriteCredentialsFile("[default]\nrole_arn=arn:r\nsource_profile=base\n");
  auto chained = GetFrom(Options({}));
  EXPECT_EQ(chained.status().code(), StatusCode::kUnimplemented);
  EXPECT_THAT(Msg(chained.status()), HasSubstr("profile 'default'"));
}

TEST_F(ChainTest, ProfileWebIdentityReadsTokenOnGet) {
  // role_arn + a missing token file: the provider is built; Get names the
  // file (no STS request is made without a token).
  WriteCredentialsFile(
      "[default]\nrole_arn=arn:r\n"
      "web_identity_token_file=/nonexistent/token\n");
  auto c = GetFrom(Options({}));
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(Msg(c.status()), HasSubstr("/nonexistent/token"));
}

TEST(StaticCredentialsTest, ReturnsWhatItWasGiven) {
  auto rt = Runtime::Create();
  ASSERT_TRUE(rt.ok());
  auto p = NewStaticCredentials(Creds("K"));
  auto c = (*rt)->BlockOn(p->Get());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->access_key_id, "K");
}

TEST(ProcessEnvironmentTest, ReadsTheEnvironment) {
  ::setenv("STRATA_CREDENTIALS_TEST_VAR", "v1", 1);
  EnvLookup env = ProcessEnvironment();
  EXPECT_EQ(env("STRATA_CREDENTIALS_TEST_VAR").value_or(""), "v1");
  EXPECT_FALSE(env("STRATA_CREDENTIALS_TEST_UNSET_VAR").has_value());
}

}  // namespace
}  // namespace strata::s3
