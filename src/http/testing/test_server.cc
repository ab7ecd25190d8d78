// TestServer: a scripted blocking HTTP/1.1 server on 127.0.0.1.

#include "http/testing/test_server.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>

#include "http/testing/listener.h"
#include "http/testing/wire.h"

namespace strata::http::testing {
namespace {

// Reads one request (head + body); false when the connection is done.
bool ReadRequest(int fd, wire::SocketReader& reader, TestRequest* req,
                 bool* keep_alive) {
  std::string head;
  if (!reader.ReadHead(&head)) return false;
  wire::RequestHead parsed;
  if (!wire::ParseRequestHead(head, &parsed)) return false;
  req->method = std::move(parsed.method);
  req->target = std::move(parsed.target);
  req->headers = std::move(parsed.headers);
  auto conn = FindHeader(req->headers, "connection");
  *keep_alive =
      !(conn && wire::Lower(*conn) == "close") && parsed.version != "HTTP/1.0";
  auto expect = FindHeader(req->headers, "expect");
  if (expect && wire::Lower(*expect) == "100-continue") {
    if (!wire::WriteAll(fd, "HTTP/1.1 100 Continue\r\n\r\n")) return false;
  }
  if (wire::IsChunked(req->headers)) return reader.ReadChunked(&req->body);
  bool bad = false;
  auto len = wire::ContentLength(req->headers, &bad);
  if (bad) return false;
  return !len || reader.ReadExact(*len, &req->body);
}

bool BodyAllowed(const std::string& method, int status) {
  return method != "HEAD" && status != 204 && status != 304 &&
         !(status >= 100 && status < 200);
}

std::string ResponseHeadText(const TestResponse& resp, bool close) {
  std::string out = "HTTP/1.1 ";
  out += std::to_string(resp.status);
  out += ' ';
  out += wire::ReasonPhrase(resp.status);
  out += "\r\n";
  for (const auto& [name, value] : resp.headers) {
    out.append(name).append(": ").append(value).append("\r\n");
  }
  bool has_length = FindHeader(resp.headers, "content-length").has_value() ||
                    wire::IsChunked(resp.headers);
  if (!has_length && resp.status != 204 && resp.status != 304) {
    out += "Content-Length: ";
    out += std::to_string(resp.body.size());
    out += "\r\n";
  }
  if (close) out += "Connection: close\r\n";
  out += "\r\n";
  return out;
}

class TestServerImpl final : public TestServer {
 public:
  explicit TestServerImpl(Handler handler) : handler_(std::move(handler)) {}
  ~TestServerImpl() override { listener_.Stop(); }

  bool Start() {
    return listener_.Start([this](int fd) { return ServeConnection(fd); });
  }
  uint16_t port() const override { return listener_.port(); }
  size_t connections_accepted() const override { return listener_.accepted(); }
  size_t requests_served() const override { return served_.load(); }
  size_t max_open_connections() const override { return listener_.max_open(); }
  uint64_t body_bytes_sent() const override { return body_sent_.load(); }

 private:
  // Returns true when the connection must be reset.
  bool ServeConnection(int fd) {
    wire::SocketReader reader(fd);
    for (;;) {
      TestRequest req;
      bool keep_alive = true;
      if (!ReadRequest(fd, reader, &req, &keep_alive)) return false;
      TestResponse resp = handler_(req);
      served_.fetch_add(1);
      if (resp.delay.count() > 0 && !listener_.SleepFor(resp.delay)) {
        return true;
      }
      bool close = resp.close_after || !keep_alive;
      std::string out = ResponseHeadText(resp, close);
      bool body = BodyAllowed(req.method, resp.status);
      if (resp.reset_after_body_bytes) {
        size_t n = std::min(*resp.reset_after_body_bytes, resp.body.size());
        if (body) out.append(resp.body, 0, n);
        wire::WriteAll(fd, out);
        return true;
      }
      if (!wire::WriteAll(fd, out)) return false;
      if (body && !WriteBody(fd, resp.body)) return false;
      if (close) return false;
    }
  }

  // Writes in pieces so body_bytes_sent() tracks a blocked writer.
  bool WriteBody(int fd, std::string_view body) {
    constexpr size_t kPiece = 64 << 10;
    while (!body.empty()) {
      size_t n = std::min(kPiece, body.size());
      if (!wire::WriteAll(fd, body.substr(0, n))) return false;
      body_sent_.fetch_add(n);
      body.remove_prefix(n);
    }
    return true;
  }

  Handler handler_;
  Listener listener_;
  std::atomic<size_t> served_{0};
  std::atomic<uint64_t> body_sent_{0};
};

}  // namespace

Result<std::unique_ptr<TestServer>> TestServer::Start(Handler handler) {
  auto server = std::make_unique<TestServerImpl>(std::move(handler));
  if (!server->Start()) {
    return UnavailableError("TestServer: cannot listen on 127.0.0.1");
  }
  return std::unique_ptr<TestServer>(std::move(server));
}

}  // namespace strata::http::testing
