// http::Client when the runtimes around it come and go: a runtime that
// drove curl stops while another runtime's request is in flight, a
// ResponseBody destroyed on a plain thread frees a connection for a queued
// request, and Open() with a BodySource releases the source on return.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <future>
#include <string>
#include <thread>

#include "http/testing/client_fixture.h"
#include "http/testing/test_server.h"
#include "strata/runtime/io.h"

namespace strata::http::testing {
namespace {

using ClientLifetimeTest = ClientTest;

constexpr size_t kFirstBody = 1 << 20;

// "/first" answers a big body; "/slow" blocks until `release` is ready
// (after setting `entered`); anything else echoes the target.
struct Gate {
  std::promise<void> entered;
  std::shared_future<void> release;
};

std::unique_ptr<TestServer> GateServer(const std::string* big, Gate* gate) {
  auto s = TestServer::Start([big, gate](const TestRequest& r) {
    TestResponse resp;
    if (r.target == "/first") {
      resp.body = *big;
    } else if (r.target == "/slow") {
      gate->entered.set_value();
      gate->release.wait();
      resp.body = "slow done";
    } else {
      resp.body = r.target;
    }
    return resp;
  });
  EXPECT_TRUE(s.ok());
  return s.ok() ? std::move(s).value() : nullptr;
}

Task<Result<std::string>> ReadAllAndDrop(std::unique_ptr<ResponseBody> body) {
  co_return co_await body->ReadAll(kFirstBody + 1);
}

TEST_P(ClientLifetimeTest, RequestSurvivesTheRuntimeThatDroveCurl) {
  ClientOptions copt;
  copt.max_connections_per_host = 1;  // "/slow" queues behind "/first"
  MakeClient(copt);
  const std::string big = Pattern(kFirstBody, 5);
  std::promise<void> release;
  Gate gate;
  gate.release = release.get_future().share();
  auto server = GateServer(&big, &gate);
  ASSERT_TRUE(server);
  RuntimeOptions options;
  options.reactor_threads = 1;
  options.io_uring =
      GetParam() ? runtime::IoUringMode::kOn : runtime::IoUringMode::kOff;
  auto a = Runtime::Create(options);
  ASSERT_TRUE(a.ok());
  // Runtime A holds the only connection...
  auto first = (*a)->BlockOn(client_->Open(Get(*server, "/first")));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  // ...so B's request queues inside curl...
  auto slow = rt_->Spawn(client_->Send(Get(*server, "/slow")));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  // ...and is started by A's drive when A finishes its body: its socket
  // watchers and timer live on A.
  auto all = (*a)->BlockOn(ReadAllAndDrop(std::move(first).value()));
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_TRUE(*all == big);
  gate.entered.get_future().wait();
  a->reset();  // A's watchers end with -ECANCELED
  release.set_value();
  Result<Response> r = slow.Join();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "slow done");
}

TEST_P(ClientLifetimeTest, BodyDestroyedOffRuntimeStartsQueuedRequest) {
  ClientOptions copt;
  copt.max_connections_per_host = 1;
  MakeClient(copt);
  const std::string big = Pattern(kFirstBody, 6);
  Gate gate;  // unused: no "/slow" here
  auto server = GateServer(&big, &gate);
  ASSERT_TRUE(server);
  auto first = rt_->BlockOn(client_->Open(Get(*server, "/first")));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto second = rt_->Spawn(client_->Send(Get(*server, "/second")));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  // The test thread is no runtime thread: curl asks for its "start the
  // queued handle now" timer from here.
  first->reset();
  Result<Response> r = second.Join();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "/second");
}

// A server that answers as soon as the request headers are in, then
// discards the request body (so the upload outlives the response headers).
class EarlyAnswerServer {
 public:
  EarlyAnswerServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::listen(fd_, 4) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ADD_FAILURE() << "listen failed";
      return;
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~EarlyAnswerServer() {
    ::shutdown(fd_, SHUT_RDWR);
    if (thread_.joinable()) thread_.join();
    ::close(fd_);
  }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/up";
  }

 private:
  void Serve() {
    int c = ::accept(fd_, nullptr, nullptr);
    if (c < 0) return;
    std::string in;
    char buf[65536];
    while (in.find("\r\n\r\n") == std::string::npos) {
      ssize_t n = ::read(c, buf, sizeof(buf));
      if (n <= 0) break;
      in.append(buf, static_cast<size_t>(n));
    }
    const char kAnswer[] =
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
    (void)!::write(c, kAnswer, sizeof(kAnswer) - 1);
    while (::read(c, buf, sizeof(buf)) > 0) {
    }
    ::close(c);
  }

  int fd_ = -1;
  uint16_t port_ = 0;
  std::thread thread_;
};

// Hands out `chunks` chunks, each after a short sleep; counts reads.
class SlowSource final : public BodySource {
 public:
  explicit SlowSource(int chunks) : chunks_(chunks) {}
  std::optional<uint64_t> size() const override { return std::nullopt; }
  Task<Result<size_t>> Read(MutableBytes dst) override {
    reads_.fetch_add(1);
    in_read_.fetch_add(1);
    Status s = co_await runtime::SleepFor(std::chrono::milliseconds(5));
    in_read_.fetch_sub(1);
    if (!s.ok()) co_return s;
    if (chunks_ == 0) co_return size_t{0};
    --chunks_;
    size_t n = std::min<size_t>(dst.size(), 16 << 10);
    std::memset(dst.data(), 'u', n);
    co_return n;
  }
  Status Rewind() override {
    return FailedPreconditionError("SlowSource cannot rewind");
  }
  int reads() const { return reads_.load(); }
  int in_read() const { return in_read_.load(); }

 private:
  int chunks_;
  std::atomic<int> reads_{0};
  std::atomic<int> in_read_{0};
};

TEST_P(ClientLifetimeTest, OpenReleasesTheBodySourceOnReturn) {
  EarlyAnswerServer server;
  SlowSource source(20);
  Request req;
  req.method = "PUT";
  req.url = server.url();
  req.body_source = &source;
  auto opened = rt_->BlockOn(client_->Open(std::move(req)));
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  // The source may be freed now: no read in flight, none started later.
  EXPECT_EQ(source.in_read(), 0);
  const int reads = source.reads();
  opened->reset();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(source.reads(), reads);
  EXPECT_EQ(source.in_read(), 0);
}

INSTANTIATE_TEST_SUITE_P(Runtimes, ClientLifetimeTest, ::testing::Bool(),
                         RuntimeName);

}  // namespace
}  // namespace strata::http::testing
