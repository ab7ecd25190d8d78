// `strata stream hash --algo ALGO[,ALGO...] FILE`: one "<algo> <hex>" line
// per algorithm, in the order given, computed in one streaming pass over the
// file (1 MiB at a time, whatever its size).

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cli/location.h"
#include "cli/stream_command.h"
#include "cli/stream_io.h"
#include "strata/core/buffer.h"
#include "strata/stream/hash.h"

namespace strata::cli {
namespace {

struct HashOptions {
  std::string algorithms;
  std::string file;
};

Result<std::vector<std::unique_ptr<stream::Hasher>>> MakeHashers(
    const std::string& list) {
  STRATA_ASSIGN_OR_RETURN(auto algorithms, stream::ParseHashAlgorithms(list));
  std::vector<std::unique_ptr<stream::Hasher>> hashers;
  for (stream::HashAlgorithm algorithm : algorithms) {
    STRATA_ASSIGN_OR_RETURN(auto hasher, stream::NewHasher(algorithm));
    hashers.push_back(std::move(hasher));
  }
  return hashers;
}

// Feeds every byte of `file` to every hasher.
Task<Status> HashFile(fs::File& file,
                      std::vector<std::unique_ptr<stream::Hasher>>& hashers) {
  Buffer buffer = Buffer::Allocate(kStreamChunkSize);
  for (uint64_t offset = 0;;) {
    STRATA_CO_ASSIGN_OR_RETURN(size_t n,
                               co_await file.ReadAt(buffer.span(), offset));
    for (auto& hasher : hashers) hasher->Update(buffer.const_span().first(n));
    offset += n;
    if (n < buffer.size()) co_return Status::OK();
  }
}

Task<Status> RunHash(HashOptions options) {
  STRATA_CO_ASSIGN_OR_RETURN(auto hashers, MakeHashers(options.algorithms));
  STRATA_CO_ASSIGN_OR_RETURN(Location location, ResolveLocation(options.file));
  STRATA_CO_ASSIGN_OR_RETURN(auto file, co_await OpenInput(location));
  Status status = co_await HashFile(*file, hashers);
  Status closed = co_await file->Close();
  if (status.ok()) status = closed;
  STRATA_CO_RETURN_IF_ERROR(Annotate(status, location));
  std::vector<stream::ChecksumResult> digests;
  for (auto& hasher : hashers) {
    digests.push_back({hasher->algorithm(), hasher->Finish()});
  }
  PrintDigests(digests);
  co_return Status::OK();
}

}  // namespace

void AddStreamHashCommand(CLI::App& stream, Invocation* invocation) {
  auto o = std::make_shared<HashOptions>();
  CLI::App* cmd = stream.add_subcommand(
      "hash", "Print digests of a file, streaming it in bounded memory");
  cmd->add_option("--algo", o->algorithms,
                  "ALGO[,ALGO...]: crc32, crc32c, crc64nvme, md5, sha1, "
                  "sha256, xxh3, xxh128, highwayhash256")
      ->required();
  cmd->add_option("FILE", o->file, "Path or URI of a file")->required();
  cmd->callback([o, invocation] {
    invocation->run = [o](runtime::Runtime& rt) {
      return rt.BlockOn(RunHash(*o));
    };
  });
}

}  // namespace strata::cli
