// S3FileSystem: FileSystem over an S3 bucket set (s3://bucket/key,
// s3a://..., gs://... through GCS's S3-compatible XML API).
//
// Paths are "/<bucket>/<key>". Directories are key prefixes ending in '/';
// CreateDir writes a zero-byte "dir/" marker so empty directories exist.
// Files:
// - Open for reading is one request: a ranged GET of the first
//   `min_readahead` bytes (size from Content-Range, etag, content type),
//   kept as the first readahead window, so a small file is read whole by
//   that GET (empty objects fall back to HEAD).
// - ReadAt: ranged GETs; sequential patterns trigger readahead (a window that
//   grows to `max_readahead`). ReadRanges coalesces nearby ranges (gap <=
//   `coalesce_gap`) into fewer GETs run `read_parallelism` at a time.
// - Write: buffered into `part_size` parts uploaded `upload_concurrency` at a
//   time (bounded memory: at most concurrency+1 parts held); small files are
//   one PUT at Close. Close completes, Abort aborts the multipart upload so
//   nothing half-visible remains. if_none_match("*")/if_match map to
//   conditional PUT / CompleteMultipartUpload.
// - append: an existing object is spliced with UploadPartCopy (objects under
//   the 5 MiB part minimum are read and re-uploaded as the first part),
//   keeping its content type, metadata and SSE settings.
// Capabilities: conditional_put, append (not on gs://: GCS's XML API has
// neither UploadPartCopy nor ETag If-Match writes, so an append is
// kUnimplemented there) and real_directories (markers); no
// atomic rename (Rename is copy + delete, files only), no positional writes,
// no sync (Sync is a no-op: data is durable once Close returns).
// Not atomic: Rename, RemoveDir(recursive), CreateDir(recursive). A File
// destroyed without Close aborts its multipart upload in the background (on
// the runtime it was opened on); nothing is committed.
//
// Thread-safety: as FileSystem.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "strata/core/result.h"
#include "strata/fs/file_system.h"
#include "strata/fs/registry.h"
#include "strata/s3/client.h"

namespace strata::s3 {

struct FileSystemOptions {
  FileSystemOptions() {}
  ClientOptions client;
  std::shared_ptr<Client> shared_client;  // else one is created from `client`
  size_t part_size = 8 << 20;
  size_t upload_concurrency = 4;
  size_t min_readahead = 256 << 10;
  size_t max_readahead = 8 << 20;
  size_t coalesce_gap = 1 << 20;
  size_t read_parallelism = 8;
  // ReadRanges never merges ranges into one GET larger than this.
  size_t max_coalesced = 64 << 20;
  // Reads send If-Match with the etag seen at Open, so an object replaced
  // while open fails reads with kFailedPrecondition instead of mixing
  // versions.
  bool consistent_reads = true;
  // Opening for write first LISTs "key/" to refuse writing a file where a
  // directory is (FileSystem semantics; the conformance suite requires it).
  // false skips that request, so a small file costs one PUT: for callers
  // that know the target is not a directory (bulk copies), as Arrow's
  // check_directory_existence_before_creation=false. A file written over a
  // directory prefix then shadows nothing: both the object and the keys
  // below it exist. URI: ?dir_check=true|false.
  bool check_directory_on_write = true;
  std::string scheme = "s3";  // for messages: "s3", "s3a", "gs"
  // Empty: paths are "/<bucket>/<key>". Set: the file system is rooted in
  // this bucket and paths are "/<key>".
  std::string bucket;
};

// Creates the client from `options.client` unless `shared_client` is set.
Result<std::shared_ptr<fs::FileSystem>> NewS3FileSystem(
    FileSystemOptions options = {});

// Registers s3://, s3a:// and gs:// with the URI registry. The URI's
// authority is the bucket and the first path component:
// OpenFileSystem("s3://b/k").path is "/b/k" (the file system serves every
// bucket). Query parameters (?endpoint=...
// &region=...&path_style=true|false&profile=...) override the environment;
// dir_check=true|false sets check_directory_on_write; gs:// uses
// Flavor::kGcs. Idempotent.
Status RegisterSchemes();

}  // namespace strata::s3
