// LoadConfigFile, ParseDuration and the status mapping.

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "server/server.h"
#include "server/status_mapping.h"

namespace strata::server {
namespace {

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/strata_config_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string WriteConfig(const std::string& text) {
    std::string path = dir_ + "/server.toml";
    std::ofstream(path) << text;
    return path;
  }

  std::string dir_;
};

TEST_F(ConfigTest, GoodFileSetsEveryKey) {
  std::string path = WriteConfig(
      "# comment\n"
      "data_dir = \"/srv/strata\"\n"
      "listen = \"0.0.0.0:6000\"\n"
      "metrics_listen = \"off\"\n"
      "root_uri = \"mem://r/\"\n"
      "metadata = \"memory\"\n"
      "sync_metadata = true\n"
      "sync_interval = \"5m\"\n"
      "max_threads = 8\n");
  ServerOptions options;
  ASSERT_TRUE(LoadConfigFile(path, &options).ok());
  EXPECT_EQ(options.data_dir, "/srv/strata");
  EXPECT_EQ(options.listen, "0.0.0.0:6000");
  EXPECT_EQ(options.metrics_listen, "");
  EXPECT_EQ(options.root_uri, "mem://r/");
  EXPECT_EQ(options.metadata, "memory");
  EXPECT_TRUE(options.sync_metadata);
  EXPECT_EQ(options.default_sync_interval, std::chrono::minutes(5));
  EXPECT_EQ(options.max_threads, 8);
}

TEST_F(ConfigTest, OnlyPresentKeysOverride) {
  std::string path = WriteConfig("listen = \"127.0.0.1:7000\"\n");
  ServerOptions options;
  options.data_dir = "/kept";
  ASSERT_TRUE(LoadConfigFile(path, &options).ok());
  EXPECT_EQ(options.listen, "127.0.0.1:7000");
  EXPECT_EQ(options.data_dir, "/kept");
  EXPECT_EQ(options.metadata, "rocksdb");
  EXPECT_EQ(options.metrics_listen, "127.0.0.1:9464");
}

TEST_F(ConfigTest, UnknownKeyNamesFileLineAndKey) {
  std::string path = WriteConfig("listen = \"a:1\"\n\nlisten_addr = \"x\"\n");
  ServerOptions options;
  Status status = LoadConfigFile(path, &options);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find(path + ":3"), std::string::npos)
      << status.message();
  EXPECT_NE(status.message().find("listen_addr"), std::string::npos);
  EXPECT_EQ(options.listen, "127.0.0.1:50051");  // untouched on error
}

TEST_F(ConfigTest, BadTypesAndValues) {
  const char* cases[] = {
      "max_threads = \"eight\"\n",
      "sync_metadata = \"yes\"\n",
      "listen = 50051\n",
      "metadata = \"etcd\"\n",
      "sync_interval = \"soon\"\n",
      "max_threads = -1\n",
      "[server]\nlisten = \"x:1\"\n",
  };
  for (const char* text : cases) {
    ServerOptions options;
    Status status = LoadConfigFile(WriteConfig(text), &options);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << text;
    EXPECT_NE(status.message().find("server.toml:"), std::string::npos)
        << status.message();
  }
}

TEST_F(ConfigTest, SyntaxErrorNamesLine) {
  std::string path = WriteConfig("listen = \"ok:1\"\nthis is not toml\n");
  ServerOptions options;
  Status status = LoadConfigFile(path, &options);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find(path + ":2"), std::string::npos)
      << status.message();
}

TEST_F(ConfigTest, MissingFileIsNotFound) {
  ServerOptions options;
  Status status = LoadConfigFile(dir_ + "/absent.toml", &options);
  EXPECT_EQ(status.code(), StatusCode::kNotFound);
  EXPECT_NE(status.message().find("absent.toml"), std::string::npos);
}

TEST(ParseDurationTest, UnitsAndSpecialValues) {
  EXPECT_EQ(*ParseDuration("250ms"), std::chrono::milliseconds(250));
  EXPECT_EQ(*ParseDuration("60s"), std::chrono::seconds(60));
  EXPECT_EQ(*ParseDuration("5m"), std::chrono::minutes(5));
  EXPECT_EQ(*ParseDuration("2h"), std::chrono::hours(2));
  EXPECT_EQ(*ParseDuration("0"), std::chrono::milliseconds(0));
  EXPECT_EQ(*ParseDuration("never"), std::chrono::milliseconds(-1));
  for (const char* bad : {"", "5", "s", "-1s", "5d", "1.5s", "never!"}) {
    EXPECT_EQ(ParseDuration(bad).status().code(), StatusCode::kInvalidArgument)
        << bad;
  }
}

TEST(StatusMappingTest, SameNamedCodesBothWays) {
  EXPECT_TRUE(ToGrpcStatus(Status::OK()).ok());
  EXPECT_TRUE(FromGrpcStatus(grpc::Status::OK).ok());
  for (int code = 1; code <= 15; ++code) {
    if (code == 2) continue;  // strata has no UNKNOWN
    Status status(static_cast<StatusCode>(code), "msg /p");
    grpc::Status wire = ToGrpcStatus(status);
    EXPECT_EQ(static_cast<int>(wire.error_code()), code);
    EXPECT_EQ(wire.error_message(), "msg /p");
    Status back = FromGrpcStatus(wire);
    EXPECT_EQ(back, status);
    EXPECT_EQ(back.retryable(), code == 14);
  }
  EXPECT_EQ(ToGrpcStatus(NotFoundError("open /a")).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(FromGrpcStatus(grpc::Status(grpc::StatusCode::UNKNOWN, "?")).code(),
            StatusCode::kInternal);
  EXPECT_EQ(FromGrpcStatus(grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "?"))
                .code(),
            StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace strata::server
