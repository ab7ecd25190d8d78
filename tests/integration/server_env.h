// Where the integration tests find their servers, and the rule for when
// they are missing.
//
// scripts/run-tests.sh starts radosgw and Azurite and exports
// STRATA_TEST_S3_* and STRATA_TEST_AZURE_* (see scripts/start-rgw.sh and
// scripts/start-azurite.sh). Without them a test skips with the reason —
// unless STRATA_REQUIRE_SERVERS=1 (as `make test` sets), where it fails, so
// CI can never pass by skipping.
//
// Thread-safety: reads the environment only.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <random>
#include <string>

namespace strata::integration {

inline std::optional<std::string> Env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

struct S3Server {
  std::string endpoint;  // http://127.0.0.1:7480
  std::string access_key;
  std::string secret_key;
  std::string region;
};

inline std::optional<S3Server> FindS3Server() {
  auto endpoint = Env("STRATA_TEST_S3_ENDPOINT");
  if (!endpoint) return std::nullopt;
  return S3Server{*endpoint, Env("STRATA_TEST_S3_ACCESS_KEY").value_or(""),
                  Env("STRATA_TEST_S3_SECRET_KEY").value_or(""),
                  Env("STRATA_TEST_S3_REGION").value_or("us-east-1")};
}

inline bool ServersRequired() {
  return Env("STRATA_REQUIRE_SERVERS").value_or("") == "1";
}

// "prefix-<random hex>": unique bucket/container names (lower case, DNS-safe).
inline std::string UniqueName(const std::string& prefix) {
  static std::mt19937_64 rng{std::random_device{}()};
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx",
                static_cast<unsigned long long>(rng()));
  return prefix + "-" + buf;
}

}  // namespace strata::integration

// In a test body or SetUp: skips (or fails, when servers are required) if
// the server's variable is not set.
#define STRATA_REQUIRE_SERVER(found, what)                                   \
  do {                                                                       \
    if (!(found)) {                                                          \
      if (::strata::integration::ServersRequired()) {                        \
        FAIL() << what << " is not configured but STRATA_REQUIRE_SERVERS=1"; \
      }                                                                      \
      GTEST_SKIP() << what                                                   \
                   << " not configured (run scripts/start-*.sh and "         \
                      "source var/*/env)";                                   \
    }                                                                        \
  } while (0)
