// TestServer and wire helpers, exercised with plain blocking sockets (no
// runtime): keep-alive, chunked request bodies, HEAD, misbehaviours.

#include "http/testing/test_server.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "http/testing/wire.h"

namespace strata::http::testing {
namespace {

struct Exchange {
  wire::ResponseHead head;
  std::string body;
};

// Sends `raw` and reads one response (Content-Length bodies only).
bool RoundTrip(int fd, wire::SocketReader& reader, const std::string& raw,
               Exchange* out, bool head_request = false) {
  if (!wire::WriteAll(fd, raw)) return false;
  std::string head;
  if (!reader.ReadHead(&head)) return false;
  if (!wire::ParseResponseHead(head, &out->head)) return false;
  bool bad = false;
  auto len = wire::ContentLength(out->head.headers, &bad);
  if (head_request || !len) return true;
  return reader.ReadExact(*len, &out->body);
}

TestResponse Echo(const TestRequest& req) {
  TestResponse r;
  r.headers.emplace_back("X-Method", req.method);
  r.headers.emplace_back("X-Target", req.target);
  r.body = req.body;
  return r;
}

TEST(TestServerTest, KeepAliveAndChunkedBodies) {
  auto server = TestServer::Start(&Echo);
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  int fd = wire::ConnectTo("127.0.0.1", (*server)->port());
  ASSERT_GE(fd, 0);
  wire::SocketReader reader(fd);
  Exchange a;
  ASSERT_TRUE(RoundTrip(fd, reader,
                        "PUT /a?x=1 HTTP/1.1\r\nHost: h\r\n"
                        "Content-Length: 5\r\n\r\nhello",
                        &a));
  EXPECT_EQ(a.head.status, 200);
  EXPECT_EQ(a.body, "hello");
  EXPECT_EQ(FindHeader(a.head.headers, "x-target").value_or(""), "/a?x=1");
  Exchange b;
  ASSERT_TRUE(RoundTrip(fd, reader,
                        "POST /b HTTP/1.1\r\nHost: h\r\n"
                        "Transfer-Encoding: chunked\r\n\r\n"
                        "3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\nT: v\r\n\r\n",
                        &b));
  EXPECT_EQ(b.body, "abcde");
  Exchange c;
  ASSERT_TRUE(
      RoundTrip(fd, reader, "HEAD /c HTTP/1.1\r\nHost: h\r\n\r\n", &c, true));
  EXPECT_EQ(FindHeader(c.head.headers, "content-length").value_or(""), "0");
  ::close(fd);
  EXPECT_EQ((*server)->connections_accepted(), 1u);
  EXPECT_EQ((*server)->requests_served(), 3u);
}

TEST(TestServerTest, ResetAfterBodyBytes) {
  auto server = TestServer::Start([](const TestRequest&) {
    TestResponse r;
    r.body = std::string(1000, 'x');
    r.reset_after_body_bytes = 10;
    return r;
  });
  ASSERT_TRUE(server.ok());
  int fd = wire::ConnectTo("127.0.0.1", (*server)->port());
  ASSERT_GE(fd, 0);
  wire::SocketReader reader(fd);
  Exchange a;
  EXPECT_FALSE(RoundTrip(fd, reader, "GET / HTTP/1.1\r\nHost: h\r\n\r\n", &a));
  EXPECT_LT(a.body.size(), 1000u);
  ::close(fd);
}

TEST(TestServerTest, CloseAfterAndStopWithOpenConnections) {
  auto server = TestServer::Start([](const TestRequest& req) {
    TestResponse r;
    r.close_after = req.target == "/close";
    r.body = "ok";
    return r;
  });
  ASSERT_TRUE(server.ok());
  int fd = wire::ConnectTo("127.0.0.1", (*server)->port());
  ASSERT_GE(fd, 0);
  wire::SocketReader reader(fd);
  Exchange a;
  ASSERT_TRUE(
      RoundTrip(fd, reader, "GET /close HTTP/1.1\r\nHost: h\r\n\r\n", &a));
  EXPECT_EQ(FindHeader(a.head.headers, "connection").value_or(""), "close");
  std::string rest;
  reader.ReadToEof(&rest);
  EXPECT_EQ(rest, "");
  ::close(fd);
  // An idle keep-alive connection does not block the destructor.
  int idle = wire::ConnectTo("127.0.0.1", (*server)->port());
  ASSERT_GE(idle, 0);
  server->reset();
  ::close(idle);
}

TEST(WireTest, ParseResponseHead) {
  wire::ResponseHead h;
  ASSERT_TRUE(wire::ParseResponseHead(
      "HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\nX-A:  b \r\n", &h));
  EXPECT_EQ(h.status, 404);
  EXPECT_EQ(h.reason, "Not Found");
  ASSERT_EQ(h.headers.size(), 2u);
  EXPECT_EQ(h.headers[1].first, "x-a");
  EXPECT_EQ(h.headers[1].second, "b");
  EXPECT_FALSE(wire::ParseResponseHead("garbage", &h));
}

}  // namespace
}  // namespace strata::http::testing
