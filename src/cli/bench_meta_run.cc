// The phases of `strata bench meta` (bench_meta.h): setup of the scratch
// tree, one timed phase per operation kind, cleanup.

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <latch>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cli/bench_meta.h"
#include "cli/latency_histogram.h"

namespace strata::cli {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kSmallFile = 4096;
constexpr int kStatFiles = 64;     // files stat and read cycle through
constexpr int kListFiles = 10;     // entries of the listed directory
constexpr int kWarmupPings = 200;  // per client, untimed, before the phases

enum class Op { kPing, kStat, kMkdir, kList, kCreate, kRead };

constexpr struct {
  Op op;
  const char* name;
} kOps[] = {{Op::kPing, "ping"}, {Op::kStat, "stat"},     {Op::kMkdir, "mkdir"},
            {Op::kList, "list"}, {Op::kCreate, "create"}, {Op::kRead, "read"}};

// Where each kind of operation works, below the scratch root.
struct Layout {
  std::string root;
  std::string FileName(int i) const {
    return root + "/files/f" + std::to_string(i);
  }
  std::string ListDir() const { return root + "/list"; }
  std::string MkdirName(int client, int i) const {
    return root + "/dirs/c" + std::to_string(client) + "-" + std::to_string(i);
  }
  std::string CreateName(int client, int i) const {
    return root + "/new/c" + std::to_string(client) + "-" + std::to_string(i);
  }
};

grpc::Status WriteSmallFile(FsClient& client, size_t channel,
                            const std::string& path) {
  static const std::string kData(kSmallFile, 'x');
  auto context = FsClient::UnaryContext();
  strata::v1::WriteResponse response;
  auto writer = client.files(channel).Write(context.get(), &response);
  strata::v1::WriteRequest message;
  message.mutable_header()->set_path(path);
  message.mutable_header()->set_expected_size(kSmallFile);
  if (writer->Write(message)) {
    message.set_data(kData);
    if (writer->Write(message)) writer->WritesDone();
  }
  return writer->Finish();
}

grpc::Status ReadFile(FsClient& client, size_t channel,
                      const std::string& path) {
  auto context = FsClient::UnaryContext();
  strata::v1::ReadRequest request;
  request.set_path(path);
  auto reader = client.files(channel).Read(context.get(), request);
  strata::v1::ReadResponse chunk;
  while (reader->Read(&chunk)) {
  }
  return reader->Finish();
}

grpc::Status ListDir(FsClient& client, size_t channel,
                     const std::string& path) {
  auto context = FsClient::UnaryContext();
  strata::v1::ListRequest request;
  request.set_path(path);
  auto reader = client.files(channel).List(context.get(), request);
  strata::v1::ListResponse page;
  while (reader->Read(&page)) {
  }
  return reader->Finish();
}

grpc::Status Mkdir(FsClient& client, size_t channel, const std::string& path,
                   bool parents) {
  auto context = FsClient::UnaryContext();
  strata::v1::MkdirRequest request;
  request.set_path(path);
  request.set_parents(parents);
  strata::v1::MkdirResponse response;
  return client.files(channel).Mkdir(context.get(), request, &response);
}

grpc::Status Ping(FsClient& client, size_t channel) {
  auto context = FsClient::UnaryContext();
  strata::v1::PingRequest request;
  strata::v1::PingResponse response;
  return client.health(channel).Ping(context.get(), request, &response);
}

grpc::Status Stat(FsClient& client, size_t channel, const std::string& path) {
  auto context = FsClient::UnaryContext();
  strata::v1::StatRequest request;
  request.set_path(path);
  strata::v1::StatResponse response;
  return client.files(channel).Stat(context.get(), request, &response);
}

// One operation of kind `op` by client `c`; `path` receives what it
// worked on.
grpc::Status RunOne(FsClient& client, const Layout& layout, Op op, int c, int i,
                    std::string* path) {
  size_t channel = static_cast<size_t>(c);
  switch (op) {
    case Op::kPing:
      *path = "ping";
      return Ping(client, channel);
    case Op::kStat:
      *path = layout.FileName((c * 7 + i) % kStatFiles);
      return Stat(client, channel, *path);
    case Op::kMkdir:
      *path = layout.MkdirName(c, i);
      return Mkdir(client, channel, *path, false);
    case Op::kList:
      *path = layout.ListDir();
      return ListDir(client, channel, *path);
    case Op::kCreate:
      *path = layout.CreateName(c, i);
      return WriteSmallFile(client, channel, *path);
    case Op::kRead:
      *path = layout.FileName((c * 7 + i) % kStatFiles);
      return ReadFile(client, channel, *path);
  }
  return grpc::Status(grpc::StatusCode::INTERNAL, "unknown op");
}

// The first failure of a phase, shared by its threads.
struct FirstError {
  std::mutex mu;
  Status status;
  std::atomic<bool> failed{false};
  void Set(Status s) {
    std::lock_guard lock(mu);
    if (status.ok()) status = std::move(s);
    failed.store(true);
  }
};

MetaOpResult RunPhase(FsClient& client, const Layout& layout, Op op,
                      const MetaBenchConfig& config, FirstError* error) {
  std::vector<LatencyHistogram> histograms(config.clients);
  std::latch start(config.clients + 1);
  std::vector<std::thread> threads;
  for (int c = 0; c < config.clients; ++c) {
    threads.emplace_back([&, c] {
      std::string path;
      start.arrive_and_wait();
      for (int i = 0; i < config.ops && !error->failed.load(); ++i) {
        Clock::time_point t0 = Clock::now();
        grpc::Status status = RunOne(client, layout, op, c, i, &path);
        histograms[c].Record(static_cast<uint64_t>(
            std::chrono::nanoseconds(Clock::now() - t0).count()));
        if (!status.ok()) error->Set(client.Check(status, path));
      }
    });
  }
  start.arrive_and_wait();
  Clock::time_point t0 = Clock::now();
  for (std::thread& t : threads) t.join();
  double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  LatencyHistogram all;
  for (const LatencyHistogram& h : histograms) all.Merge(h);
  MetaOpResult result;
  result.ops = all.count();
  result.seconds = seconds;
  result.ops_per_sec =
      seconds > 0 ? static_cast<double>(all.count()) / seconds : 0;
  result.p50_us = all.Quantile(0.50) / 1000;
  result.p99_us = all.Quantile(0.99) / 1000;
  return result;
}

Status Setup(FsClient& client, const Layout& layout) {
  const std::string dirs[] = {layout.root + "/files", layout.ListDir(),
                              layout.root + "/dirs", layout.root + "/new"};
  for (const std::string& dir : dirs) {
    STRATA_RETURN_IF_ERROR(client.Check(Mkdir(client, 0, dir, true), dir));
  }
  for (int i = 0; i < kStatFiles; ++i) {
    std::string path = layout.FileName(i);
    STRATA_RETURN_IF_ERROR(client.Check(WriteSmallFile(client, 0, path), path));
  }
  for (int i = 0; i < kListFiles; ++i) {
    std::string path = layout.ListDir() + "/e" + std::to_string(i);
    STRATA_RETURN_IF_ERROR(client.Check(WriteSmallFile(client, 0, path), path));
  }
  return Status::OK();
}

Status Cleanup(FsClient& client, const Layout& layout) {
  grpc::ClientContext context;  // no deadline: the tree may be large
  strata::v1::DeleteRequest request;
  request.set_path(layout.root);
  request.set_recursive(true);
  strata::v1::DeleteResponse response;
  return client.Check(client.files().Delete(&context, request, &response),
                      layout.root);
}

// An untimed round of pings so that the first measured phase does not pay
// for connection setup and cold server threads.
void WarmUp(FsClient& client, const Layout& layout,
            const MetaBenchConfig& config, FirstError* error) {
  MetaBenchConfig warm = config;
  warm.ops = std::min(config.ops, kWarmupPings);
  RunPhase(client, layout, Op::kPing, warm, error);
}

// Measures ping again after the other phases; the faster of the two ping
// runs becomes the reference row (results[0]), so a slow start (or a slow
// end) does not inflate the other kinds' ratios.
void RemeasurePing(FsClient& client, const Layout& layout,
                   const MetaBenchConfig& config, FirstError* error,
                   std::vector<MetaOpResult>* results) {
  MetaOpResult again = RunPhase(client, layout, Op::kPing, config, error);
  if (error->failed.load() || results->empty()) return;
  if (again.ops_per_sec > results->front().ops_per_sec) {
    again.name = results->front().name;
    results->front() = again;
  }
}

}  // namespace

Result<std::vector<MetaOpResult>> RunMetaBench(FsClient& client,
                                               const MetaBenchConfig& config) {
  Layout layout;
  layout.root = config.root.empty() ? "/bench-" + std::to_string(::getpid())
                                    : config.root;
  Status status = Setup(client, layout);
  std::vector<MetaOpResult> results;
  FirstError error;
  if (status.ok()) WarmUp(client, layout, config, &error);
  if (error.failed.load()) status = error.status;
  for (const auto& [op, name] : kOps) {
    if (!status.ok()) break;
    MetaOpResult result = RunPhase(client, layout, op, config, &error);
    result.name = name;
    results.push_back(result);
    if (error.failed.load()) status = error.status;
  }
  if (status.ok()) RemeasurePing(client, layout, config, &error, &results);
  if (error.failed.load()) status = error.status;
  Status cleanup = Cleanup(client, layout);
  STRATA_RETURN_IF_ERROR(status);
  STRATA_RETURN_IF_ERROR(cleanup);
  return results;
}

}  // namespace strata::cli
