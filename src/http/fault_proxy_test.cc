// FaultProxy in front of a TestServer, observed through http::Client under
// both runtimes: byte-exact forwarding and every Fault kind.

#include <gtest/gtest.h>

#include <mutex>
#include <string>

#include "http/testing/client_fixture.h"
#include "http/testing/test_server.h"

namespace strata::http::testing {
namespace {

class FaultProxyTest : public ClientTest {
 protected:
  void SetUp() override {
    ClientTest::SetUp();
    if (IsSkipped()) return;
    auto server =
        TestServer::Start([this](const TestRequest& r) { return Handle(r); });
    ASSERT_TRUE(server.ok());
    server_ = std::move(server).value();
    auto proxy = FaultProxy::Start("127.0.0.1", server_->port());
    ASSERT_TRUE(proxy.ok());
    proxy_ = std::move(proxy).value();
  }
  void TearDown() override {
    proxy_.reset();
    server_.reset();
    ClientTest::TearDown();
  }

  TestResponse Handle(const TestRequest& r) {
    {
      std::lock_guard lock(mu_);
      last_ = r;
    }
    TestResponse resp;
    if (r.target == "/big") {
      resp.body = Pattern(2 << 20, 3);
    } else if (r.target == "/chunked") {
      resp.headers.emplace_back("Transfer-Encoding", "chunked");
      resp.body = "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
    } else if (r.target == "/nocontent") {
      resp.status = 204;
    } else {
      resp.body = r.body;
    }
    return resp;
  }
  TestRequest last() {
    std::lock_guard lock(mu_);
    return last_;
  }
  Request ViaProxy(const std::string& path) {
    Request r;
    r.url = proxy_->url() + path;
    return r;
  }

  std::unique_ptr<TestServer> server_;
  std::unique_ptr<FaultProxy> proxy_;
  std::mutex mu_;
  TestRequest last_;
};

TEST_P(FaultProxyTest, ForwardsByteExact) {
  const std::string up = Pattern(1 << 20, 9);
  Request put = ViaProxy("/echo?q=1");
  put.method = "PUT";
  put.body = AsBytes(up);
  put.headers.emplace_back("X-Signed", "abc");
  auto resp = Send(std::move(put));
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_TRUE(resp->body == up);
  TestRequest seen = last();
  EXPECT_EQ(seen.target, "/echo?q=1");
  EXPECT_EQ(FindHeader(seen.headers, "x-signed").value_or(""), "abc");
  std::string host = "127.0.0.1:";
  host += std::to_string(proxy_->port());
  EXPECT_EQ(FindHeader(seen.headers, "host").value_or(""), host);

  auto big = Fetch(ViaProxy("/big"), 10000);
  ASSERT_TRUE(big.ok()) << big.status().ToString();
  EXPECT_TRUE(*big == Pattern(2 << 20, 3));

  auto chunked = Send(ViaProxy("/chunked"));
  ASSERT_TRUE(chunked.ok()) << chunked.status().ToString();
  EXPECT_EQ(chunked->body, "hello world");

  StringSource source(Pattern(300000, 4), false);
  Request post = ViaProxy("/echo");
  post.method = "POST";
  post.body_source = &source;
  resp = Send(std::move(post));
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_TRUE(resp->body == Pattern(300000, 4));

  Request head = ViaProxy("/big");
  head.method = "HEAD";
  resp = Send(std::move(head));
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_EQ(resp->header("content-length").value_or(""),
            std::to_string(2 << 20));
  resp = Send(ViaProxy("/nocontent"));
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_EQ(resp->status, 204);
  EXPECT_EQ(proxy_->faults_injected(), 0u);
  EXPECT_EQ(proxy_->requests_seen(), server_->requests_served());
}

TEST_P(FaultProxyTest, StatusFaultsAnswerWithXmlErrors) {
  proxy_->Script({Fault::kStatus500, Fault::kStatus503, Fault::kSlowDown,
                  Fault::kThrottle429, Fault::kNone});
  const struct {
    int status;
    const char* code;
  } kWant[] = {{500, "InternalError"},
               {503, "ServiceUnavailable"},
               {503, "SlowDown"},
               {429, "TooManyRequests"},
               {200, nullptr}};
  const std::string body = Pattern(100000, 5);
  for (const auto& want : kWant) {
    Request put = ViaProxy("/obj");
    put.method = "PUT";
    put.body = AsBytes(body);  // drained by the proxy before answering
    auto resp = Send(std::move(put));
    ASSERT_TRUE(resp.ok()) << resp.status().ToString();
    EXPECT_EQ(resp->status, want.status);
    if (want.code != nullptr) {
      std::string tag = "<Code>";
      tag += want.code;
      tag += "</Code>";
      EXPECT_NE(resp->body.find(tag), std::string::npos) << resp->body;
    } else {
      EXPECT_TRUE(resp->body == body);
    }
  }
  EXPECT_EQ(proxy_->faults_injected(), 4u);
  EXPECT_EQ(server_->requests_served(), 1u);
}

TEST_P(FaultProxyTest, ResetsAreRetryableErrors) {
  proxy_->Script({Fault::kResetBeforeResponse});
  MakeClient();  // fresh connection: curl does not silently re-send
  auto resp = Send(ViaProxy("/obj"));
  ASSERT_FALSE(resp.ok());
  EXPECT_TRUE(resp.status().retryable()) << resp.status().ToString();

  proxy_->Script({Fault::kResetMidBody});
  MakeClient();
  resp = Send(ViaProxy("/big"));
  ASSERT_FALSE(resp.ok());
  EXPECT_TRUE(resp.status().retryable()) << resp.status().ToString();

  proxy_->Script({Fault::kResetMidBody});
  MakeClient();
  auto streamed = Fetch(ViaProxy("/big"), 4096);
  ASSERT_FALSE(streamed.ok());
  EXPECT_TRUE(streamed.status().retryable()) << streamed.status().ToString();

  auto ok = Fetch(ViaProxy("/big"), 4096);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_TRUE(*ok == Pattern(2 << 20, 3));
}

TEST_P(FaultProxyTest, DelayFault) {
  proxy_->set_delay(std::chrono::milliseconds(20));
  proxy_->Script({Fault::kDelay});
  auto resp = Send(ViaProxy("/big"));
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_EQ(resp->body.size(), 2u << 20);
  proxy_->set_delay(std::chrono::seconds(20));
  proxy_->Script({Fault::kDelay});
  Request req = ViaProxy("/x");
  req.timeout = std::chrono::milliseconds(100);
  resp = Send(std::move(req));
  ASSERT_FALSE(resp.ok());
  EXPECT_EQ(resp.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(proxy_->faults_injected(), 2u);
}

TEST_P(FaultProxyTest, RandomizedFaultsAreCounted) {
  proxy_->Randomize(0.5, {Fault::kStatus500, Fault::kSlowDown}, 42);
  size_t errors = 0;
  for (int i = 0; i < 40; ++i) {
    auto resp = Send(ViaProxy("/r"));
    ASSERT_TRUE(resp.ok()) << resp.status().ToString();
    if (resp->status != 200) ++errors;
  }
  EXPECT_EQ(errors, proxy_->faults_injected());
  EXPECT_GT(errors, 0u);
  EXPECT_LT(errors, 40u);
  EXPECT_EQ(proxy_->requests_seen(), 40u);
  EXPECT_EQ(server_->requests_served(), 40u - errors);
}

INSTANTIATE_TEST_SUITE_P(Runtimes, FaultProxyTest, ::testing::Bool(),
                         RuntimeName);

}  // namespace
}  // namespace strata::http::testing
