// FsClient: the `strata fs` and `strata bench meta` side of one gRPC
// connection to a `strata server` — the channel, the three service stubs,
// per-call deadlines, and the mapping of a failed call to one error line.
//
// Connect() checks the server is reachable before any command runs, so a
// down server is reported as "cannot reach server at ADDR: <detail>" rather
// than as the failure of whatever the command tried first.
//
// Thread-safety: an FsClient may be used from many threads at once (gRPC
// channels and stubs are thread-safe); each call needs its own
// grpc::ClientContext.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "strata/core/result.h"
#include "strata/core/status.h"
#include "strata/v1/file.grpc.pb.h"
#include "strata/v1/health.grpc.pb.h"
#include "strata/v1/mount.grpc.pb.h"

namespace strata::cli {

// Used when neither --server nor $STRATA_SERVER is given.
inline constexpr const char* kDefaultServer = "localhost:50051";
// Deadline of every unary call (streaming calls have none).
inline constexpr std::chrono::seconds kUnaryDeadline{30};
// How long Connect() waits for the channel to connect.
inline constexpr std::chrono::seconds kConnectTimeout{3};

// The server address: `flag` when non-empty, else $STRATA_SERVER when set
// and non-empty, else kDefaultServer.
std::string ResolveServerAddress(const std::string& flag);

class FsClient {
 public:
  // Opens a channel to `address` ("host:port") and waits up to
  // kConnectTimeout for it to connect (a refused connection fails at
  // once). `channels` > 1 opens that many
  // independent connections (see channel()). On failure kUnavailable
  // "cannot reach server at ADDR: <detail>".
  static Result<std::unique_ptr<FsClient>> Connect(std::string address,
                                                   int channels = 1);

  ~FsClient();

  const std::string& address() const { return address_; }

  // Stubs over connection `i % channel_count()`.
  strata::v1::FileService::Stub& files(size_t i = 0);
  strata::v1::MountService::Stub& mounts(size_t i = 0);
  strata::v1::HealthService::Stub& health(size_t i = 0);
  size_t channel_count() const { return connections_.size(); }

  // A context for a unary call: deadline kUnaryDeadline, fail fast (no
  // wait_for_ready).
  static std::unique_ptr<grpc::ClientContext> UnaryContext();
  // A context for a streaming call: no deadline, fail fast.
  static std::unique_ptr<grpc::ClientContext> StreamContext();

  // OK for an OK `status`; otherwise the strata Status of the same code
  // whose message names `subject` (a path, "mv SRC DST", ...) and the
  // server's cause. A transport failure (the connection was lost) becomes
  // "cannot reach server at ADDR: <detail>".
  Status Check(const grpc::Status& status, std::string_view subject) const;

 private:
  struct Connection;
  explicit FsClient(std::string address);

  std::string address_;
  std::vector<std::unique_ptr<Connection>> connections_;
};

// The strata StatusCode with the same number as `code` (they are aligned
// one-to-one; unknown codes map to kInternal).
StatusCode FromGrpcCode(grpc::StatusCode code);

}  // namespace strata::cli
