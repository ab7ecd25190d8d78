// http::Client streaming under both runtimes: a slow reader pauses the
// transfer (bounded memory), abandoned bodies, ReadAll limits, and one
// client shared by two runtimes at once.

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "http/testing/client_fixture.h"
#include "http/testing/test_server.h"
#include "strata/core/when_all.h"

namespace strata::http::testing {
namespace {

using ClientStreamTest = ClientTest;

constexpr size_t kBig = 32 << 20;

std::unique_ptr<TestServer> BigServer(const std::string* body) {
  auto s = TestServer::Start([body](const TestRequest& r) {
    TestResponse resp;
    if (r.target == "/big") {
      resp.body = *body;
    } else {
      resp.body = r.target;
    }
    return resp;
  });
  EXPECT_TRUE(s.ok());
  return s.ok() ? std::move(s).value() : nullptr;
}

TEST_P(ClientStreamTest, SlowReaderPausesTheTransfer) {
  const std::string big = Pattern(kBig, 11);
  auto server = BigServer(&big);
  ASSERT_TRUE(server);
  auto opened = rt_->BlockOn(client_->Open(Get(*server, "/big")));
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  std::unique_ptr<ResponseBody> body = std::move(opened).value();
  EXPECT_EQ(body->response().status, 200);
  EXPECT_EQ(body->response().header("content-length").value_or(""),
            std::to_string(kBig));
  std::string got;
  std::string buf(4096, '\0');
  auto n = rt_->BlockOn(body->Read(AsMutable(buf)));
  ASSERT_TRUE(n.ok());
  got.append(buf, 0, *n);
  // While nobody reads, the transfer stays paused: the server cannot get
  // rid of the body (only socket buffers' worth is in flight).
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_LT(server->body_bytes_sent(), kBig);
  for (;;) {
    n = rt_->BlockOn(body->Read(AsMutable(buf)));
    ASSERT_TRUE(n.ok()) << n.status().ToString();
    if (*n == 0) break;
    got.append(buf, 0, *n);
  }
  ASSERT_EQ(got.size(), big.size());
  EXPECT_TRUE(got == big);
  EXPECT_EQ(server->body_bytes_sent(), kBig);
  // After the end, Read keeps returning 0.
  n = rt_->BlockOn(body->Read(AsMutable(buf)));
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 0u);
}

TEST_P(ClientStreamTest, AbandonedBodyDiscardsItsConnection) {
  const std::string big = Pattern(kBig, 12);
  auto server = BigServer(&big);
  ASSERT_TRUE(server);
  {
    auto opened = rt_->BlockOn(client_->Open(Get(*server, "/big")));
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    std::string buf(1000, '\0');
    auto n = rt_->BlockOn((*opened)->Read(AsMutable(buf)));
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(buf.substr(0, *n), big.substr(0, *n));
  }  // destroyed mid-body
  for (int i = 0; i < 3; ++i) {
    auto resp = Send(Get(*server, "/small"));
    ASSERT_TRUE(resp.ok()) << resp.status().ToString();
    EXPECT_EQ(resp->body, "/small");
  }
  EXPECT_EQ(server->connections_accepted(), 2u);
}

Task<Result<std::string>> ReadAllOf(Client* client, Request req, size_t limit) {
  STRATA_CO_ASSIGN_OR_RETURN(std::unique_ptr<ResponseBody> body,
                             co_await client->Open(std::move(req)));
  co_return co_await body->ReadAll(limit);
}

TEST_P(ClientStreamTest, ReadAllHonoursItsLimit) {
  const std::string big = Pattern(1 << 20, 13);
  auto server = BigServer(&big);
  ASSERT_TRUE(server);
  auto all =
      rt_->BlockOn(ReadAllOf(client_.get(), Get(*server, "/big"), 1 << 20));
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_TRUE(*all == big);
  auto over = rt_->BlockOn(
      ReadAllOf(client_.get(), Get(*server, "/big"), (1 << 20) - 1));
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.status().code(), StatusCode::kResourceExhausted);
}

Task<Status> ManyRequests(Client* client, std::string base, int count) {
  std::vector<Task<Result<Response>>> tasks;
  for (int i = 0; i < count; ++i) {
    Request r;
    r.url = base;
    r.url += "/m/";
    r.url += std::to_string(i);
    tasks.push_back(client->Send(std::move(r)));
  }
  auto results = co_await WhenAll(std::move(tasks));
  for (size_t i = 0; i < results.size(); ++i) {
    if (!results[i].ok()) co_return results[i].status();
    std::string want = "/m/";
    want += std::to_string(i);
    if (results[i]->body != want) co_return InternalError(want);
  }
  co_return Status::OK();
}

TEST_P(ClientStreamTest, OneClientTwoRuntimes) {
  std::string unused;
  auto server = BigServer(&unused);
  ASSERT_TRUE(server);
  RuntimeOptions options;
  options.reactor_threads = 2;
  options.io_uring =
      GetParam() ? runtime::IoUringMode::kOn : runtime::IoUringMode::kOff;
  auto other = Runtime::Create(options);
  ASSERT_TRUE(other.ok());
  Status a, b;
  for (int round = 0; round < 3; ++round) {
    std::thread t([&] {
      a = (*other)->BlockOn(ManyRequests(client_.get(), server->url(), 40));
    });
    b = rt_->BlockOn(ManyRequests(client_.get(), server->url(), 40));
    t.join();
    ASSERT_TRUE(a.ok()) << a.ToString();
    ASSERT_TRUE(b.ok()) << b.ToString();
  }
  EXPECT_EQ(server->requests_served(), 240u);
}

INSTANTIATE_TEST_SUITE_P(Runtimes, ClientStreamTest, ::testing::Bool(),
                         RuntimeName);

}  // namespace
}  // namespace strata::http::testing
