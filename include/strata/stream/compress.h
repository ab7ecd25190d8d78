// Compression layers: zstd, lz4 (frame format) and gzip, in block-seekable
// layouts that the standard tools still decode (docs/stream-formats.md):
//
//   zstd  independent frames of `block_size` plain bytes, then the zstd
//         seekable-format seek table in a skippable frame; `zstd -d` decodes.
//   lz4   independent LZ4 frames, then a skippable frame holding the same
//         kind of seek table; `lz4 -d` decodes.
//   gzip  independent gzip members, then an empty member whose FCOMMENT
//         field carries the seek table; `gzip -d` decodes.
//
// Adaptive: a block whose compressed form does not save at least
// `min_saving` of its size is stored raw inside the format (zstd raw blocks,
// lz4 uncompressed blocks, deflate stored blocks), after a cheap sample test
// so incompressible data costs about a copy. Codec::kAuto picks the codec
// from a sample of the first block.
//
// Readers open anything the standard tools write: with a seek table, ReadAt
// decodes only the frames it touches; without one (a plain `zstd`, `lz4`,
// `gzip` file), reads are served by a sequential decoder that restarts from
// the beginning only when a read goes backwards. Decompression bombs: plain
// output beyond `max_plain_size`, or beyond `max_expansion` times the
// compressed size, fails with kResourceExhausted naming the limit.
//
// Errors: corrupt or truncated input is kDataLoss naming the path (and the
// frame and compressed offset when a seek table gives them); a codec/format
// mismatch is kInvalidArgument.
//
// Thread-safety: as layer.h. The factories may be called concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "strata/core/result.h"
#include "strata/core/task.h"
#include "strata/fs/file.h"
#include "strata/stream/layer.h"

namespace strata::stream {

enum class Codec { kZstd, kLz4, kGzip, kAuto };

std::string_view CodecName(Codec codec);  // "zstd", "lz4", "gzip", "auto"

struct CompressOptions : LayerOptions {
  CompressOptions() {}
  Codec codec = Codec::kZstd;
  // Codec level; 0 is the codec's default (zstd 3, lz4 fast=1 / HC for
  // levels >= 3, gzip 6). Out-of-range levels are kInvalidArgument.
  int level = 0;
  // Plain bytes per independent frame/member (64 KiB .. 64 MiB).
  size_t block_size = size_t{1} << 20;
  // Store a block raw unless compression saves at least this fraction.
  double min_saving = 0.03;
  // Write the seek table (off: exactly what the plain tool would produce,
  // one frame per block but no index).
  bool seek_table = true;
};

// Parses "zstd", "zstd:19", "lz4", "lz4:9", "gzip:6", "auto"
// (kInvalidArgument naming the text).
Result<CompressOptions> ParseCompressSpec(std::string_view spec);

struct DecompressOptions : LayerOptions {
  DecompressOptions() {}
  // Expected codec; kAuto detects it from the magic bytes.
  Codec codec = Codec::kAuto;
  // Decompression-bomb limits (0 = unlimited).
  uint64_t max_plain_size = uint64_t{1} << 40;
  double max_expansion = 1000.0;
};

// A writer compressing into `inner` (which must be empty and open for
// write). kInvalidArgument for bad options.
Result<std::unique_ptr<fs::File>> NewCompressWriter(
    std::unique_ptr<fs::File> inner, CompressOptions options);

// A reader of a compressed `inner` (open for read). Reads the seek table if
// there is one. kInvalidArgument when the bytes are not the expected codec
// (or not compressed at all, or empty); kDataLoss for a corrupt seek table;
// kResourceExhausted when the table's plain size is over the limits.
Task<Result<std::unique_ptr<fs::File>>> OpenDecompressReader(
    std::unique_ptr<fs::File> inner, DecompressOptions options);

}  // namespace strata::stream
