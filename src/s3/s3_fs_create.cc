// NewS3FileSystem: option checks and client creation. Kept apart from
// s3_fs.cc so that code using MakeS3FileSystem with its own client does not
// pull in Client::Create.
#include "s3/s3_fs_internal.h"
#include "strata/s3/s3_fs.h"

namespace strata::s3 {

Result<std::shared_ptr<fs::FileSystem>> NewS3FileSystem(
    FileSystemOptions options) {
  if (options.part_size < Client::kMinPartSize ||
      options.part_size > Client::kMaxPartSize) {
    return InvalidArgumentError(
        "s3 file system: part_size must be within [5 MiB, 5 GiB], got " +
        std::to_string(options.part_size));
  }
  if (options.upload_concurrency == 0 || options.read_parallelism == 0) {
    return InvalidArgumentError(
        "s3 file system: upload_concurrency and read_parallelism must be >= 1");
  }
  if (options.min_readahead > options.max_readahead) {
    return InvalidArgumentError(
        "s3 file system: min_readahead exceeds max_readahead");
  }
  std::shared_ptr<Client> client = options.shared_client;
  if (client == nullptr) {
    STRATA_ASSIGN_OR_RETURN(client, Client::Create(options.client));
  }
  return MakeS3FileSystem(std::move(client), std::move(options));
}

}  // namespace strata::s3
