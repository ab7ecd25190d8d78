// Test-only HTTP servers on 127.0.0.1: a scripted server (fake IMDS, STS,
// error responses) and a fault-injecting proxy in front of a real server
// (radosgw, Azurite).
//
// Both are plain blocking socket code on their own threads (never the
// runtime under test), speak HTTP/1.1 with keep-alive, and understand
// Content-Length and chunked request bodies. They stop (closing every
// connection and joining their threads) when destroyed.
//
// Thread-safety: every method is safe to call from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "strata/core/result.h"
#include "strata/http/client.h"

namespace strata::http::testing {

struct TestRequest {
  std::string method;
  std::string target;  // path and query, as sent ("/a/b?x=1")
  Headers headers;     // names lower-cased
  std::string body;    // de-chunked
};

struct TestResponse {
  int status = 200;
  Headers headers;  // Content-Length is added unless present
  std::string body;
  // Misbehaviours, for transport-error tests:
  std::chrono::milliseconds delay{0};  // sleep before answering
  // Send the headers and this many body bytes, then reset the connection
  // (SO_LINGER 0). Unset: send everything.
  std::optional<size_t> reset_after_body_bytes;
  bool close_after = false;  // close the connection after this response
};

class TestServer {
 public:
  using Handler = std::function<TestResponse(const TestRequest&)>;
  // Listens on 127.0.0.1 with an ephemeral port; each connection gets a
  // thread; `handler` may be called concurrently.
  static Result<std::unique_ptr<TestServer>> Start(Handler handler);
  virtual ~TestServer() = default;
  virtual uint16_t port() const = 0;
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port());
  }
  virtual size_t connections_accepted() const = 0;
  virtual size_t requests_served() const = 0;
  // Most connections that were open at the same time.
  virtual size_t max_open_connections() const = 0;
  // Response body bytes handed to the kernel so far (all connections).
  virtual uint64_t body_bytes_sent() const = 0;
};

// What the proxy does to one request.
enum class Fault {
  kNone,         // forward unchanged
  kStatus500,    // answer 500 InternalError (XML body) without forwarding
  kStatus503,    // answer 503 ServiceUnavailable without forwarding
  kSlowDown,     // answer 503 with S3's <Code>SlowDown</Code>
  kThrottle429,  // answer 429 TooManyRequests
  kResetBeforeResponse,  // read the request, then reset the connection
  kResetMidBody,         // forward, relay half the response body, then reset
  kDelay,                // sleep `delay` then forward
};

class FaultProxy {
 public:
  // Forwards to http://upstream_host:upstream_port. The Host header is
  // relayed unchanged (so SigV4/SharedKey signatures stay valid).
  static Result<std::unique_ptr<FaultProxy>> Start(std::string upstream_host,
                                                   uint16_t upstream_port);
  virtual ~FaultProxy() = default;
  virtual uint16_t port() const = 0;
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port());
  }
  // Faults for the next requests, in order (then forwarding resumes).
  virtual void Script(std::vector<Fault> faults) = 0;
  // From now on each request independently gets a fault drawn from `kinds`
  // with `probability` (deterministic for a seed). probability 0 = off.
  virtual void Randomize(double probability, std::vector<Fault> kinds,
                         uint64_t seed) = 0;
  virtual void set_delay(std::chrono::milliseconds delay) = 0;
  virtual size_t requests_seen() const = 0;
  virtual size_t faults_injected() const = 0;
};

}  // namespace strata::http::testing
