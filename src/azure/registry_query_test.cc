// az:// URI query parameters: account, credentials and endpoint, through the
// registry and through AzureOptionsFromUri.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "azure/azure_registry.h"
#include "strata/azure/config.h"
#include "strata/fs/registry.h"

namespace strata::azure {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(AzureRegistryQueryTest, ParsesEveryParameter) {
  auto o = AzureOptionsFromUri(
      fs::Uri::Parse("az://container/p?account=acct&account_key=K%2Fk%2B%3D%3D"
                     "&sas_token=sv%3D1%26sig%3D2&endpoint=http://127.0.0.1:1/"
                     "acct&connection_string=A%3Db%3BC%3Dd")
          .value());
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  const Settings& s = o->client.settings;
  EXPECT_EQ(s.account, "acct");
  EXPECT_EQ(s.key, "K/k+==");
  EXPECT_EQ(s.sas_token, "sv=1&sig=2");
  EXPECT_EQ(s.endpoint, "http://127.0.0.1:1/acct");
  EXPECT_EQ(s.connection_string, "A=b;C=d");
}

TEST(AzureRegistryQueryTest, ShortAliasesStillWork) {
  auto o = AzureOptionsFromUri(
      fs::Uri::Parse("az://c/?account=a&key=k&sas=s").value());
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->client.settings.key, "k");
  EXPECT_EQ(o->client.settings.sas_token, "s");
  auto same = AzureOptionsFromUri(
      fs::Uri::Parse("az://c/?key=k&account_key=k").value());
  EXPECT_TRUE(same.ok());
}

TEST(AzureRegistryQueryTest, BadParametersNameThemButNoSecret) {
  for (const char* uri : {"az://c/?account_key=SECRET&bogus=1",
                          "az://c/?account_key=SECRET&key=SECRET2"}) {
    auto o = AzureOptionsFromUri(fs::Uri::Parse(uri).value());
    EXPECT_EQ(o.status().code(), StatusCode::kInvalidArgument) << uri;
    EXPECT_THAT(std::string(o.status().message()), HasSubstr("az://c/"));
    EXPECT_THAT(std::string(o.status().message()), Not(HasSubstr("SECRET")));
  }
}

TEST(AzureRegistryQueryTest, OpeningWithAKeyNeedsNoNetwork) {
  ASSERT_TRUE(RegisterSchemes().ok());
  std::string key;
  for (char c : kDevAccountKey) {
    if (c == '/')
      key += "%2F";
    else if (c == '+')
      key += "%2B";
    else if (c == '=')
      key += "%3D";
    else
      key += c;
  }
  auto ref = fs::OpenFileSystem(
      "az://container/p?account=devstoreaccount1&"
      "account_key=" +
      key + "&endpoint=http://127.0.0.1:1/devstoreaccount1");
  ASSERT_TRUE(ref.ok()) << ref.status().ToString();
  EXPECT_EQ(ref->path, "/container/p");
  auto bad = fs::OpenFileSystem("az://container/p?bogus=1");
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("bogus"));
}

}  // namespace
}  // namespace strata::azure
