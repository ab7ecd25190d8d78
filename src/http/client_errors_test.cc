// http::Client transport failures under both runtimes: timeouts, resets
// mid-body (never a short success), cancellation, refused connections,
// failing body sources.

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <future>
#include <stop_token>
#include <string>

#include "http/testing/client_fixture.h"
#include "http/testing/test_server.h"
#include "http/testing/wire.h"

namespace strata::http::testing {
namespace {

using ClientErrorsTest = ClientTest;

bool Mentions(const Status& s, const std::string& what) {
  return std::string(s.message()).find(what) != std::string::npos;
}

TEST_P(ClientErrorsTest, RequestTimeoutIsRetryable) {
  auto server = TestServer::Start([](const TestRequest&) {
    TestResponse r;
    r.delay = std::chrono::seconds(20);
    return r;
  });
  ASSERT_TRUE(server.ok());
  Request req = Get(**server, "/slow?sig=secret");
  req.timeout = std::chrono::milliseconds(200);
  auto resp = Send(std::move(req));
  ASSERT_FALSE(resp.ok());
  EXPECT_EQ(resp.status().code(), StatusCode::kDeadlineExceeded)
      << resp.status().ToString();
  EXPECT_TRUE(resp.status().retryable());
  EXPECT_TRUE(Mentions(resp.status(), "GET http://127.0.0.1:"));
  EXPECT_TRUE(Mentions(resp.status(), "/slow"));
  EXPECT_FALSE(Mentions(resp.status(), "secret"));
}

TEST_P(ClientErrorsTest, ResetMidBodyIsRetryableError) {
  const std::string data = Pattern(1 << 20);
  auto server = TestServer::Start([&data](const TestRequest&) {
    TestResponse r;
    r.body = data;
    r.reset_after_body_bytes = data.size() / 2;
    return r;
  });
  ASSERT_TRUE(server.ok());
  auto resp = Send(Get(**server, "/reset"));
  ASSERT_FALSE(resp.ok());
  EXPECT_TRUE(resp.status().retryable()) << resp.status().ToString();
  EXPECT_TRUE(Mentions(resp.status(), "/reset"));
  auto streamed = Fetch(Get(**server, "/reset"), 1000);
  ASSERT_FALSE(streamed.ok());
  EXPECT_TRUE(streamed.status().retryable()) << streamed.status().ToString();
}

TEST_P(ClientErrorsTest, ConnectionRefusedNamesUrl) {
  uint16_t port = 0;
  int fd = wire::ListenLoopback(&port);
  ASSERT_GE(fd, 0);
  ::close(fd);  // nothing listens there now
  Request req;
  req.method = "PUT";
  req.url = "http://127.0.0.1:";
  req.url += std::to_string(port);
  req.url += "/k?X-Amz-Signature=s";
  auto resp = Send(std::move(req));
  ASSERT_FALSE(resp.ok());
  EXPECT_EQ(resp.status().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(resp.status().retryable());
  EXPECT_TRUE(Mentions(resp.status(), "PUT http://127.0.0.1:"));
  EXPECT_TRUE(Mentions(resp.status(), "/k"));
  EXPECT_FALSE(Mentions(resp.status(), "X-Amz-Signature"));
}

TEST_P(ClientErrorsTest, StopTokenCancels) {
  std::promise<void> arrived;
  std::atomic<bool> once{false};
  auto server = TestServer::Start([&](const TestRequest&) {
    if (!once.exchange(true)) arrived.set_value();
    TestResponse r;
    r.delay = std::chrono::seconds(20);
    return r;
  });
  ASSERT_TRUE(server.ok());
  std::stop_source stop;
  Request req = Get(**server, "/wait");
  req.stop = stop.get_token();
  auto handle = rt_->Spawn(client_->Send(std::move(req)));
  arrived.get_future().wait();
  stop.request_stop();
  auto resp = handle.Join();
  ASSERT_FALSE(resp.ok());
  EXPECT_EQ(resp.status().code(), StatusCode::kCancelled);
  // The client still works afterwards.
  auto server2 =
      TestServer::Start([](const TestRequest&) { return TestResponse(); });
  ASSERT_TRUE(server2.ok());
  EXPECT_TRUE(Send(Get(**server2, "/ok")).ok());
}

TEST_P(ClientErrorsTest, AlreadyStoppedTokenCancels) {
  auto server =
      TestServer::Start([](const TestRequest&) { return TestResponse(); });
  ASSERT_TRUE(server.ok());
  std::stop_source stop;
  stop.request_stop();
  Request req = Get(**server, "/x");
  req.stop = stop.get_token();
  auto resp = Send(std::move(req));
  ASSERT_FALSE(resp.ok());
  EXPECT_EQ(resp.status().code(), StatusCode::kCancelled);
}

class FailingSource final : public BodySource {
 public:
  std::optional<uint64_t> size() const override { return std::nullopt; }
  Task<Result<size_t>> Read(MutableBytes dst) override {
    if (calls_++ == 0) {
      dst[0] = std::byte{'a'};
      co_return size_t{1};
    }
    co_return DataLossError("source broke");
  }
  Status Rewind() override { return FailedPreconditionError("no rewind"); }

 private:
  int calls_ = 0;
};

TEST_P(ClientErrorsTest, BodySourceErrorFailsRequest) {
  auto server =
      TestServer::Start([](const TestRequest&) { return TestResponse(); });
  ASSERT_TRUE(server.ok());
  FailingSource source;
  Request req = Get(**server, "/up");
  req.method = "PUT";
  req.body_source = &source;
  auto resp = Send(std::move(req));
  ASSERT_FALSE(resp.ok());
  EXPECT_EQ(resp.status().code(), StatusCode::kDataLoss)
      << resp.status().ToString();
  EXPECT_TRUE(Mentions(resp.status(), "source broke"));
  EXPECT_TRUE(Mentions(resp.status(), "PUT "));
}

TEST_P(ClientErrorsTest, BadUrlIsInvalidArgument) {
  Request req;
  req.url = "nope://x";
  auto resp = Send(std::move(req));
  ASSERT_FALSE(resp.ok());
  EXPECT_FALSE(resp.status().retryable());
}

INSTANTIATE_TEST_SUITE_P(Runtimes, ClientErrorsTest, ::testing::Bool(),
                         RuntimeName);

}  // namespace
}  // namespace strata::http::testing
