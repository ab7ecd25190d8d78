// http::Client: an asynchronous HTTP/1.1 client on libcurl's multi interface,
// driven by strata's runtime (no thread per request, no global state to set
// up or tear down).
//
// curl's socket callback becomes readiness waits on the calling runtime's
// reactor (runtime::WaitReadable/WaitWritable) and its timer callback a
// runtime::SleepFor, so thousands of requests share the reactor threads.
// Connections are pooled per Client and reused (keep-alive); at most
// `max_connections_per_host` are open to one host, further requests queue
// inside curl. TLS goes through curl's OpenSSL backend.
//
// Bodies stream in bounded memory:
// - request bodies come from a borrowed span (`Request::body`) or a
//   BodySource pulled on demand (`Request::body_source`);
// - Send() collects the response body (up to `max_buffered_body` bytes) or
//   writes it straight into a caller's buffer (`Request::response_into`);
//   Open() returns once the status and headers are in and hands out a
//   ResponseBody that pauses the transfer while the reader is behind.
//
// curl_global_init runs once, on first use, in a thread-safe way; there is
// no shutdown call for users to get wrong.
//
// Errors: transport failures (DNS, connect, reset, timeout, TLS) are Status
// values naming the method and URL (with any query string removed), marked
// retryable where repeating may succeed (connect failures, resets, timeouts,
// partial bodies). An HTTP error status (4xx/5xx) is NOT an error here: the
// Response carries it and protocol layers (S3, Azure) map it, once each.
//
// Thread-safety: a Client is safe for concurrent use from any reactor
// thread of any runtime; requests must be awaited on a runtime thread.
// A ResponseBody belongs to one coroutine at a time (it may be destroyed
// on any thread). The Client must outlive every request and ResponseBody
// it made. A runtime that stops while others still use the Client is
// fine: requests in flight on the other runtimes carry on there.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "strata/core/result.h"
#include "strata/core/task.h"

namespace strata::http {

using MutableBytes = std::span<std::byte>;
using ConstBytes = std::span<const std::byte>;

// Header list in send/receive order. Received names are lower-cased.
using Headers = std::vector<std::pair<std::string, std::string>>;

// First value of header `name` (case-insensitive), or nullopt.
std::optional<std::string_view> FindHeader(const Headers& headers,
                                           std::string_view name);

struct ClientOptions {
  ClientOptions() {}  // non-aggregate (GCC 12 coroutine workaround)
  // TCP connect (+ TLS handshake) limit.
  std::chrono::milliseconds connect_timeout{10'000};
  // Whole-request limit; 0 = none (large transfers rely on low_speed_*).
  std::chrono::milliseconds request_timeout{0};
  // Abort a transfer slower than low_speed_bytes/s for this long; 0 = off.
  std::chrono::milliseconds low_speed_time{30'000};
  uint64_t low_speed_bytes = 1;
  // Open connections per host (and overall); excess requests wait.
  size_t max_connections_per_host = 32;
  size_t max_connections = 256;
  // Idle pooled connections kept for reuse.
  size_t max_idle_connections = 64;
  // TLS: verify the peer (default) against `ca_bundle` (a PEM file; empty =
  // the system store, or $AWS_CA_BUNDLE / $CURL_CA_BUNDLE when set).
  bool verify_tls = true;
  std::string ca_bundle;
  // Upper bound for bodies collected by Send() (a larger one fails the
  // request with kResourceExhausted rather than growing without limit).
  size_t max_buffered_body = 64 << 20;
  // Sent as User-Agent.
  std::string user_agent = "strata/0.1";
};

// A pull-based request body. Read() is called on a reactor thread whenever
// curl wants more bytes. Rewind() is called before the body is re-sent (a
// redirect or a retry by the caller reusing the source).
class BodySource {
 public:
  virtual ~BodySource() = default;
  // Total length when known (sent as Content-Length; otherwise the body is
  // sent with chunked transfer encoding).
  virtual std::optional<uint64_t> size() const = 0;
  // Fills up to dst.size() bytes; 0 means the end. An error fails the
  // request with that status.
  virtual Task<Result<size_t>> Read(MutableBytes dst) = 0;
  // Back to the first byte; kFailedPrecondition if the source cannot.
  virtual Status Rewind() = 0;
};

struct Request {
  Request() {}                 // non-aggregate (GCC 12 coroutine workaround)
  std::string method = "GET";  // any token: GET, PUT, POST, HEAD, DELETE, ...
  std::string url;             // absolute http:// or https:// URL, encoded
  Headers headers;             // sent as given (Host is derived from url)
  // Request body: either a borrowed span (must outlive the request) or a
  // source; neither = no body. PUT/POST with no body send Content-Length: 0.
  ConstBytes body;
  BodySource* body_source = nullptr;
  // Send(): write the response body straight into this buffer instead of
  // Response::body. A body longer than the buffer fails the request with
  // kOutOfRange; Response::body_size says how much arrived.
  std::optional<MutableBytes> response_into;
  // Per-request override of ClientOptions::request_timeout (0 = inherit).
  std::chrono::milliseconds timeout{0};
  // Cancels the request (kCancelled); the connection is discarded.
  std::stop_token stop;
};

struct Response {
  int status = 0;          // HTTP status code
  Headers headers;         // names lower-cased, in arrival order
  std::string body;        // collected body (Send() without response_into)
  uint64_t body_size = 0;  // bytes of body received (either way)

  std::optional<std::string_view> header(std::string_view name) const {
    return FindHeader(headers, name);
  }
  bool ok() const { return status >= 200 && status < 300; }
};

class Client;

// The body of a response opened with Client::Open(). Read() returns bytes as
// they arrive; while the reader does not call Read(), the transfer is paused
// (at most ~one curl buffer is held). Destroying it mid-body abandons the
// transfer and discards the connection.
class ResponseBody {
 public:
  virtual ~ResponseBody() = default;
  const Response& response() const { return response_; }
  // Up to dst.size() bytes; 0 at the end of the body. A transport failure
  // mid-body (reset, timeout) is an error, never a silent short body: the
  // body's length is checked against Content-Length.
  virtual Task<Result<size_t>> Read(MutableBytes dst) = 0;
  // Reads the rest of the body into a string (at most `limit` bytes, else
  // kResourceExhausted).
  Task<Result<std::string>> ReadAll(size_t limit = 64 << 20);

 protected:
  Response response_;  // status and headers; body stays empty
};

class Client {
 public:
  static Result<std::shared_ptr<Client>> Create(ClientOptions options = {});
  virtual ~Client() = default;

  const ClientOptions& options() const { return options_; }

  // Performs the request and collects the response (see Request for where
  // the body goes). Fails only on transport errors; any HTTP status is a
  // successful Response.
  virtual Task<Result<Response>> Send(Request request) = 0;
  // Performs the request and returns once the status line and headers have
  // arrived; the body is then streamed through the ResponseBody. With a
  // `body_source`, it also waits until the source has been read to its end
  // (or the request failed), so the source may be freed once Open()
  // returns: the ResponseBody never reads it.
  virtual Task<Result<std::unique_ptr<ResponseBody>>> Open(Request request) = 0;

  // Counters for tests and metrics.
  struct Stats {
    uint64_t requests = 0;
    uint64_t connections_opened = 0;  // new TCP connections (reuse = fewer)
  };
  virtual Stats stats() const = 0;

 protected:
  explicit Client(ClientOptions options) : options_(std::move(options)) {}
  ClientOptions options_;
};

// Percent-encodes per RFC 3986 (unreserved characters stay); with
// `keep_slash`, '/' stays too (object keys in paths).
std::string UriEncode(std::string_view s, bool keep_slash = false);
// Decodes %XX (and '+' is left alone); kInvalidArgument on a bad escape.
Result<std::string> UriDecode(std::string_view s);

}  // namespace strata::http
