// `strata stream`: the stream-layer subcommands and the helpers they share.
// Each subcommand lives in its own file: encode/decode (stream_codec.cc),
// hash (stream_hash.cc), ec encode/decode (stream_ec.cc).
//
// Thread-safety: registration runs on the main thread; the helpers are pure
// or print from the command's coroutine.
#pragma once

#include <CLI/CLI.hpp>
#include <span>

#include "cli/command.h"
#include "strata/stream/checksum_file.h"

namespace strata::cli {

void AddStreamCodecCommands(CLI::App& stream, Invocation* invocation);
void AddStreamHashCommand(CLI::App& stream, Invocation* invocation);
void AddStreamEcCommands(CLI::App& stream, Invocation* invocation);

// Prints one "<algorithm> <hex digest>" line per result, in order.
void PrintDigests(std::span<const stream::ChecksumResult> digests);

}  // namespace strata::cli
