// MetricsFileSystem: a wrapper that counts, sizes and times every operation
// of the file system it wraps (and of the files it opens) in a metrics
// Registry, labelled with the target's name() as `backend`:
//
//   strata_fs_ops_total{backend,op}             operations started
//   strata_file_errors_total{backend,op}        operations that failed
//   strata_file_opens_total{backend,runtime}    Open calls; `runtime` is the
//                                               calling runtime's kind
//                                               ("io_uring", "poll") or "none"
//   strata_file_open_duration_seconds{backend}  Open latency (histogram)
//   strata_file_read_bytes_total{backend}       bytes returned by reads
//   strata_file_write_bytes_total{backend}      bytes written successfully
//   strata_io_inflight{backend}                 operations in progress
//
// `op` is one of open, stat, list, create_dir, remove, remove_dir, rename,
// copy, sync_dir, read, write, sync, size, close, abort (ReadV counts as
// read; WriteV and WriteAt as write). Results pass through unchanged.
//
// Thread-safety: as the target; metric updates are lock-free atomics.
// Lifetime: the registry must outlive the wrapper and every file it opened.
#pragma once

#include <memory>
#include <string>

#include "strata/core/metrics.h"
#include "strata/fs/forwarding.h"

namespace strata::fs {

namespace metrics_internal {
struct Instruments;
}  // namespace metrics_internal

class MetricsFileSystem final : public ForwardingFileSystem {
 public:
  // Records to `registry`, or to metrics::DefaultRegistry() when null.
  explicit MetricsFileSystem(std::shared_ptr<FileSystem> target,
                             metrics::Registry* registry = nullptr);
  ~MetricsFileSystem() override;

  Task<Result<std::unique_ptr<File>>> Open(std::string path,
                                           OpenOptions options) override;
  Task<Result<FileInfo>> Stat(std::string path) override;
  ListStream List(std::string path, ListOptions options) override;
  Task<Status> CreateDir(std::string path, bool recursive) override;
  Task<Status> Remove(std::string path) override;
  Task<Status> RemoveDir(std::string path, bool recursive) override;
  Task<Status> Rename(std::string from, std::string to) override;
  Task<Status> Copy(std::string from, std::string to) override;
  Task<Status> SyncDir(std::string path) override;

 private:
  // The metric handles, shared with the files this wrapper opened.
  std::shared_ptr<metrics_internal::Instruments> instruments_;
};

}  // namespace strata::fs
