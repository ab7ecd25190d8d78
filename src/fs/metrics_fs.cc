// MetricsFileSystem and its file wrapper.

#include "strata/fs/metrics_fs.h"

#include <array>
#include <chrono>
#include <optional>
#include <string_view>
#include <utility>

#include "strata/runtime/runtime.h"

namespace strata::fs {
namespace metrics_internal {

enum class Op {
  kOpen,
  kStat,
  kList,
  kCreateDir,
  kRemove,
  kRemoveDir,
  kRename,
  kCopy,
  kSyncDir,
  kRead,
  kWrite,
  kSync,
  kSize,
  kClose,
  kAbort,
  kCount,
};

constexpr std::array<std::string_view, static_cast<size_t>(Op::kCount)>
    kOpNames = {"open",       "stat",   "list", "create_dir", "remove",
                "remove_dir", "rename", "copy", "sync_dir",   "read",
                "write",      "sync",   "size", "close",      "abort"};

constexpr size_t kOpCount = static_cast<size_t>(Op::kCount);

struct Instruments {
  Instruments(metrics::Registry& registry, const std::string& backend);

  void Start(Op op) { ops[static_cast<size_t>(op)]->Increment(); }
  void Finish(Op op, const Status& status) {
    if (!status.ok()) errors[static_cast<size_t>(op)]->Increment();
  }
  metrics::Counter& OpensForCurrentRuntime() const;

  std::array<metrics::Counter*, kOpCount> ops{};
  std::array<metrics::Counter*, kOpCount> errors{};
  metrics::Counter* opens_io_uring = nullptr;
  metrics::Counter* opens_poll = nullptr;
  metrics::Counter* opens_none = nullptr;
  metrics::Histogram* open_duration = nullptr;
  metrics::Counter* read_bytes = nullptr;
  metrics::Counter* write_bytes = nullptr;
  metrics::Gauge* inflight = nullptr;
};

Instruments::Instruments(metrics::Registry& registry,
                         const std::string& backend) {
  for (size_t i = 0; i < kOpCount; ++i) {
    metrics::Labels labels = {{"backend", backend},
                              {"op", std::string(kOpNames[i])}};
    ops[i] = &registry.GetCounter("strata_fs_ops_total",
                                  "File system operations started.", labels);
    errors[i] =
        &registry.GetCounter("strata_file_errors_total",
                             "File system operations that failed.", labels);
  }
  auto opens = [&](std::string_view runtime) {
    return &registry.GetCounter(
        "strata_file_opens_total", "Files opened (attempts).",
        {{"backend", backend}, {"runtime", std::string(runtime)}});
  };
  opens_io_uring = opens(runtime::RuntimeKindName(RuntimeKind::kIoUring));
  opens_poll = opens(runtime::RuntimeKindName(RuntimeKind::kPoll));
  opens_none = opens("none");
  metrics::Labels labels = {{"backend", backend}};
  open_duration = &registry.GetHistogram("strata_file_open_duration_seconds",
                                         "Latency of opening a file.",
                                         metrics::LatencyBuckets(), labels);
  read_bytes = &registry.GetCounter("strata_file_read_bytes_total",
                                    "Bytes read from files.", labels);
  write_bytes = &registry.GetCounter("strata_file_write_bytes_total",
                                     "Bytes written to files.", labels);
  inflight = &registry.GetGauge("strata_io_inflight",
                                "File system operations in progress.", labels);
}

metrics::Counter& Instruments::OpensForCurrentRuntime() const {
  Runtime* runtime = Runtime::Current();
  if (runtime == nullptr) return *opens_none;
  return runtime->kind() == RuntimeKind::kIoUring ? *opens_io_uring
                                                  : *opens_poll;
}

namespace {

using Shared = std::shared_ptr<Instruments>;

class InflightScope {
 public:
  explicit InflightScope(metrics::Gauge* gauge) : gauge_(gauge) {
    gauge_->Add(1);
  }
  ~InflightScope() { gauge_->Add(-1); }
  InflightScope(const InflightScope&) = delete;
  InflightScope& operator=(const InflightScope&) = delete;

 private:
  metrics::Gauge* gauge_;
};

// Awaits `inner`, counting it as `op`. `bytes` (if any) receives the count a
// successful read returned, or `write_size` for a successful write.
template <typename T>
Task<T> Track(Shared m, Op op, Task<T> inner, metrics::Counter* bytes = nullptr,
              uint64_t write_size = 0) {
  m->Start(op);
  InflightScope scope(m->inflight);
  T result = co_await std::move(inner);
  m->Finish(op, AsStatus(result));
  if constexpr (std::is_same_v<T, Result<size_t>>) {
    if (bytes != nullptr && result.ok()) bytes->Increment(*result);
  } else {
    if (bytes != nullptr && AsStatus(result).ok()) bytes->Increment(write_size);
  }
  co_return std::move(result);
}

ListStream TrackList(Shared m, ListStream inner) {
  m->Start(Op::kList);
  while (std::optional<Result<ListPage>> page = co_await inner.Next()) {
    m->Finish(Op::kList, page->status());
    co_yield std::move(*page);
  }
}

uint64_t TotalSize(std::span<const ConstBytes> srcs) {
  uint64_t total = 0;
  for (const ConstBytes& src : srcs) total += src.size();
  return total;
}

class MetricsFile final : public ForwardingFile {
 public:
  MetricsFile(std::unique_ptr<File> target, Shared m)
      : ForwardingFile(std::move(target)), m_(std::move(m)) {}

  Task<Result<size_t>> ReadAt(MutableBytes dst, uint64_t offset,
                              const IoOptions& options = {}) override {
    return Track(m_, Op::kRead, target_->ReadAt(dst, offset, options),
                 m_->read_bytes);
  }
  Task<Result<size_t>> ReadV(std::span<const MutableBytes> dsts,
                             uint64_t offset,
                             const IoOptions& options = {}) override {
    return Track(m_, Op::kRead, target_->ReadV(dsts, offset, options),
                 m_->read_bytes);
  }
  Task<Status> Write(ConstBytes src, const IoOptions& options = {}) override {
    return Track(m_, Op::kWrite, target_->Write(src, options), m_->write_bytes,
                 src.size());
  }
  Task<Status> WriteV(std::span<const ConstBytes> srcs,
                      const IoOptions& options = {}) override {
    return Track(m_, Op::kWrite, target_->WriteV(srcs, options),
                 m_->write_bytes, TotalSize(srcs));
  }
  Task<Status> WriteAt(ConstBytes src, uint64_t offset,
                       const IoOptions& options = {}) override {
    return Track(m_, Op::kWrite, target_->WriteAt(src, offset, options),
                 m_->write_bytes, src.size());
  }
  Task<Status> Preallocate(uint64_t offset, uint64_t length) override {
    return target_->Preallocate(offset, length);
  }
  Task<Status> Sync() override { return Track(m_, Op::kSync, target_->Sync()); }
  Task<Result<uint64_t>> Size() override {
    return Track(m_, Op::kSize, target_->Size());
  }
  Task<Status> Close() override {
    return Track(m_, Op::kClose, target_->Close());
  }
  Task<Status> Abort() override {
    return Track(m_, Op::kAbort, target_->Abort());
  }

 private:
  Shared m_;
};

}  // namespace
}  // namespace metrics_internal

using metrics_internal::Op;
using metrics_internal::Track;

MetricsFileSystem::MetricsFileSystem(std::shared_ptr<FileSystem> target,
                                     metrics::Registry* registry)
    : ForwardingFileSystem(std::move(target)),
      instruments_(std::make_shared<metrics_internal::Instruments>(
          registry != nullptr ? *registry : metrics::DefaultRegistry(),
          std::string(target_->name()))) {}

MetricsFileSystem::~MetricsFileSystem() = default;

Task<Result<std::unique_ptr<File>>> MetricsFileSystem::Open(
    std::string path, OpenOptions options) {
  std::shared_ptr<metrics_internal::Instruments> m = instruments_;
  m->OpensForCurrentRuntime().Increment();
  auto start = std::chrono::steady_clock::now();
  Result<std::unique_ptr<File>> file = co_await Track(
      m, Op::kOpen, target_->Open(std::move(path), std::move(options)));
  std::chrono::duration<double> elapsed =
      std::chrono::steady_clock::now() - start;
  m->open_duration->Observe(elapsed.count());
  if (!file.ok()) co_return file.status();
  co_return std::unique_ptr<File>(
      std::make_unique<metrics_internal::MetricsFile>(std::move(file).value(),
                                                      std::move(m)));
}

Task<Result<FileInfo>> MetricsFileSystem::Stat(std::string path) {
  return Track(instruments_, Op::kStat, target_->Stat(std::move(path)));
}

ListStream MetricsFileSystem::List(std::string path, ListOptions options) {
  return metrics_internal::TrackList(
      instruments_, target_->List(std::move(path), std::move(options)));
}

Task<Status> MetricsFileSystem::CreateDir(std::string path, bool recursive) {
  return Track(instruments_, Op::kCreateDir,
               target_->CreateDir(std::move(path), recursive));
}

Task<Status> MetricsFileSystem::Remove(std::string path) {
  return Track(instruments_, Op::kRemove, target_->Remove(std::move(path)));
}

Task<Status> MetricsFileSystem::RemoveDir(std::string path, bool recursive) {
  return Track(instruments_, Op::kRemoveDir,
               target_->RemoveDir(std::move(path), recursive));
}

Task<Status> MetricsFileSystem::Rename(std::string from, std::string to) {
  return Track(instruments_, Op::kRename,
               target_->Rename(std::move(from), std::move(to)));
}

Task<Status> MetricsFileSystem::Copy(std::string from, std::string to) {
  return Track(instruments_, Op::kCopy,
               target_->Copy(std::move(from), std::move(to)));
}

Task<Status> MetricsFileSystem::SyncDir(std::string path) {
  return Track(instruments_, Op::kSyncDir, target_->SyncDir(std::move(path)));
}

}  // namespace strata::fs
