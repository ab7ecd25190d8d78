// The seek table of compressed streams (docs/stream-formats.md §3.1) and its
// gzip carrier, the index member (§3.4): encoding, and validating parsers
// for untrusted bytes (fuzzed by seek_table_fuzz.cc).
//
// Thread-safety: free functions on values; SeekTable is a value type.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "strata/core/result.h"

namespace strata::stream {

struct SeekEntry {
  uint32_t compressed_size = 0;
  uint32_t plain_size = 0;
  uint32_t checksum = 0;  // low 32 bits of XXH64 of the plain bytes
};

// A validated table with prefix sums (offsets have entries.size() + 1
// elements; the last is the total).
struct SeekTable {
  bool has_checksums = false;
  std::vector<SeekEntry> entries;
  std::vector<uint64_t> compressed_offsets;
  std::vector<uint64_t> plain_offsets;

  uint64_t plain_size() const { return plain_offsets.back(); }
  // The frame holding plain byte `offset` (< plain_size()).
  size_t FrameAt(uint64_t offset) const;
};

// The skippable frame holding `entries` (with checksums).
std::vector<std::byte> EncodeSeekTable(std::span<const SeekEntry> entries);

// From a file's last 9 bytes: the byte size of the whole table frame, or
// nullopt when the seekable magic is absent (no table). kDataLoss (naming
// `what`) for a footer that cannot be right for a file of `file_size` bytes.
Result<std::optional<uint64_t>> SeekTableBytes(std::span<const std::byte> tail,
                                               uint64_t file_size,
                                               std::string_view what);

// Parses and validates a whole table frame (§3.1) describing exactly
// `data_bytes` bytes of frames before it. kDataLoss naming `what`.
Result<SeekTable> ParseSeekTable(std::span<const std::byte> table,
                                 uint64_t data_bytes, std::string_view what);

// The gzip index member carrying an encoded table.
std::vector<std::byte> EncodeGzipIndex(std::span<const std::byte> table);

// From a file's last 27 bytes: the byte size of the whole index member, or
// nullopt when the tail is not a strata index. kDataLoss for an index whose
// length cannot be right for a file of `file_size` bytes.
Result<std::optional<uint64_t>> GzipIndexBytes(std::span<const std::byte> tail,
                                               uint64_t file_size,
                                               std::string_view what);

// The table bytes inside a whole index member. kDataLoss naming `what`.
Result<std::vector<std::byte>> DecodeGzipIndex(
    std::span<const std::byte> member, std::string_view what);

}  // namespace strata::stream
