// OpenDecompressReader: codec detection by magic (skipping leading
// skippable frames), the §3.6 limits, and locating the seek table (§3.1 for
// zstd/lz4, the §3.4 index member for gzip) before choosing a reader.
#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "strata/stream/compress.h"
#include "stream/compress_format.h"
#include "stream/compress_reader.h"
#include "stream/compress_util.h"
#include "stream/seek_table.h"

namespace strata::stream {
namespace cf = compress_format;
namespace {

constexpr int kMaxLeadingSkippable = 64;

// Reads exactly [offset, offset + n) or fails with kDataLoss.
Task<Result<std::vector<std::byte>>> ReadExact(fs::File& file, uint64_t offset,
                                               size_t n, std::string what) {
  std::vector<std::byte> out(n);
  STRATA_CO_ASSIGN_OR_RETURN(size_t got, co_await file.ReadAt(out, offset));
  if (got != n) co_return DataLossError(Describe(what, "file is truncated"));
  co_return out;
}

std::optional<Codec> CodecOfMagic(const std::vector<std::byte>& m) {
  if (static_cast<uint8_t>(m[0]) == cf::kGzipId1 &&
      static_cast<uint8_t>(m[1]) == cf::kGzipId2) {
    return Codec::kGzip;
  }
  const uint32_t magic = LoadLe32(m.data());
  if (magic == cf::kZstdMagic) return Codec::kZstd;
  if (magic == cf::kLz4Magic) return Codec::kLz4;
  return std::nullopt;
}

// The codec of the first real frame; nullopt when the file holds nothing
// but skippable frames (an empty zstd/lz4 stream).
Task<Result<std::optional<Codec>>> SniffCodec(fs::File& file, uint64_t size,
                                              std::string what) {
  uint64_t pos = 0;
  for (int i = 0; i < kMaxLeadingSkippable && pos < size; ++i) {
    if (size - pos < 4) break;
    STRATA_CO_ASSIGN_OR_RETURN(std::vector<std::byte> m,
                               co_await ReadExact(file, pos, 4, what));
    if (std::optional<Codec> c = CodecOfMagic(m)) co_return c;
    if ((LoadLe32(m.data()) & cf::kSkippableMask) != cf::kSkippableBase ||
        size - pos < cf::kSkippableHeaderBytes) {
      break;
    }
    STRATA_CO_ASSIGN_OR_RETURN(m, co_await ReadExact(file, pos + 4, 4, what));
    pos += cf::kSkippableHeaderBytes + LoadLe32(m.data());
    if (pos == size) co_return std::optional<Codec>();
  }
  co_return InvalidArgumentError(
      Describe(what, "not a zstd, lz4 or gzip stream (unknown magic)"));
}

Task<Result<Codec>> DetectCodec(fs::File& file, uint64_t size, Codec expected,
                                std::string what) {
  STRATA_CO_ASSIGN_OR_RETURN(std::optional<Codec> found,
                             co_await SniffCodec(file, size, what));
  if (!found) {  // only skippable frames
    if (expected == Codec::kGzip) {
      co_return InvalidArgumentError(Describe(what, "not a gzip stream"));
    }
    co_return expected == Codec::kAuto ? Codec::kZstd : expected;
  }
  if (expected != Codec::kAuto && *found != expected) {
    std::string detail = "is a ";
    detail += CodecName(*found);
    detail += " stream, not ";
    detail += CodecName(expected);
    co_return InvalidArgumentError(Describe(what, detail));
  }
  co_return *found;
}

Result<ReaderSetup> MakeSetup(const DecompressOptions& options, Codec codec,
                              uint64_t file_size) {
  if (!(options.max_expansion >= 0.0)) {
    return InvalidArgumentError("decompress: max_expansion must be >= 0");
  }
  ReaderSetup setup;
  setup.codec = codec;
  setup.file_size = file_size;
  setup.pool = options.pool;
  if (options.max_plain_size != 0) {
    setup.plain_limit = options.max_plain_size;
    setup.limit_name =
        "max_plain_size " + std::to_string(options.max_plain_size);
  }
  if (options.max_expansion > 0) {
    const double bytes = options.max_expansion * static_cast<double>(file_size);
    const uint64_t limit =
        bytes >= 1.8e19 ? UINT64_MAX
                        : std::max<uint64_t>(static_cast<uint64_t>(bytes),
                                             cf::kMinExpansionBudget);
    if (limit < setup.plain_limit) {
      setup.plain_limit = limit;
      setup.limit_name =
          "max_expansion " + std::to_string(options.max_expansion);
      setup.limit_name += " (" + std::to_string(limit) + " bytes)";
    }
  }
  return setup;
}

// The table bytes and the bytes of frames before them, or nullopt.
struct TableBytes {
  std::vector<std::byte> table;
  uint64_t data_bytes = 0;
};

Task<Result<std::optional<TableBytes>>> ReadTableBytes(fs::File& file,
                                                       Codec codec,
                                                       uint64_t size,
                                                       std::string what) {
  const bool gzip = codec == Codec::kGzip;
  const size_t tail_bytes =
      gzip ? cf::kGzipIndexTailBytes : cf::kSeekFooterBytes;
  if (size < tail_bytes) co_return std::optional<TableBytes>();
  STRATA_CO_ASSIGN_OR_RETURN(
      std::vector<std::byte> tail,
      co_await ReadExact(file, size - tail_bytes, tail_bytes, what));
  STRATA_CO_ASSIGN_OR_RETURN(std::optional<uint64_t> bytes,
                             gzip ? GzipIndexBytes(tail, size, what)
                                  : SeekTableBytes(tail, size, what));
  if (!bytes) co_return std::optional<TableBytes>();
  TableBytes out;
  out.data_bytes = size - *bytes;
  STRATA_CO_ASSIGN_OR_RETURN(
      out.table, co_await ReadExact(file, out.data_bytes, *bytes, what));
  if (gzip) {
    STRATA_CO_ASSIGN_OR_RETURN(out.table, DecodeGzipIndex(out.table, what));
  }
  co_return std::optional<TableBytes>(std::move(out));
}

}  // namespace

Task<Result<std::unique_ptr<fs::File>>> OpenDecompressReader(
    std::unique_ptr<fs::File> inner, DecompressOptions options) {
  if (!inner) co_return InvalidArgumentError("decompress: no inner file");
  const std::string what = Describe("decompress open", inner->path());
  STRATA_CO_ASSIGN_OR_RETURN(uint64_t size, co_await inner->Size());
  STRATA_CO_ASSIGN_OR_RETURN(
      Codec codec, co_await DetectCodec(*inner, size, options.codec, what));
  STRATA_CO_ASSIGN_OR_RETURN(ReaderSetup setup,
                             MakeSetup(options, codec, size));
  STRATA_CO_ASSIGN_OR_RETURN(
      std::optional<TableBytes> bytes,
      co_await ReadTableBytes(*inner, codec, size, what));
  if (!bytes) co_return MakeStreamReader(std::move(inner), std::move(setup));
  STRATA_CO_ASSIGN_OR_RETURN(
      SeekTable table, ParseSeekTable(bytes->table, bytes->data_bytes, what));
  if (table.plain_size() > setup.plain_limit) {
    co_return PlainLimitError(setup, what);
  }
  co_return MakeIndexedReader(std::move(inner), std::move(setup),
                              std::move(table));
}

}  // namespace strata::stream
