// FaultProxy: a forwarding HTTP/1.1 proxy that injects faults.
//
// Each client connection gets its own keep-alive upstream connection. A
// request is read completely (head + body, raw bytes kept), a fault is
// chosen, and the request is either answered locally, dropped with a reset,
// or forwarded and its response relayed byte for byte.

#include <unistd.h>

#include <deque>
#include <mutex>
#include <random>
#include <string>
#include <utility>

#include "http/testing/listener.h"
#include "http/testing/test_server.h"
#include "http/testing/wire.h"

namespace strata::http::testing {
namespace {

struct RawRequest {
  std::string head;  // without the final CRLFCRLF
  std::string body;  // as received (chunked framing kept)
  wire::RequestHead parsed;
};

struct RawResponse {
  std::string head;
  std::string body;
  wire::ResponseHead parsed;
  bool close = false;  // upstream closes after it
};

bool ReadRawRequest(int fd, wire::SocketReader& r, RawRequest* req) {
  if (!r.ReadHead(&req->head)) return false;
  if (!wire::ParseRequestHead(req->head, &req->parsed)) return false;
  const Headers& h = req->parsed.headers;
  auto expect = FindHeader(h, "expect");
  if (expect && wire::Lower(*expect) == "100-continue" &&
      !wire::WriteAll(fd, "HTTP/1.1 100 Continue\r\n\r\n")) {
    return false;
  }
  if (wire::IsChunked(h)) {
    std::string plain;
    return r.ReadChunked(&plain, &req->body);
  }
  bool bad = false;
  auto len = wire::ContentLength(h, &bad);
  return !bad && (!len || r.ReadExact(*len, &req->body));
}

bool HasNoBody(const std::string& method, int status) {
  return method == "HEAD" || status == 204 || status == 304 ||
         (status >= 100 && status < 200);
}

// Reads the final (non-1xx) response to a request for `method`.
bool ReadRawResponse(wire::SocketReader& r, const std::string& method,
                     RawResponse* resp) {
  do {
    resp->head.clear();
    resp->parsed = wire::ResponseHead();
    if (!r.ReadHead(&resp->head)) return false;
    if (!wire::ParseResponseHead(resp->head, &resp->parsed)) return false;
  } while (resp->parsed.status >= 100 && resp->parsed.status < 200);
  const Headers& h = resp->parsed.headers;
  auto conn = FindHeader(h, "connection");
  resp->close = conn && wire::Lower(*conn) == "close";
  if (HasNoBody(method, resp->parsed.status)) return true;
  if (wire::IsChunked(h)) {
    std::string plain;
    return r.ReadChunked(&plain, &resp->body);
  }
  bool bad = false;
  auto len = wire::ContentLength(h, &bad);
  if (bad) return false;
  if (len) return r.ReadExact(*len, &resp->body);
  r.ReadToEof(&resp->body);  // close-delimited
  resp->close = true;
  return true;
}

std::string ErrorResponse(Fault fault, size_t id) {
  int status = 503;
  std::string code = "ServiceUnavailable";
  if (fault == Fault::kStatus500) {
    status = 500;
    code = "InternalError";
  } else if (fault == Fault::kSlowDown) {
    code = "SlowDown";
  } else if (fault == Fault::kThrottle429) {
    status = 429;
    code = "TooManyRequests";
  }
  std::string body =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>";
  body += code;
  body += "</Code><Message>injected by FaultProxy</Message><RequestId>fault-";
  body += std::to_string(id);
  body += "</RequestId></Error>";
  std::string out = "HTTP/1.1 ";
  out += std::to_string(status);
  out += ' ';
  out += wire::ReasonPhrase(status);
  out += "\r\nContent-Type: application/xml\r\nx-ms-error-code: ";
  out += code;
  out += "\r\nContent-Length: ";
  out += std::to_string(body.size());
  out += "\r\n\r\n";
  out += body;
  return out;
}

class FaultProxyImpl final : public FaultProxy {
 public:
  FaultProxyImpl(std::string host, uint16_t port)
      : host_(std::move(host)), upstream_port_(port) {}
  ~FaultProxyImpl() override { listener_.Stop(); }

  bool Start() {
    return listener_.Start([this](int fd) { return Serve(fd); });
  }
  uint16_t port() const override { return listener_.port(); }
  void Script(std::vector<Fault> faults) override {
    std::lock_guard lock(mu_);
    script_.assign(faults.begin(), faults.end());
  }
  void Randomize(double probability, std::vector<Fault> kinds,
                 uint64_t seed) override {
    std::lock_guard lock(mu_);
    probability_ = kinds.empty() ? 0 : probability;
    kinds_ = std::move(kinds);
    rng_.seed(seed);
  }
  void set_delay(std::chrono::milliseconds delay) override {
    std::lock_guard lock(mu_);
    delay_ = delay;
  }
  size_t requests_seen() const override { return seen_.load(); }
  size_t faults_injected() const override { return injected_.load(); }

 private:
  // One client connection with its upstream connection.
  struct Session {
    int client = -1;
    int upstream = -1;
    std::unique_ptr<wire::SocketReader> upstream_reader;
  };

  Fault NextFault();
  bool Serve(int fd);
  // Returns true when the client connection must be reset.
  bool Handle(Session& s, const RawRequest& req, Fault fault, bool* close);
  bool Forward(Session& s, const RawRequest& req, RawResponse* resp);
  bool ConnectUpstream(Session& s);
  void CloseUpstream(Session& s, bool reset);

  std::string host_;
  uint16_t upstream_port_;
  Listener listener_;
  std::mutex mu_;
  std::deque<Fault> script_;
  double probability_ = 0;
  std::vector<Fault> kinds_;
  std::mt19937_64 rng_;
  std::chrono::milliseconds delay_{100};
  std::atomic<size_t> seen_{0};
  std::atomic<size_t> injected_{0};
};

Fault FaultProxyImpl::NextFault() {
  std::lock_guard lock(mu_);
  seen_.fetch_add(1);
  Fault f = Fault::kNone;
  if (!script_.empty()) {
    f = script_.front();
    script_.pop_front();
  } else if (probability_ > 0) {
    std::uniform_real_distribution<double> coin(0, 1);
    if (coin(rng_) < probability_) {
      std::uniform_int_distribution<size_t> pick(0, kinds_.size() - 1);
      f = kinds_[pick(rng_)];
    }
  }
  if (f != Fault::kNone) injected_.fetch_add(1);
  return f;
}

bool FaultProxyImpl::Serve(int fd) {
  Session s;
  s.client = fd;
  wire::SocketReader reader(fd);
  bool reset = false;
  for (;;) {
    RawRequest req;
    if (!ReadRawRequest(fd, reader, &req)) break;
    bool close = false;
    reset = Handle(s, req, NextFault(), &close);
    if (reset || close) break;
  }
  CloseUpstream(s, reset);
  return reset;
}

bool FaultProxyImpl::Handle(Session& s, const RawRequest& req, Fault fault,
                            bool* close) {
  switch (fault) {
    case Fault::kStatus500:
    case Fault::kStatus503:
    case Fault::kSlowDown:
    case Fault::kThrottle429:
      *close = !wire::WriteAll(s.client, ErrorResponse(fault, seen_.load()));
      return false;
    case Fault::kResetBeforeResponse:
      return true;
    case Fault::kDelay: {
      std::chrono::milliseconds d;
      {
        std::lock_guard lock(mu_);
        d = delay_;
      }
      if (!listener_.SleepFor(d)) return true;
      break;
    }
    default:
      break;
  }
  RawResponse resp;
  if (!Forward(s, req, &resp)) {
    CloseUpstream(s, false);
    const char kBadGateway[] =
        "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n"
        "Connection: close\r\n\r\n";
    wire::WriteAll(s.client, kBadGateway);
    *close = true;
    return false;
  }
  std::string out = resp.head + "\r\n\r\n";
  if (fault == Fault::kResetMidBody) {
    out.append(resp.body, 0, resp.body.size() / 2);
    wire::WriteAll(s.client, out);
    CloseUpstream(s, true);
    return true;
  }
  out += resp.body;
  *close = !wire::WriteAll(s.client, out) || resp.close;
  if (resp.close) CloseUpstream(s, false);
  return false;
}

bool FaultProxyImpl::Forward(Session& s, const RawRequest& req,
                             RawResponse* resp) {
  std::string wire_req = req.head + "\r\n\r\n" + req.body;
  // A pooled upstream connection may have been closed while idle: retry
  // once on a fresh one if nothing came back.
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool fresh = s.upstream < 0;
    if (fresh && !ConnectUpstream(s)) return false;
    if (wire::WriteAll(s.upstream, wire_req) &&
        ReadRawResponse(*s.upstream_reader, req.parsed.method, resp)) {
      return true;
    }
    CloseUpstream(s, false);
    if (fresh || !resp->head.empty()) return false;
    *resp = RawResponse();
  }
  return false;
}

bool FaultProxyImpl::ConnectUpstream(Session& s) {
  s.upstream = wire::ConnectTo(host_, upstream_port_);
  if (s.upstream < 0) return false;
  listener_.Track(s.upstream);
  s.upstream_reader = std::make_unique<wire::SocketReader>(s.upstream);
  return true;
}

void FaultProxyImpl::CloseUpstream(Session& s, bool reset) {
  if (s.upstream < 0) return;
  listener_.Untrack(s.upstream);
  if (reset) {
    wire::ResetAndClose(s.upstream);
  } else {
    ::close(s.upstream);
  }
  s.upstream = -1;
  s.upstream_reader.reset();
}

}  // namespace

Result<std::unique_ptr<FaultProxy>> FaultProxy::Start(std::string upstream_host,
                                                      uint16_t upstream_port) {
  auto proxy =
      std::make_unique<FaultProxyImpl>(std::move(upstream_host), upstream_port);
  if (!proxy->Start()) {
    return UnavailableError("FaultProxy: cannot listen on 127.0.0.1");
  }
  return std::unique_ptr<FaultProxy>(std::move(proxy));
}

}  // namespace strata::http::testing
