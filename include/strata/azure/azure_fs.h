// AzureFileSystem: FileSystem over the containers of one Azure Storage
// account (az://container/path).
//
// Paths are "/<container>/<blob>". Directories are blob-name prefixes ending
// in '/'; CreateDir writes a zero-byte "dir/" marker blob so empty
// directories exist. Files:
// - ReadAt: ranged Get Blob requests; sequential patterns trigger readahead
//   (a window growing from `min_readahead` to `max_readahead`).
// - Write: buffered into `block_size` blocks staged with Put Block,
//   `upload_concurrency` at a time (bounded memory: at most concurrency + 1
//   blocks held); Close commits them with Put Block List (a file that fits
//   in one block is a single Put Blob). create_new / if_none_match("*") /
//   if_match apply to that final commit. Abort commits nothing (staged
//   blocks are garbage-collected by the service). The first failed request
//   poisons the file: every later Write and Close returns that error.
// - append: on an AppendBlob, the new bytes are buffered and appended at
//   Close with Append Block (≤ 4 MiB each, position checked), so Abort or a
//   failed write leaves the blob untouched. A write larger than
//   `append_buffer_limit` appends each full buffer as it fills; those bytes
//   cannot be withdrawn, and Abort then returns kFailedPrecondition saying
//   so. On a BlockBlob, the committed block list plus the new blocks (a blob
//   written by a single Put Blob has no block list: its content is copied
//   into a first block with ranged reads + Put Block), keeping its content
//   type, encoding, language, disposition, cache control and metadata,
//   committed under If-Match of the original etag.
// - Rename copies under x-ms-source-if-match of the source etag and deletes
//   the source under If-Match of it: a concurrent overwrite of the source
//   makes Rename fail (kFailedPrecondition) rather than be lost.
// Conditional commits store the reserved metadata key "strata_write_id"
// (Client::kWriteIdMetadata; see client.h).
// Capabilities: append and conditional_put; no atomic rename (Rename is
// copy + delete), no positional writes, no sync, no real directories.
//
// Thread-safety: as FileSystem.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "strata/azure/client.h"
#include "strata/core/result.h"
#include "strata/fs/file_system.h"

namespace strata::azure {

struct AzureFileSystemOptions {
  AzureFileSystemOptions() {}
  ClientOptions client;
  std::shared_ptr<Client> shared_client;  // else one is created from `client`
  size_t block_size = 8 << 20;
  size_t upload_concurrency = 4;
  // Append-blob writes hold new bytes until Close, up to this many.
  size_t append_buffer_limit = 64 << 20;
  size_t min_readahead = 256 << 10;
  size_t max_readahead = 8 << 20;
};

Result<std::shared_ptr<fs::FileSystem>> NewAzureFileSystem(
    AzureFileSystemOptions options = {});

// Registers az:// with the URI registry: the authority is the container and
// the FileSystemRef path "/<container>/<blob>". Query parameters override
// the environment: account, account_key (alias key), sas_token (alias sas),
// endpoint, connection_string; any other is kInvalidArgument. Idempotent.
Status RegisterSchemes();

}  // namespace strata::azure
