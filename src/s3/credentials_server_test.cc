// IMDSv2 and STS web identity against in-process fakes (TestServer), under
// both runtime kinds: token handshake, refresh before expiry, one shared
// refresh for concurrent callers, stale-but-valid fallback, STS errors, and
// the chain's last two sources.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "http/testing/test_server.h"
#include "s3/credentials_internal.h"
#include "strata/runtime/runtime.h"
#include "strata/s3/credentials.h"

namespace strata::s3 {
namespace {

using http::testing::TestRequest;
using http::testing::TestResponse;
using http::testing::TestServer;
using runtime::IoUringMode;
using ::testing::HasSubstr;

EnvLookup MapEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](
             std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

std::string Header(const TestRequest& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

// UTC ISO 8601 `secs` from now.
std::string ExpiresIn(int secs) {
  std::time_t t = std::time(nullptr) + secs;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

TestResponse Reply(int status, std::string body) {
  TestResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

// A fake IMDSv2: tokens only via PUT with the TTL header; metadata GETs
// without a valid token are refused with 401 like the real service.
class FakeImds {
 public:
  std::atomic<int> requests{0};
  std::atomic<int> credential_fetches{0};
  std::atomic<int> fail_credentials{0};  // 1: answer 500
  std::atomic<int> expires_in{3600};

  TestResponse Handle(const TestRequest& r) {
    ++requests;
    if (r.target == "/latest/api/token") {
      if (r.method != "PUT" ||
          Header(r, "x-aws-ec2-metadata-token-ttl-seconds").empty()) {
        return Reply(400, "");
      }
      return Reply(200, "TOKEN-123");
    }
    if (Header(r, "x-aws-ec2-metadata-token") != "TOKEN-123" ||
        r.method != "GET") {
      return Reply(401, "");
    }
    if (r.target == "/latest/meta-data/iam/security-credentials/") {
      return Reply(200, "my-role\n");
    }
    if (r.target == "/latest/meta-data/iam/security-credentials/my-role") {
      if (fail_credentials.load()) return Reply(500, "");
      int n = ++credential_fetches;
      return Reply(200, R"({"Code":"Success","AccessKeyId":"IMDS)" +
                            std::to_string(n) +
                            R"(","SecretAccessKey":"s","Token":"t",)"
                            R"("Expiration":")" +
                            ExpiresIn(expires_in.load()) + R"("})");
    }
    return Reply(404, "");
  }
};

// A fake STS answering AssumeRoleWithWebIdentity.
class FakeSts {
 public:
  std::atomic<int> requests{0};
  std::atomic<bool> deny{false};
  std::mutex mu;
  std::vector<std::string> bodies;

  TestResponse Handle(const TestRequest& r) {
    int n = ++requests;
    {
      std::lock_guard lock(mu);
      bodies.push_back(r.body);
    }
    if (r.method != "POST" ||
        r.body.find("Action=AssumeRoleWithWebIdentity") == std::string::npos) {
      return Reply(400, "");
    }
    if (deny.load()) {
      return Reply(400,
                   "<ErrorResponse><Error><Type>Sender</Type>"
                   "<Code>InvalidIdentityToken</Code>"
                   "<Message>Token expired</Message></Error></ErrorResponse>");
    }
    return Reply(
        200,
        "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult>"
        "<Credentials><AccessKeyId>STS" +
            std::to_string(n) +
            "</AccessKeyId><SecretAccessKey>s</SecretAccessKey>"
            "<SessionToken>t</SessionToken><Expiration>" +
            ExpiresIn(3600) +
            "</Expiration></Credentials></AssumeRoleWithWebIdentityResult>"
            "</AssumeRoleWithWebIdentityResponse>");
  }
};

Task<std::vector<Result<Credentials>>> GetMany(
    std::shared_ptr<CredentialsProvider> p, int n) {
  std::vector<Task<Result<Credentials>>> tasks;
  for (int i = 0; i < n; ++i) tasks.push_back(p->Get());
  std::vector<JoinHandle<Result<Credentials>>> handles;
  for (auto& t : tasks)
    handles.push_back(Runtime::Current()->Spawn(std::move(t)));
  std::vector<Result<Credentials>> out;
  for (auto& h : handles) out.push_back(co_await h);
  co_return out;
}

class CredentialsServerTest : public ::testing::TestWithParam<IoUringMode> {
 protected:
  void SetUp() override {
    RuntimeOptions options;
    options.io_uring = GetParam();
    options.reactor_threads = 2;
    auto rt = Runtime::Create(options);
    if (!rt.ok() && GetParam() == IoUringMode::kOn) {
      GTEST_SKIP() << "io_uring unavailable: " << rt.status().ToString();
    }
    ASSERT_TRUE(rt.ok()) << rt.status().ToString();
    rt_ = std::move(rt).value();
    auto client = http::Client::Create();
    ASSERT_TRUE(client.ok()) << client.status().ToString();
    client_ = *client;
    char tmpl[] = "/tmp/strata-cred-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<TestServer> StartImds() {
    auto s = TestServer::Start(
        [this](const TestRequest& r) { return imds_.Handle(r); });
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }
  std::unique_ptr<TestServer> StartSts() {
    auto s = TestServer::Start(
        [this](const TestRequest& r) { return sts_.Handle(r); });
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }
  std::string WriteToken(const std::string& token) {
    std::string path = dir_ + "/token";
    std::ofstream(path) << token;
    return path;
  }
  Result<Credentials> Get(const std::shared_ptr<CredentialsProvider>& p) {
    return rt_->BlockOn(p->Get());
  }
  ChainOptions Options(std::chrono::seconds refresh_before) {
    ChainOptions o;
    o.env = MapEnv({{"HOME", dir_}});
    o.refresh_before = refresh_before;
    o.imds_timeout = std::chrono::milliseconds(2000);
    return o;
  }

  std::unique_ptr<Runtime> rt_;
  std::shared_ptr<http::Client> client_;
  std::string dir_;
  FakeImds imds_;
  FakeSts sts_;
};

TEST_P(CredentialsServerTest, ImdsTokenHandshakeAndCache) {
  auto server = StartImds();
  ASSERT_NE(server, nullptr);
  auto o = Options(std::chrono::seconds(300));
  o.imds_endpoint = server->url();
  auto p = NewImdsCredentials(o, client_);
  auto c = Get(p);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, "IMDS1");
  EXPECT_EQ(c->session_token, "t");
  EXPECT_EQ(c->source, "imds");
  EXPECT_EQ(imds_.requests.load(), 3);  // token, role, credentials
  auto again = Get(p);                  // cached: expiry is an hour away
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->access_key_id, "IMDS1");
  EXPECT_EQ(imds_.requests.load(), 3);
}

TEST_P(CredentialsServerTest, ImdsRefreshesNearExpiry) {
  auto server = StartImds();
  ASSERT_NE(server, nullptr);
  imds_.expires_in = 5;
  auto o = Options(std::chrono::seconds(3600));  // always inside the window
  o.imds_endpoint = server->url();
  auto p = NewImdsCredentials(o, client_);
  ASSERT_EQ(Get(p)->access_key_id, "IMDS1");
  ASSERT_EQ(Get(p)->access_key_id, "IMDS2");
  EXPECT_EQ(imds_.credential_fetches.load(), 2);
  EXPECT_EQ(imds_.requests.load(), 6);
}

TEST_P(CredentialsServerTest, ConcurrentCallersShareOneRefresh) {
  auto server = StartImds();
  ASSERT_NE(server, nullptr);
  auto o = Options(std::chrono::seconds(60));
  o.imds_endpoint = server->url();
  auto p = NewImdsCredentials(o, client_);
  auto results = rt_->BlockOn(GetMany(p, 8));
  for (const auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->access_key_id, "IMDS1");
  }
  EXPECT_EQ(imds_.credential_fetches.load(), 1);
}

TEST_P(CredentialsServerTest, FailedRefreshKeepsValidCredentials) {
  auto server = StartImds();
  ASSERT_NE(server, nullptr);
  imds_.expires_in = 60;
  auto o = Options(std::chrono::seconds(3600));
  o.imds_endpoint = server->url();
  auto p = NewImdsCredentials(o, client_);
  ASSERT_EQ(Get(p)->access_key_id, "IMDS1");
  imds_.fail_credentials = 1;
  auto c = Get(p);  // refresh fails; the cached ones are still valid
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, "IMDS1");
  EXPECT_EQ(imds_.credential_fetches.load(), 1);
}

TEST_P(CredentialsServerTest, ImdsUnusableWithoutCacheIsAnError) {
  auto server = StartImds();
  ASSERT_NE(server, nullptr);
  imds_.fail_credentials = 1;
  auto o = Options(std::chrono::seconds(60));
  o.imds_endpoint = server->url();
  auto c = Get(NewImdsCredentials(o, client_));
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(std::string(c.status().message()), HasSubstr("imds"));
  EXPECT_TRUE(c.status().retryable());
}

TEST_P(CredentialsServerTest, WebIdentitySuccessRereadsToken) {
  auto server = StartSts();
  ASSERT_NE(server, nullptr);
  auto o = Options(std::chrono::seconds(7200));  // refresh on every Get
  o.sts_endpoint = server->url();
  auto p = NewWebIdentityCredentials(
      "arn:aws:iam::123:role/r", WriteToken("jwt-one\n"), "sess", o, client_);
  auto c = Get(p);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, "STS1");
  EXPECT_EQ(c->source, "web-identity");
  WriteToken("jwt-two");
  ASSERT_EQ(Get(p)->access_key_id, "STS2");
  std::lock_guard lock(sts_.mu);
  ASSERT_EQ(sts_.bodies.size(), 2u);
  EXPECT_THAT(sts_.bodies[0], HasSubstr("Version=2011-06-15"));
  EXPECT_THAT(sts_.bodies[0],
              HasSubstr("RoleArn=arn%3Aaws%3Aiam%3A%3A123%3Arole%2Fr"));
  EXPECT_THAT(sts_.bodies[0], HasSubstr("RoleSessionName=sess"));
  EXPECT_THAT(sts_.bodies[0], HasSubstr("WebIdentityToken=jwt-one"));
  EXPECT_THAT(sts_.bodies[1], HasSubstr("WebIdentityToken=jwt-two"));
}

TEST_P(CredentialsServerTest, StsErrorIsPermissionDeniedNamingSts) {
  auto server = StartSts();
  ASSERT_NE(server, nullptr);
  sts_.deny = true;
  auto o = Options(std::chrono::seconds(60));
  o.sts_endpoint = server->url();
  auto c = Get(
      NewWebIdentityCredentials("arn:r", WriteToken("jwt"), "", o, client_));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kPermissionDenied);
  std::string m(c.status().message());
  EXPECT_THAT(m, HasSubstr("STS"));
  EXPECT_THAT(m, HasSubstr("InvalidIdentityToken"));
}

TEST_P(CredentialsServerTest, ChainUsesWebIdentityBeforeImds) {
  auto sts = StartSts();
  auto imds = StartImds();
  ASSERT_TRUE(sts && imds);
  auto o = Options(std::chrono::seconds(60));
  o.env = MapEnv({{"HOME", dir_},
                  {"AWS_WEB_IDENTITY_TOKEN_FILE", WriteToken("jwt")},
                  {"AWS_ROLE_ARN", "arn:r"},
                  {"AWS_EC2_METADATA_SERVICE_ENDPOINT", imds->url()}});
  o.sts_endpoint = sts->url();
  auto chain = NewDefaultCredentialChain(o, client_);
  ASSERT_TRUE(chain.ok()) << chain.status().ToString();
  auto c = Get(*chain);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->source, "web-identity");
  EXPECT_EQ(imds_.requests.load(), 0);
}

TEST_P(CredentialsServerTest, ChainFallsBackToImds) {
  auto imds = StartImds();
  ASSERT_NE(imds, nullptr);
  auto o = Options(std::chrono::seconds(60));
  o.env = MapEnv(
      {{"HOME", dir_}, {"AWS_EC2_METADATA_SERVICE_ENDPOINT", imds->url()}});
  auto chain = NewDefaultCredentialChain(o, client_);
  ASSERT_TRUE(chain.ok());
  auto c = Get(*chain);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->source, "imds");
}

TEST_P(CredentialsServerTest, ChainWithUnreachableImdsListsSources) {
  std::string dead_url;
  {
    auto imds = StartImds();  // learn a free port, then close it
    ASSERT_NE(imds, nullptr);
    dead_url = imds->url();
  }
  auto o = Options(std::chrono::seconds(60));
  o.imds_endpoint = dead_url;
  auto chain = NewDefaultCredentialChain(o, client_);
  ASSERT_TRUE(chain.ok());
  auto c = Get(*chain);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kPermissionDenied);
  std::string m(c.status().message());
  EXPECT_THAT(m, HasSubstr("environment"));
  EXPECT_THAT(m, HasSubstr("profile 'default'"));
  EXPECT_THAT(m, HasSubstr("EC2 instance metadata"));
}

INSTANTIATE_TEST_SUITE_P(Runtimes, CredentialsServerTest,
                         ::testing::Values(IoUringMode::kOn, IoUringMode::kOff),
                         [](const auto& info) {
                           return info.param == IoUringMode::kOn
                                      ? std::string("IoUring")
                                      : std::string("Poll");
                         });

}  // namespace
}  // namespace strata::s3
