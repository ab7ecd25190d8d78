// Region/endpoint/addressing resolution and URL building.
#include "s3/endpoint.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

namespace strata::s3 {
namespace {

EnvLookup MapEnv(std::map<std::string, std::string> vars) {
  vars.emplace("AWS_CONFIG_FILE", "/nonexistent/strata-config");
  vars.emplace("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/strata-creds");
  return [vars](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

ResolvedConfig Resolve(const ClientOptions& options, const EnvLookup& env) {
  auto r = ResolveConfig(options, env);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : ResolvedConfig();
}

TEST(EndpointTest, AwsDefaults) {
  ResolvedConfig c = Resolve(ClientOptions(), MapEnv({}));
  EXPECT_EQ(c.region, "us-east-1");
  EXPECT_EQ(c.endpoint.ToString(), "https://s3.us-east-1.amazonaws.com");
  EXPECT_FALSE(c.path_style);
  EXPECT_FALSE(c.custom_endpoint);
}

TEST(EndpointTest, EnvironmentOrder) {
  ResolvedConfig c =
      Resolve(ClientOptions(),
              MapEnv({{"AWS_REGION", "eu-west-1"},
                      {"AWS_DEFAULT_REGION", "x-y-1"},
                      {"AWS_ENDPOINT_URL", "http://generic:1"},
                      {"AWS_ENDPOINT_URL_S3", "http://127.0.0.1:7480/"}}));
  EXPECT_EQ(c.region, "eu-west-1");
  EXPECT_EQ(c.endpoint.ToString(), "http://127.0.0.1:7480");
  EXPECT_TRUE(c.path_style);
  c = Resolve(ClientOptions(), MapEnv({{"AWS_DEFAULT_REGION", "ap-south-1"},
                                       {"AWS_ENDPOINT_URL", "http://g:1"}}));
  EXPECT_EQ(c.region, "ap-south-1");
  EXPECT_EQ(c.endpoint.ToString(), "http://g:1");
  ClientOptions o;
  o.region = "us-west-2";
  o.endpoint = "https://minio.local:9000";
  o.path_style = false;
  c = Resolve(o, MapEnv({{"AWS_REGION", "eu-west-1"},
                         {"AWS_ENDPOINT_URL_S3", "http://x:1"}}));
  EXPECT_EQ(c.region, "us-west-2");
  EXPECT_EQ(c.endpoint.host_port, "minio.local:9000");
  EXPECT_FALSE(c.path_style);
}

TEST(EndpointTest, ProfileRegionAndEndpoint) {
  auto dir = std::filesystem::temp_directory_path() /
             fmt::format("strata-s3c-{}", ::getpid());
  std::filesystem::create_directories(dir);
  {
    std::ofstream f(dir / "config");
    f << "[profile p]\nregion = eu-central-1\nendpoint_url = http://p:9\n";
  }
  auto env = MapEnv(
      {{"AWS_CONFIG_FILE", (dir / "config").string()}, {"AWS_PROFILE", "p"}});
  // MapEnv's emplace keeps the values given here.
  ResolvedConfig c = Resolve(ClientOptions(), env);
  EXPECT_EQ(c.region, "eu-central-1");
  EXPECT_EQ(c.endpoint.ToString(), "http://p:9");
  EXPECT_TRUE(c.path_style);
  std::filesystem::remove_all(dir);
}

TEST(EndpointTest, GcsPreset) {
  ClientOptions o;
  o.flavor = Flavor::kGcs;
  ResolvedConfig c =
      Resolve(o, MapEnv({{"AWS_REGION", "eu-west-1"},
                         {"AWS_ENDPOINT_URL", "http://ignored:1"}}));
  EXPECT_EQ(c.region, "auto");
  EXPECT_EQ(c.endpoint.ToString(), "https://storage.googleapis.com");
  EXPECT_FALSE(c.path_style);
}

TEST(EndpointTest, BadInputs) {
  ClientOptions o;
  o.endpoint = "ftp://x";
  EXPECT_EQ(ResolveConfig(o, MapEnv({})).status().code(),
            StatusCode::kInvalidArgument);
  o.endpoint = "http://";
  EXPECT_FALSE(ResolveConfig(o, MapEnv({})).ok());
  o.endpoint = "http://h/?q";
  EXPECT_FALSE(ResolveConfig(o, MapEnv({})).ok());
  ClientOptions r;
  r.region = "us east";
  EXPECT_FALSE(ResolveConfig(r, MapEnv({})).ok());
}

TEST(EndpointTest, DnsCompatibility) {
  EXPECT_TRUE(IsDnsCompatibleBucket("my-bucket-1", true));
  EXPECT_FALSE(IsDnsCompatibleBucket("My_Bucket", false));
  EXPECT_FALSE(IsDnsCompatibleBucket("a.b.c", true));
  EXPECT_TRUE(IsDnsCompatibleBucket("a.b.c", false));
  EXPECT_FALSE(IsDnsCompatibleBucket("ab", false));
  EXPECT_FALSE(IsDnsCompatibleBucket("-abc", false));
}

TEST(EndpointTest, PathStyleUrls) {
  Endpoint ep = *ParseEndpoint("http://127.0.0.1:7480");
  EXPECT_EQ(BuildUrl(ep, true, "b", "dir/a b+c\xC3\xA9.txt"),
            "http://127.0.0.1:7480/b/dir/a%20b%2Bc%C3%A9.txt");
  EXPECT_EQ(BuildUrl(ep, true, "b", ""), "http://127.0.0.1:7480/b");
  EXPECT_EQ(BuildUrl(ep, true, "", ""), "http://127.0.0.1:7480/");
  EXPECT_EQ(BuildUrl(ep, true, "b", "k",
                     {{"partNumber", "3"}, {"uploadId", "a/b+c="}}),
            "http://127.0.0.1:7480/b/k?partNumber=3&uploadId=a%2Fb%2Bc%3D");
  EXPECT_EQ(BuildUrl(ep, true, "b", "", {{"delete", ""}}),
            "http://127.0.0.1:7480/b?delete=");
  Endpoint prefixed = *ParseEndpoint("https://gw.example/s3/");
  EXPECT_EQ(BuildUrl(prefixed, true, "b", "k"), "https://gw.example/s3/b/k");
}

TEST(EndpointTest, VirtualHostedUrls) {
  Endpoint ep = *ParseEndpoint("https://s3.eu-west-1.amazonaws.com");
  EXPECT_EQ(BuildUrl(ep, false, "bucket", "a/b c"),
            "https://bucket.s3.eu-west-1.amazonaws.com/a/b%20c");
  EXPECT_EQ(BuildUrl(ep, false, "bucket", ""),
            "https://bucket.s3.eu-west-1.amazonaws.com/");
  // Not DNS-safe over TLS: falls back to path-style.
  EXPECT_EQ(BuildUrl(ep, false, "a.b.c", "k"),
            "https://s3.eu-west-1.amazonaws.com/a.b.c/k");
}

}  // namespace
}  // namespace strata::s3
