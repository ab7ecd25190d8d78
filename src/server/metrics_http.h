// MetricsHttpServer: a minimal HTTP/1.1 endpoint serving the Prometheus text
// format of a metrics::Registry at GET /metrics.
//
// One thread accepts connections on a blocking listening socket and answers
// them one at a time (a scrape is small and rare): GET /metrics → 200 with
// the registry rendered (Content-Type: text/plain; version=0.0.4), any other
// path → 404, other methods → 405; every response closes the connection.
// A client gets 2 s in total to send its request head (a slow or silent one
// is dropped unanswered) and 5 s to take the response. Shutdown wakes the
// thread through a self-pipe, which it also watches while serving a
// connection, so Shutdown returns promptly even mid-request.
//
// Thread-safety: Start, address and Shutdown may be called from any thread;
// Shutdown is idempotent and also runs in the destructor.
#pragma once
#include <memory>
#include <string>

#include "strata/core/metrics.h"
#include "strata/core/result.h"

namespace strata::server {

class MetricsHttpServer {
 public:
  // Binds `listen` ("127.0.0.1:9464", "[::1]:0", "localhost:0"; port 0
  // picks a free port) and starts serving `registry`, which must outlive the
  // server. kUnavailable "cannot listen on ADDR: <cause>" when it cannot be
  // bound; kInvalidArgument for a malformed address.
  static Result<std::unique_ptr<MetricsHttpServer>> Start(
      const std::string& listen, metrics::Registry& registry);
  virtual ~MetricsHttpServer() = default;

  // The bound address, "127.0.0.1:PORT".
  virtual const std::string& address() const = 0;
  // Stops accepting and joins the thread.
  virtual void Shutdown() = 0;
};

// Splits "host:port" or "[v6]:port" into host and port. kInvalidArgument
// names the address when there is no port.
Status SplitHostPort(const std::string& address, std::string* host,
                     std::string* port);

}  // namespace strata::server
