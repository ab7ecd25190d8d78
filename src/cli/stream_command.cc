// `strata stream`: registers the encode, decode, hash and ec subcommands,
// and the helpers they share (see stream_command.h).

#include "cli/stream_command.h"

#include <fmt/format.h>

#include "strata/stream/hash.h"

namespace strata::cli {

void PrintDigests(std::span<const stream::ChecksumResult> digests) {
  for (const stream::ChecksumResult& result : digests) {
    fmt::print("{} {}\n", stream::HashName(result.algorithm),
               stream::ToHex(result.digest));
  }
}

void AddStreamCommands(CLI::App& app, Invocation* invocation) {
  CLI::App* stream = app.add_subcommand(
      "stream",
      "Encode/decode files through the stream layers (compress, encrypt, "
      "checksum, bitrot, erasure coding)");
  stream->require_subcommand(1);
  AddStreamCodecCommands(*stream, invocation);
  AddStreamHashCommand(*stream, invocation);
  AddStreamEcCommands(*stream, invocation);
}

}  // namespace strata::cli
