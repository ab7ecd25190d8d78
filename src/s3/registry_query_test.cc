// s3:// URI query parameters: explicit credentials and the other options,
// through the registry and through FileSystemOptionsFromUri.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "s3/s3_registry.h"
#include "strata/fs/registry.h"
#include "strata/s3/s3_fs.h"

namespace strata::s3 {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kUri[] =
    "s3://bucket/p?access_key_id=A&secret_access_key=S%2Fx%2By%3D&"
    "session_token=T%26k&endpoint=http://127.0.0.1:1&region=r&path_style=true";

TEST(S3RegistryQueryTest, OpeningWithCredentialsNeedsNoNetwork) {
  ASSERT_TRUE(RegisterSchemes().ok());
  auto ref = fs::OpenFileSystem(kUri);
  ASSERT_TRUE(ref.ok()) << ref.status().ToString();
  EXPECT_EQ(ref->path, "/bucket/p");
  auto s3a = fs::OpenFileSystem(
      "s3a://bucket/p?access_key_id=A&secret_access_key=S%2Fx&"
      "endpoint=http://127.0.0.1:1");
  EXPECT_TRUE(s3a.ok()) << s3a.status().ToString();
}

TEST(S3RegistryQueryTest, CredentialsAndOptionsAreParsed) {
  fs::Uri uri = fs::Uri::Parse(kUri).value();
  auto o = FileSystemOptionsFromUri("s3", uri);
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  ASSERT_TRUE(o->client.credentials.has_value());
  EXPECT_EQ(o->client.credentials->access_key_id, "A");
  EXPECT_EQ(o->client.credentials->secret_access_key, "S/x+y=");
  EXPECT_EQ(o->client.credentials->session_token, "T&k");
  EXPECT_EQ(o->client.credentials->source, "options");
  EXPECT_EQ(o->client.endpoint, "http://127.0.0.1:1");
  EXPECT_EQ(o->client.region, "r");
  EXPECT_EQ(o->client.path_style, true);
  EXPECT_EQ(o->scheme, "s3");
}

TEST(S3RegistryQueryTest, SecretsSurviveUriToStringAndParse) {
  fs::Uri uri = fs::Uri::Parse("s3://bucket/p").value();
  uri.query["secret_access_key"] = "a/b+c=d&e%f g";
  fs::Uri back = fs::Uri::Parse(uri.ToString()).value();
  EXPECT_EQ(back.query.at("secret_access_key"), "a/b+c=d&e%f g");
  auto o = FileSystemOptionsFromUri(
      "s3", fs::Uri::Parse(uri.ToString() + "&access_key_id=A").value());
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->client.credentials->secret_access_key, "a/b+c=d&e%f g");
}

TEST(S3RegistryQueryTest, WithoutCredentialsTheChainIsUsed) {
  auto o = FileSystemOptionsFromUri(
      "s3", fs::Uri::Parse("s3://bucket/?profile=dev").value());
  ASSERT_TRUE(o.ok());
  EXPECT_FALSE(o->client.credentials.has_value());
  EXPECT_EQ(o->client.chain.profile, "dev");
}

TEST(S3RegistryQueryTest, BadParametersNameThemButNoSecret) {
  struct Case {
    const char* uri;
    const char* names;
  };
  for (const Case& c : {
           Case{"s3://b/?secret_access_key=SECRET&bogus=1", "bogus"},
           Case{"s3://b/?secret_access_key=SECRET&path_style=maybe",
                "path_style"},
           Case{"s3://b/?secret_access_key=SECRET&dir_check=2", "dir_check"},
           Case{"s3://b/?secret_access_key=SECRET", "access_key_id"},
           Case{"s3://b/?access_key_id=A", "secret_access_key"},
           Case{"s3:///?secret_access_key=SECRET", "bucket"},
       }) {
    auto o = FileSystemOptionsFromUri("s3", fs::Uri::Parse(c.uri).value());
    EXPECT_EQ(o.status().code(), StatusCode::kInvalidArgument) << c.uri;
    EXPECT_THAT(std::string(o.status().message()), HasSubstr(c.names));
    EXPECT_THAT(std::string(o.status().message()), Not(HasSubstr("SECRET")));
  }
}

TEST(S3RegistryQueryTest, AnonymousAndChecksum) {
  auto o = FileSystemOptionsFromUri(
      "s3", fs::Uri::Parse("s3://b/?anonymous=true&checksum=crc32c&"
                           "dir_check=false")
                .value());
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_TRUE(o->client.anonymous);
  EXPECT_EQ(o->client.checksum, ChecksumAlgorithm::kCrc32c);
  EXPECT_FALSE(o->check_directory_on_write);
  auto bad = FileSystemOptionsFromUri(
      "s3", fs::Uri::Parse("s3://b/?checksum=md4").value());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("checksum"));
}

TEST(S3RegistryQueryTest, GcsFlavor) {
  auto o = FileSystemOptionsFromUri(
      "gs", fs::Uri::Parse("gs://bucket/?region=auto").value());
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->client.flavor, Flavor::kGcs);
  EXPECT_EQ(o->scheme, "gs");
}

TEST(S3RegistryQueryTest, AppendIsACapabilityOfS3ButNotOfGcs) {
  ASSERT_TRUE(RegisterSchemes().ok());
  const std::string creds =
      "?access_key_id=A&secret_access_key=S&endpoint=http://127.0.0.1:1";
  auto s3 = fs::OpenFileSystem("s3://bucket/" + creds);
  ASSERT_TRUE(s3.ok()) << s3.status().ToString();
  EXPECT_TRUE(s3->fs->capabilities().append);
  auto gs = fs::OpenFileSystem("gs://bucket/" + creds);
  ASSERT_TRUE(gs.ok()) << gs.status().ToString();
  EXPECT_FALSE(gs->fs->capabilities().append);
  EXPECT_TRUE(gs->fs->capabilities().conditional_put);
}

}  // namespace
}  // namespace strata::s3
