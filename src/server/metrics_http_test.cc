// MetricsHttpServer against misbehaving clients: silent, trickling, and
// Shutdown while one of them holds the serving thread.

#include "server/metrics_http.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "server/socket_test_util.h"

namespace strata::server {
namespace {

using Clock = std::chrono::steady_clock;

using testing::ConnectLoopback;

// Sends a GET /metrics and returns the whole response.
std::string Get(const std::string& address) {
  return testing::HttpExchange(address,
                               "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
}

// True when the server closed `fd` (EOF or reset) within `wait`.
bool ClosedByPeer(int fd, std::chrono::milliseconds wait) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(wait.count())) <= 0) return false;
  char c;
  return ::recv(fd, &c, 1, MSG_DONTWAIT) <= 0;
}

// Sends a never-ending request head one byte every 100 ms until the server
// drops the connection or `stop` is set (at most 30 s). `cut_off` tells
// whether the server dropped it.
void Trickle(const std::string& address, const std::atomic<bool>* stop,
             std::atomic<bool>* cut_off) {
  int fd = ConnectLoopback(address);
  ASSERT_GE(fd, 0);
  const std::string head = "GET /metrics HTTP/1.1\r\nX-Slow: ";
  Clock::time_point end = Clock::now() + std::chrono::seconds(30);
  for (size_t i = 0; !stop->load() && Clock::now() < end; ++i) {
    char c = i < head.size() ? head[i] : 'a';
    if (::send(fd, &c, 1, MSG_NOSIGNAL) != 1 ||
        ClosedByPeer(fd, std::chrono::milliseconds(100))) {
      cut_off->store(true);
      break;
    }
  }
  ::close(fd);
}

std::unique_ptr<MetricsHttpServer> StartOrDie(metrics::Registry& registry) {
  auto http = MetricsHttpServer::Start("127.0.0.1:0", registry);
  EXPECT_TRUE(http.ok()) << http.status().ToString();
  return http.ok() ? std::move(*http) : nullptr;
}

TEST(MetricsHttpTest, SilentClientIsDroppedAndOthersAreServed) {
  metrics::Registry registry;
  registry.GetCounter("strata_test_total", "test").Increment(3);
  auto http = StartOrDie(registry);
  ASSERT_NE(http, nullptr);
  int silent = ConnectLoopback(http->address());
  ASSERT_GE(silent, 0);
  // Served after the silent client's deadline passes.
  std::string response = Get(http->address());
  EXPECT_NE(response.find("strata_test_total 3"), std::string::npos);
  EXPECT_TRUE(ClosedByPeer(silent, std::chrono::seconds(10)));
  ::close(silent);
}

TEST(MetricsHttpTest, TricklingClientIsCutOffAtTheDeadline) {
  metrics::Registry registry;
  auto http = StartOrDie(registry);
  ASSERT_NE(http, nullptr);
  std::atomic<bool> stop{false};
  std::atomic<bool> cut_off{false};
  std::thread client(Trickle, http->address(), &stop, &cut_off);
  client.join();  // returns when cut off (or after 30 s: the test fails)
  EXPECT_TRUE(cut_off.load());
  EXPECT_EQ(Get(http->address()).rfind("HTTP/1.1 200", 0), 0u);
}

TEST(MetricsHttpTest, ShutdownIsPromptWhileATricklingClientIsServed) {
  metrics::Registry registry;
  auto http = StartOrDie(registry);
  ASSERT_NE(http, nullptr);
  std::atomic<bool> stop{false};
  std::atomic<bool> cut_off{false};
  std::thread client(Trickle, http->address(), &stop, &cut_off);
  // Let the server accept the connection and start reading it.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  Clock::time_point t0 = Clock::now();
  http->Shutdown();
  auto took = Clock::now() - t0;
  stop.store(true);
  client.join();
  // Generous bound: the read deadline alone is 2 s, and the client would
  // keep a server without the wake check busy for 30 s.
  EXPECT_LT(took, std::chrono::seconds(10));
}

TEST(MetricsHttpTest, ShutdownIsPromptWithASilentClient) {
  metrics::Registry registry;
  auto http = StartOrDie(registry);
  ASSERT_NE(http, nullptr);
  int silent = ConnectLoopback(http->address());
  ASSERT_GE(silent, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  Clock::time_point t0 = Clock::now();
  http->Shutdown();
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(10));
  EXPECT_TRUE(ClosedByPeer(silent, std::chrono::seconds(10)));
  ::close(silent);
}

}  // namespace
}  // namespace strata::server
