// Fixtures for integration tests that drive the `strata` CLI and the
// reference clients (aws, az) against the test servers: a scratch
// directory, a fresh bucket (radosgw) or container (Azurite) per test, and
// the environment each tool needs.
//
// Thread-safety: none needed (tests are single-threaded).
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "cli/cli_test_util.h"
#include "server_env.h"

namespace strata::integration {

using cli::testing::CliResult;
using cli::testing::RunCli;
using cli::testing::RunProgram;

// Debian's aws-cli v2 (another `aws` may come first on PATH).
inline constexpr const char* kAws = "/usr/bin/aws";
inline constexpr const char* kAz = "/usr/bin/az";
inline constexpr const char* kCurl = "/usr/bin/curl";

// A bucket on radosgw created for one test, removed (with its objects) after.
class S3CliTest : public cli::testing::CliTest {
 protected:
  void SetUp() override {
    cli::testing::CliTest::SetUp();
    server_ = FindS3Server();
    STRATA_REQUIRE_SERVER(server_.has_value(), "radosgw (STRATA_TEST_S3_*)");
    env_ = {"AWS_ACCESS_KEY_ID=" + server_->access_key,
            "AWS_SECRET_ACCESS_KEY=" + server_->secret_key,
            "AWS_REGION=" + server_->region,
            "AWS_DEFAULT_REGION=" + server_->region,
            "!AWS_PROFILE",
            "!AWS_SESSION_TOKEN",
            "!AWS_CONFIG_FILE",
            "!AWS_SHARED_CREDENTIALS_FILE",
            "!AWS_ENDPOINT_URL",
            "!AWS_ENDPOINT_URL_S3",
            "AWS_EC2_METADATA_DISABLED=true",
            "AWS_PAGER="};
    bucket_ = UniqueName("strata-cli");
    CliResult r = Strata({"mkdir", "s3://" + bucket_});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  void TearDown() override {
    if (!bucket_.empty()) {
      (void)Aws({"s3", "rb", "--force", "s3://" + bucket_});
    }
    cli::testing::CliTest::TearDown();
  }

  // strata ARGS --endpoint E --path-style (flags after the subcommand).
  CliResult Strata(std::vector<std::string> args) {
    args.push_back("--endpoint");
    args.push_back(server_->endpoint);
    args.push_back("--path-style");
    return RunCli(args, env_);
  }
  CliResult Aws(std::vector<std::string> args) {
    std::vector<std::string> argv = {kAws, "--endpoint-url", server_->endpoint};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunProgram(std::move(argv), env_);
  }
  std::string Uri(const std::string& key) const {
    return "s3://" + bucket_ + "/" + key;
  }

  std::optional<S3Server> server_;
  std::vector<std::string> env_;
  std::string bucket_;
};

// A container on Azurite created for one test, removed after.
class AzureCliTest : public cli::testing::CliTest {
 protected:
  void SetUp() override {
    cli::testing::CliTest::SetUp();
    auto conn = Env("STRATA_TEST_AZURE_CONNECTION_STRING");
    STRATA_REQUIRE_SERVER(conn.has_value(),
                          "Azurite (STRATA_TEST_AZURE_CONNECTION_STRING)");
    env_ = {"AZURE_STORAGE_CONNECTION_STRING=" + *conn,
            "!AZURE_STORAGE_ACCOUNT",
            "!AZURE_STORAGE_KEY",
            "!AZURE_STORAGE_SAS_TOKEN",
            "AZURE_CORE_COLLECT_TELEMETRY=no",
            "AZURE_CORE_ONLY_SHOW_ERRORS=true"};
    container_ = UniqueName("strata-cli");
    CliResult r = RunCli({"mkdir", "az://" + container_}, env_);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  void TearDown() override {
    if (!container_.empty()) {
      (void)Az(
          {"storage", "container", "delete", "-n", container_, "-o", "none"});
    }
    cli::testing::CliTest::TearDown();
  }

  CliResult Strata(std::vector<std::string> args) { return RunCli(args, env_); }
  CliResult Az(std::vector<std::string> args) {
    std::vector<std::string> argv = {kAz};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunProgram(std::move(argv), env_);
  }
  std::string Uri(const std::string& blob) const {
    return "az://" + container_ + "/" + blob;
  }

  std::vector<std::string> env_;
  std::string container_;
};

}  // namespace strata::integration
