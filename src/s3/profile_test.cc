// The AWS shared config/credentials files: INI dialect, profile selection
// and merging, and LoadProfile's file and environment handling.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "s3/profile_internal.h"
#include "strata/s3/credentials.h"

namespace strata::s3 {
namespace {

using profile_internal::ParseIni;
using profile_internal::ProfileFromText;
using profile_internal::ProfileSources;
using ::testing::HasSubstr;

EnvLookup MapEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](
             std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

ProfileSources Sources(std::string credentials, std::string config) {
  ProfileSources s;
  s.credentials_text = std::move(credentials);
  s.credentials_path = "/h/.aws/credentials";
  s.config_text = std::move(config);
  s.config_path = "/h/.aws/config";
  return s;
}

TEST(ParseIniTest, SectionsKeysCommentsAndNesting) {
  auto s = ParseIni(
      "# comment\n"
      "; another\n"
      "[default]\r\n"
      "  Region   =  eu-west-1  \n"
      "AWS_Access_Key_ID=AK\n"
      "[profile   dev ]\n"
      "s3 =\n"
      "  endpoint_url = http://127.0.0.1:7480\n"
      "\taddressing_style=path\n"
      "region = us-east-2\n"
      "  continued line = ignored\n"
      "no equals sign here\n"
      "[broken\n"
      "key = lost\n"
      "[default]\n"
      "output = json\n");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s["default"]["region"], "eu-west-1");
  EXPECT_EQ(s["default"]["aws_access_key_id"], "AK");
  EXPECT_EQ(s["default"]["output"], "json");  // repeated sections merge
  EXPECT_EQ(s["profile dev"]["s3.endpoint_url"], "http://127.0.0.1:7480");
  EXPECT_EQ(s["profile dev"]["s3.addressing_style"], "path");
  EXPECT_EQ(s["profile dev"]["region"], "us-east-2");
  EXPECT_EQ(s["profile dev"].count("continued line"), 0u);
  EXPECT_EQ(s["profile dev"].count("s3.continued line"), 0u);
}

TEST(ParseIniTest, ArbitraryBytesDoNotCrash) {
  using namespace std::string_literals;
  std::string junk = "[\0]\n=\n \n[]\n=x\n  =y\n\xff\xfe[a]b=c"s;
  auto s = ParseIni(junk);
  EXPECT_LE(s.size(), 3u);
  EXPECT_TRUE(ParseIni("").empty());
  EXPECT_TRUE(ParseIni("\n\n\n").empty());
}

TEST(ProfileTest, DefaultFromCredentialsFile) {
  auto p = ProfileFromText(
      Sources("[default]\naws_access_key_id = AK\naws_secret_access_key = SK\n"
              "aws_session_token = TOK\n",
              "[default]\nregion = eu-central-1\n"),
      "default", false);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_TRUE(p->credentials.has_value());
  EXPECT_EQ(p->credentials->access_key_id, "AK");
  EXPECT_EQ(p->credentials->secret_access_key, "SK");
  EXPECT_EQ(p->credentials->session_token, "TOK");
  EXPECT_EQ(p->credentials->source, "profile:default");
  EXPECT_EQ(p->region, "eu-central-1");
  EXPECT_TRUE(p->found);
}

TEST(ProfileTest, NamedProfileUsesProfilePrefixInConfigOnly) {
  auto sources =
      Sources("[dev]\naws_access_key_id = CRED\naws_secret_access_key = S1\n",
              "[dev]\nregion = wrong\n"
              "[profile dev]\nregion = ap-south-1\naws_access_key_id = CONF\n"
              "aws_secret_access_key = S2\nendpoint_url = http://global\n");
  auto p = ProfileFromText(sources, "dev", true);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->region, "ap-south-1");
  EXPECT_EQ(p->credentials->access_key_id, "CRED");  // credentials file wins
  EXPECT_EQ(p->credentials->secret_access_key, "S1");
  EXPECT_EQ(p->endpoint_url, "http://global");
}

TEST(ProfileTest, ServiceSpecificEndpointWins) {
  auto p = ProfileFromText(Sources("",
                                   "[profile a]\nendpoint_url = http://global\n"
                                   "s3 =\n  endpoint_url = http://s3-only\n"),
                           "a", true);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->endpoint_url, "http://s3-only");

  p = ProfileFromText(
      Sources("",
              "[profile b]\nservices = local\nendpoint_url = http://g\n"
              "[services local]\ns3 =\n  endpoint_url = http://svc\n"),
      "b", true);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->endpoint_url, "http://svc");
}

TEST(ProfileTest, WebIdentityAndRoleFields) {
  auto p =
      ProfileFromText(Sources("",
                              "[profile w]\nrole_arn = arn:aws:iam::1:role/r\n"
                              "web_identity_token_file = /var/token\n"
                              "role_session_name = me\n"),
                      "w", true);
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->credentials.has_value());
  EXPECT_EQ(p->role_arn, "arn:aws:iam::1:role/r");
  EXPECT_EQ(p->web_identity_token_file, "/var/token");
  EXPECT_EQ(p->role_session_name, "me");
}

TEST(ProfileTest, MissingProfiles) {
  auto implicit = ProfileFromText(Sources("", ""), "default", false);
  ASSERT_TRUE(implicit.ok());
  EXPECT_FALSE(implicit->found);
  EXPECT_FALSE(implicit->credentials.has_value());

  auto named = ProfileFromText(Sources("[other]\n", ""), "prod", true);
  EXPECT_EQ(named.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(std::string(named.status().message()), HasSubstr("'prod'"));
  EXPECT_THAT(std::string(named.status().message()),
              HasSubstr("/h/.aws/credentials"));
}

TEST(ProfileTest, HalfAKeyPairIsAnError) {
  auto p = ProfileFromText(Sources("[default]\naws_access_key_id = AK\n", ""),
                           "default", false);
  EXPECT_EQ(p.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(p.status().message()),
              HasSubstr("without aws_secret_access_key"));
}

class LoadProfileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/strata-profile-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& rel, const std::string& text) {
    std::string path = dir_ + "/" + rel;
    std::filesystem::create_directories(
        std::filesystem::path(path).parent_path());
    std::ofstream(path) << text;
    return path;
  }
  std::string dir_;
};

TEST_F(LoadProfileTest, HomeDefaults) {
  Write(".aws/credentials",
        "[default]\naws_access_key_id=AK\naws_secret_access_key=SK\n");
  Write(".aws/config", "[default]\nregion=us-west-2\n");
  auto p = LoadProfile(MapEnv({{"HOME", dir_}}));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->name, "default");
  EXPECT_EQ(p->credentials->access_key_id, "AK");
  EXPECT_EQ(p->region, "us-west-2");
}

TEST_F(LoadProfileTest, EnvironmentSelectsFilesAndProfile) {
  std::string creds = Write("c",
                            "[x]\naws_access_key_id=A\n"
                            "aws_secret_access_key=B\n");
  Write("conf", "[profile x]\nregion=r1\n");
  auto env = MapEnv({{"HOME", "/nonexistent"},
                     {"AWS_SHARED_CREDENTIALS_FILE", creds},
                     {"AWS_CONFIG_FILE", "~/conf"},
                     {"AWS_PROFILE", "x"}});
  // "~/conf" expands with HOME: point HOME at the temp dir.
  auto p = LoadProfile(MapEnv({{"HOME", dir_},
                               {"AWS_SHARED_CREDENTIALS_FILE", creds},
                               {"AWS_CONFIG_FILE", "~/conf"},
                               {"AWS_PROFILE", "x"}}));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->name, "x");
  EXPECT_EQ(p->region, "r1");
  EXPECT_EQ(p->credentials->access_key_id, "A");
  // An explicit name beats AWS_PROFILE; a missing explicit one is NotFound.
  auto q = LoadProfile(env, "nope");
  EXPECT_EQ(q.status().code(), StatusCode::kNotFound);
}

TEST_F(LoadProfileTest, MissingFilesAreFineUnreadableAreNot) {
  auto p = LoadProfile(MapEnv({{"HOME", dir_}}));
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->found);
  auto none = LoadProfile(MapEnv({}));  // no HOME at all
  ASSERT_TRUE(none.ok());
  std::filesystem::create_directories(dir_ + "/adir");
  auto bad = LoadProfile(MapEnv({{"AWS_CONFIG_FILE", dir_ + "/adir"}}));
  EXPECT_FALSE(bad.ok());
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("/adir"));
}

}  // namespace
}  // namespace strata::s3
