// FsClient: channel setup, connect check and error mapping (fs_client.h).

#include "cli/fs_client.h"

#include <algorithm>
#include <cstdlib>
#include <string>
#include <utility>

namespace strata::cli {

struct FsClient::Connection {
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<strata::v1::FileService::Stub> files;
  std::unique_ptr<strata::v1::MountService::Stub> mounts;
  std::unique_ptr<strata::v1::HealthService::Stub> health;
};

namespace {

std::chrono::system_clock::time_point DeadlineIn(
    std::chrono::milliseconds after) {
  return std::chrono::system_clock::now() + after;
}

// Why a channel did not connect: a fail-fast Ping carries gRPC's own
// explanation ("failed to connect to all addresses; ... Connection
// refused").
std::string ConnectFailureDetail(strata::v1::HealthService::Stub& health) {
  grpc::ClientContext context;
  context.set_deadline(DeadlineIn(std::chrono::seconds(1)));
  context.set_wait_for_ready(false);
  strata::v1::PingRequest request;
  strata::v1::PingResponse response;
  grpc::Status status = health.Ping(&context, request, &response);
  if (status.ok()) return "connection not ready";
  if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    return "no connection within " + std::to_string(kConnectTimeout.count()) +
           " s";
  }
  return status.error_message();
}

// Waits until `channel` is READY; false as soon as a connection attempt
// fails (TRANSIENT_FAILURE: no point in waiting out the deadline for a
// refused connection) or at `deadline`.
bool WaitUntilReady(grpc::Channel& channel,
                    std::chrono::system_clock::time_point deadline) {
  grpc_connectivity_state state = channel.GetState(/*try_to_connect=*/true);
  while (state != GRPC_CHANNEL_READY) {
    if (state == GRPC_CHANNEL_TRANSIENT_FAILURE ||
        state == GRPC_CHANNEL_SHUTDOWN) {
      return false;
    }
    if (!channel.WaitForStateChange(state, deadline)) return false;
    state = channel.GetState(/*try_to_connect=*/true);
  }
  return true;
}

// A new channel of its own (not shared with other channels to the same
// address, so several really are several TCP connections).
std::shared_ptr<grpc::Channel> NewChannel(const std::string& address,
                                          int index) {
  grpc::ChannelArguments args;
  args.SetInt("strata.channel_index", index);
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetMaxReceiveMessageSize(64 << 20);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(),
                                   args);
}

}  // namespace

std::string ResolveServerAddress(const std::string& flag) {
  if (!flag.empty()) return flag;
  const char* env = std::getenv("STRATA_SERVER");
  if (env != nullptr && *env != '\0') return env;
  return kDefaultServer;
}

StatusCode FromGrpcCode(grpc::StatusCode code) {
  int n = static_cast<int>(code);
  if (n == 2 || n == 16 || n < 0 || n > 16) return StatusCode::kInternal;
  return static_cast<StatusCode>(n);
}

FsClient::FsClient(std::string address) : address_(std::move(address)) {}

FsClient::~FsClient() = default;

Result<std::unique_ptr<FsClient>> FsClient::Connect(std::string address,
                                                    int channels) {
  if (address.empty()) return InvalidArgumentError("empty server address");
  std::unique_ptr<FsClient> client(new FsClient(std::move(address)));
  for (int i = 0; i < std::max(channels, 1); ++i) {
    auto c = std::make_unique<Connection>();
    c->channel = NewChannel(client->address_, i);
    c->files = strata::v1::FileService::NewStub(c->channel);
    c->mounts = strata::v1::MountService::NewStub(c->channel);
    c->health = strata::v1::HealthService::NewStub(c->channel);
    client->connections_.push_back(std::move(c));
  }
  for (const auto& c : client->connections_) {
    if (!WaitUntilReady(*c->channel, DeadlineIn(kConnectTimeout))) {
      return UnavailableError("cannot reach server at " + client->address_ +
                              ": " + ConnectFailureDetail(*c->health));
    }
  }
  return client;
}

strata::v1::FileService::Stub& FsClient::files(size_t i) {
  return *connections_[i % connections_.size()]->files;
}

strata::v1::MountService::Stub& FsClient::mounts(size_t i) {
  return *connections_[i % connections_.size()]->mounts;
}

strata::v1::HealthService::Stub& FsClient::health(size_t i) {
  return *connections_[i % connections_.size()]->health;
}

std::unique_ptr<grpc::ClientContext> FsClient::UnaryContext() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(DeadlineIn(kUnaryDeadline));
  context->set_wait_for_ready(false);
  return context;
}

std::unique_ptr<grpc::ClientContext> FsClient::StreamContext() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_wait_for_ready(false);
  return context;
}

Status FsClient::Check(const grpc::Status& status,
                       std::string_view subject) const {
  if (status.ok()) return Status::OK();
  std::string message = status.error_message();
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
    // The server reports an unreachable backend as UNAVAILABLE over a
    // healthy connection; a lost connection leaves the channel not READY.
    for (const auto& c : connections_) {
      if (c->channel->GetState(false) != GRPC_CHANNEL_READY) {
        return UnavailableError("cannot reach server at " + address_ + ": " +
                                message);
      }
    }
  }
  if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED &&
      message.empty()) {
    message = "no answer from server at " + address_ + " within " +
              std::to_string(kUnaryDeadline.count()) + " s";
  }
  if (message.empty())
    message = "failed (gRPC code " + std::to_string(status.error_code()) + ")";
  // Server messages name the path already; add it only when they do not.
  if (!subject.empty() && message.find(subject) == std::string::npos) {
    message = std::string(subject) + ": " + message;
  }
  return Status(FromGrpcCode(status.error_code()), std::move(message));
}

}  // namespace strata::cli
