// http::Client against the in-process TestServer, under both runtimes:
// methods and headers, collected/streamed/into bodies, uploads from
// BodySources, connection reuse and caps.

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

#include "http/testing/client_fixture.h"
#include "http/testing/test_server.h"
#include "strata/core/when_all.h"

namespace strata::http::testing {
namespace {

// Records every request it sees and echoes method, target and body.
class Recorder {
 public:
  TestResponse operator()(const TestRequest& req) {
    {
      std::lock_guard lock(mu_);
      requests_.push_back(req);
    }
    TestResponse r;
    r.headers.emplace_back("X-Echo-Method", req.method);
    r.headers.emplace_back("X-Echo-Target", req.target);
    r.body = req.method == "HEAD" ? std::string(123, 'h') : req.body;
    if (req.target == "/nocontent") {
      r.status = 204;
      r.body.clear();
    }
    return r;
  }
  TestRequest last() {
    std::lock_guard lock(mu_);
    return requests_.back();
  }

 private:
  std::mutex mu_;
  std::vector<TestRequest> requests_;
};

std::unique_ptr<TestServer> StartServer(TestServer::Handler h) {
  auto s = TestServer::Start(std::move(h));
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(s).value() : nullptr;
}

TEST_P(ClientTest, MethodsRoundTrip) {
  auto recorder = std::make_shared<Recorder>();
  auto server =
      StartServer([recorder](const TestRequest& r) { return (*recorder)(r); });
  ASSERT_TRUE(server);
  const std::string payload = "payload bytes";
  for (const char* method : {"GET", "PUT", "POST", "DELETE", "PATCH"}) {
    Request req = Get(*server, "/obj/a%20b?x=1&y=2");
    req.method = method;
    bool with_body =
        std::string(method) != "GET" && std::string(method) != "DELETE";
    if (with_body) req.body = AsBytes(payload);
    req.headers.emplace_back("X-Custom", "v1");
    auto resp = Send(std::move(req));
    ASSERT_TRUE(resp.ok()) << method << ": " << resp.status().ToString();
    EXPECT_EQ(resp->status, 200);
    EXPECT_EQ(resp->header("x-echo-method").value_or(""), method);
    EXPECT_EQ(resp->header("X-ECHO-TARGET").value_or(""), "/obj/a%20b?x=1&y=2");
    EXPECT_EQ(resp->body, with_body ? payload : "");
    EXPECT_EQ(resp->body_size, resp->body.size());
    TestRequest seen = recorder->last();
    EXPECT_EQ(seen.method, method);
    EXPECT_EQ(FindHeader(seen.headers, "x-custom").value_or(""), "v1");
    EXPECT_FALSE(FindHeader(seen.headers, "expect")) << method;
    EXPECT_FALSE(FindHeader(seen.headers, "content-type")) << method;
    EXPECT_FALSE(FindHeader(seen.headers, "accept-encoding")) << method;
    if (with_body) {
      EXPECT_EQ(FindHeader(seen.headers, "content-length").value_or(""),
                std::to_string(payload.size()));
    }
  }
  // Received header names are lower-cased, in arrival order.
  auto resp = Send(Get(*server, "/x"));
  ASSERT_TRUE(resp.ok());
  ASSERT_GE(resp->headers.size(), 2u);
  EXPECT_EQ(resp->headers[0].first, "x-echo-method");
  EXPECT_EQ(resp->headers[1].first, "x-echo-target");
}

TEST_P(ClientTest, HeadPutWithoutBodyAndNoContent) {
  auto recorder = std::make_shared<Recorder>();
  auto server =
      StartServer([recorder](const TestRequest& r) { return (*recorder)(r); });
  ASSERT_TRUE(server);
  Request head = Get(*server, "/h");
  head.method = "HEAD";
  auto resp = Send(std::move(head));
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_EQ(resp->header("content-length").value_or(""), "123");
  EXPECT_EQ(resp->body, "");
  Request put = Get(*server, "/empty");
  put.method = "PUT";
  resp = Send(std::move(put));
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_EQ(FindHeader(recorder->last().headers, "content-length").value_or(""),
            "0");
  Request empty_header = Get(*server, "/nocontent");
  empty_header.headers.emplace_back("X-Empty", "");
  resp = Send(std::move(empty_header));
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_EQ(resp->status, 204);
  auto seen = FindHeader(recorder->last().headers, "x-empty");
  ASSERT_TRUE(seen);
  EXPECT_EQ(*seen, "");
  // HEAD through Open(): returns with no body to read.
  Request open_head = Get(*server, "/h");
  open_head.method = "HEAD";
  auto body = Fetch(std::move(open_head), 100);
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  EXPECT_EQ(*body, "");
}

TEST_P(ClientTest, LargeBodyStreamsInSmallReads) {
  const std::string big = Pattern(32 << 20);
  auto server = StartServer([&big](const TestRequest&) {
    TestResponse r;
    r.body = big;
    return r;
  });
  ASSERT_TRUE(server);
  auto got = Fetch(Get(*server, "/big"), 4096 + 17);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->size(), big.size());
  EXPECT_TRUE(*got == big);
}

TEST_P(ClientTest, ResponseIntoExactAndOverflow) {
  const std::string data = Pattern(100000);
  auto server = StartServer([&data](const TestRequest&) {
    TestResponse r;
    r.body = data;
    return r;
  });
  ASSERT_TRUE(server);
  std::string buf(data.size(), '\0');
  Request req = Get(*server, "/d");
  req.response_into = AsMutable(buf);
  auto resp = Send(std::move(req));
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_EQ(resp->body_size, data.size());
  EXPECT_TRUE(resp->body.empty());
  EXPECT_TRUE(buf == data);

  std::string small(data.size() - 1, '\0');
  Request over = Get(*server, "/d");
  over.response_into = AsMutable(small);
  resp = Send(std::move(over));
  ASSERT_FALSE(resp.ok());
  EXPECT_EQ(resp.status().code(), StatusCode::kOutOfRange);
  EXPECT_NE(resp.status().message().find("/d"), std::string::npos);
}

TEST_P(ClientTest, MaxBufferedBodyIsEnforced) {
  auto server = StartServer([](const TestRequest&) {
    TestResponse r;
    r.body = std::string(10000, 'z');
    return r;
  });
  ASSERT_TRUE(server);
  ClientOptions options;
  options.max_buffered_body = 9999;
  MakeClient(options);
  auto resp = Send(Get(*server, "/z"));
  ASSERT_FALSE(resp.ok());
  EXPECT_EQ(resp.status().code(), StatusCode::kResourceExhausted);
  options.max_buffered_body = 10000;
  MakeClient(options);
  resp = Send(Get(*server, "/z"));
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_EQ(resp->body.size(), 10000u);
}

TEST_P(ClientTest, BodySourceUploads) {
  auto recorder = std::make_shared<Recorder>();
  auto server =
      StartServer([recorder](const TestRequest& r) { return (*recorder)(r); });
  ASSERT_TRUE(server);
  for (bool known : {false, true}) {
    const std::string data = Pattern(3 << 20, known ? 7 : 8);
    StringSource source(data, known);
    Request req = Get(*server, "/upload");
    req.method = "PUT";
    req.body_source = &source;
    auto resp = Send(std::move(req));
    ASSERT_TRUE(resp.ok()) << resp.status().ToString();
    TestRequest seen = recorder->last();
    EXPECT_TRUE(seen.body == data) << "known=" << known;
    EXPECT_TRUE(resp->body == data);
    if (known) {
      EXPECT_EQ(FindHeader(seen.headers, "content-length").value_or(""),
                std::to_string(data.size()));
    } else {
      EXPECT_EQ(FindHeader(seen.headers, "transfer-encoding").value_or(""),
                "chunked");
    }
    EXPECT_FALSE(FindHeader(seen.headers, "expect"));
  }
  StringSource empty("", false);
  Request req = Get(*server, "/empty-source");
  req.method = "POST";
  req.body_source = &empty;
  auto resp = Send(std::move(req));
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_EQ(recorder->last().body, "");
}

TEST_P(ClientTest, SequentialRequestsReuseConnections) {
  auto server = StartServer([](const TestRequest& r) {
    TestResponse resp;
    resp.body = r.target;
    return resp;
  });
  ASSERT_TRUE(server);
  for (int i = 0; i < 100; ++i) {
    std::string path = "/r/";
    path += std::to_string(i);
    auto resp = Send(Get(*server, path));
    ASSERT_TRUE(resp.ok()) << resp.status().ToString();
    ASSERT_EQ(resp->body, path);
  }
  EXPECT_LE(server->connections_accepted(), 2u);
  EXPECT_EQ(server->requests_served(), 100u);
  auto stats = client_->stats();
  EXPECT_EQ(stats.requests, 100u);
  EXPECT_EQ(stats.connections_opened, server->connections_accepted());
}

Task<Status> SendMany(Client* client, std::string base, int count) {
  std::vector<Task<Result<Response>>> tasks;
  for (int i = 0; i < count; ++i) {
    Request r;
    r.url = base;
    r.url += "/c/";
    r.url += std::to_string(i);
    tasks.push_back(client->Send(std::move(r)));
  }
  auto results = co_await WhenAll(std::move(tasks));
  for (size_t i = 0; i < results.size(); ++i) {
    if (!results[i].ok()) co_return results[i].status();
    std::string want = "/c/";
    want += std::to_string(i);
    if (results[i]->body != want) co_return InternalError(want);
  }
  co_return Status::OK();
}

TEST_P(ClientTest, ConcurrentRequestsRespectPerHostCap) {
  auto server = StartServer([](const TestRequest& r) {
    TestResponse resp;
    resp.body = r.target;
    resp.delay = std::chrono::milliseconds(2);
    return resp;
  });
  ASSERT_TRUE(server);
  ClientOptions options;
  options.max_connections_per_host = 4;
  MakeClient(options);
  Status s = rt_->BlockOn(SendMany(client_.get(), server->url(), 64));
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(server->requests_served(), 64u);
  EXPECT_LE(server->max_open_connections(), 4u);
  EXPECT_LE(client_->stats().connections_opened, 4u);
}

INSTANTIATE_TEST_SUITE_P(Runtimes, ClientTest, ::testing::Bool(), RuntimeName);

TEST(UriTest, EncodeDecode) {
  EXPECT_EQ(UriEncode("a b/c~d_e.f-g+h"), "a%20b%2Fc~d_e.f-g%2Bh");
  EXPECT_EQ(UriEncode("a b/c", true), "a%20b/c");
  EXPECT_EQ(UriEncode("\xff\x01"), "%FF%01");
  auto d = UriDecode("a%20b%2fc+d");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, "a b/c+d");
  EXPECT_FALSE(UriDecode("%2").ok());
  EXPECT_FALSE(UriDecode("%zz").ok());
  EXPECT_EQ(UriDecode(UriEncode("\x00\x7f x/y", false)).value(),
            "\x00\x7f x/y");
}

TEST(HeadersTest, FindHeaderIsCaseInsensitive) {
  Headers h = {{"Content-Length", "5"}, {"x-a", "1"}, {"X-A", "2"}};
  EXPECT_EQ(FindHeader(h, "content-length").value_or(""), "5");
  EXPECT_EQ(FindHeader(h, "X-a").value_or(""), "1");
  EXPECT_FALSE(FindHeader(h, "x-b"));
}

}  // namespace
}  // namespace strata::http::testing
