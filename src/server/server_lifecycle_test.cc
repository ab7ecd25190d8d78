// Server lifecycle: the metrics endpoint, restarts on RocksDB, refusals to
// start (locked store, port in use), Shutdown/Wait.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>
#include <vector>

#include "server/metrics_http.h"
#include "server/server_test_util.h"
#include "server/socket_test_util.h"

namespace strata::server::testing {
namespace {

std::string HttpGet(const std::string& address, const std::string& path) {
  return HttpExchange(address, "GET " + path +
                                   " HTTP/1.1\r\nHost: x\r\n"
                                   "Connection: close\r\n\r\n");
}

TEST_F(ServerTest, MetricsEndpointServesRequestCounters) {
  StartServer();
  ASSERT_FALSE(server_->metrics_address().empty());
  EXPECT_NE(server_->metrics_address(), "127.0.0.1:0");
  ASSERT_TRUE(Stat("/").ok());
  EXPECT_EQ(Stat("/missing").error_code(), grpc::StatusCode::NOT_FOUND);
  std::string response = HttpGet(server_->metrics_address(), "/metrics");
  EXPECT_EQ(response.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << response;
  EXPECT_NE(response.find("Content-Type: text/plain; version=0.0.4"),
            std::string::npos);
  EXPECT_NE(response.find("strata_server_requests_total{"), std::string::npos);
  EXPECT_NE(response.find("code=\"NOT_FOUND\""), std::string::npos);
  EXPECT_NE(response.find("method=\"Stat\""), std::string::npos);
  EXPECT_NE(response.find("strata_server_request_seconds_bucket"),
            std::string::npos);
  EXPECT_NE(response.find("strata_server_mounts 1"), std::string::npos);
}

TEST_F(ServerTest, MetricsEndpointOtherPathsAndMethods) {
  StartServer();
  std::string address = server_->metrics_address();
  EXPECT_EQ(HttpGet(address, "/").rfind("HTTP/1.1 404", 0), 0u);
  EXPECT_EQ(HttpGet(address, "/metricsx").rfind("HTTP/1.1 404", 0), 0u);
  std::string post = HttpExchange(
      address, "POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(post.rfind("HTTP/1.1 405", 0), 0u) << post;
  EXPECT_EQ(HttpExchange(address, "garbage\r\n\r\n").rfind("HTTP/1.1 400", 0),
            0u);
  // Still serving after the bad requests.
  EXPECT_EQ(HttpGet(address, "/metrics?x=1").rfind("HTTP/1.1 200", 0), 0u);
}

TEST_F(ServerTest, MetricsOff) {
  ServerOptions options = DefaultOptions();
  options.metrics_listen.clear();
  StartServer(options);
  EXPECT_TRUE(server_->metrics_address().empty());
  EXPECT_TRUE(Stat("/").ok());
}

TEST_F(ServerTest, MetricsHttpServerStandalone) {
  metrics::Registry registry;
  registry.GetCounter("strata_test_total", "test").Increment(7);
  auto http = MetricsHttpServer::Start("127.0.0.1:0", registry);
  ASSERT_TRUE(http.ok()) << http.status().ToString();
  std::string response = HttpGet((*http)->address(), "/metrics");
  EXPECT_NE(response.find("strata_test_total 7"), std::string::npos);
  (*http)->Shutdown();
  (*http)->Shutdown();  // idempotent
  EXPECT_EQ(HttpGet((*http)->address(), "/metrics"), "");
  EXPECT_EQ(MetricsHttpServer::Start("no-port", registry).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(ServerTest, RestartOnRocksDbKeepsMountsAndFiles) {
  std::filesystem::create_directories(dir_ + "/disk");
  ServerOptions options = DefaultOptions();
  options.metadata = "rocksdb";
  StartServer(options);
  ASSERT_TRUE(
      Mount("/disk", "file://" + dir_ + "/disk", {{"sync_interval", "never"}})
          .ok());
  ASSERT_TRUE(Mount("/disk/inner", "mem://inner/").ok());
  ASSERT_TRUE(Write("/disk/kept", "kept-data").status.ok());
  ASSERT_TRUE(Write("/rootfile", "in-root").status.ok());
  StopServer();

  StartServer(options);
  std::vector<v1::MountInfo> mounts = ListMounts();
  ASSERT_EQ(mounts.size(), 3u);
  EXPECT_EQ(mounts[1].path(), "/disk");
  EXPECT_EQ(mounts[1].sync_interval_ms(), -1);
  EXPECT_EQ(mounts[2].path(), "/disk/inner");
  EXPECT_EQ(Read("/disk/kept").data, "kept-data");
  EXPECT_EQ(Read("/rootfile").data, "in-root");
  grpc::ClientContext ctx;
  v1::HealthCheckResponse health;
  ASSERT_TRUE(health_->Check(&ctx, v1::HealthCheckRequest(), &health).ok());
  EXPECT_EQ(health.metadata_store(), "rocksdb");
}

TEST_F(ServerTest, SecondServerOnSameRocksDbIsUnavailable) {
  ServerOptions options = DefaultOptions();
  options.metadata = "rocksdb";
  StartServer(options);
  auto second = Server::Start(options, *rt_);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable)
      << second.status().ToString();
  EXPECT_TRUE(Stat("/").ok());  // the first one still serves
}

TEST_F(ServerTest, PortInUseIsUnavailable) {
  StartServer();
  ServerOptions options = DefaultOptions();
  options.listen = server_->listen_address();
  auto second = Server::Start(options, *rt_);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(second.status().message().find(server_->listen_address()),
            std::string::npos)
      << second.status().ToString();

  options = DefaultOptions();
  options.metrics_listen = server_->metrics_address();
  second = Server::Start(options, *rt_);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
}

TEST_F(ServerTest, BadMetadataStoreName) {
  ServerOptions options = DefaultOptions();
  options.metadata = "etcd";
  EXPECT_EQ(Server::Start(options, *rt_).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(ServerTest, ExplicitRootUri) {
  ServerOptions options = DefaultOptions();
  options.root_uri = "mem://explicit-root/";
  StartServer(options);
  std::vector<v1::MountInfo> mounts = ListMounts();
  ASSERT_EQ(mounts.size(), 1u);
  EXPECT_EQ(mounts[0].type(), "mem");
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/data/root"));
}

TEST_F(ServerTest, WaitReturnsAfterShutdownFromAnotherThread) {
  StartServer();
  std::thread stopper([this] { server_->Shutdown(); });
  server_->Wait();
  stopper.join();
  server_->Shutdown();  // idempotent
}

TEST_F(ServerTest, ConcurrentShutdownsAllReturnAfterCompletion) {
  ServerOptions options = DefaultOptions();
  options.metadata = "rocksdb";
  StartServer(options);
  ASSERT_TRUE(Stat("/").ok());
  std::vector<std::thread> stoppers;
  for (int i = 0; i < 4; ++i) {
    stoppers.emplace_back([this] { server_->Shutdown(); });
  }
  for (std::thread& t : stoppers) t.join();
  server_->Wait();  // already complete: returns at once
  // Every caller returned after the store was closed: a new server can
  // open the same RocksDB at once.
  StopServer();
  StartServer(options);
  EXPECT_TRUE(Stat("/").ok());
}

}  // namespace
}  // namespace strata::server::testing
