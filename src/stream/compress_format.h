// Constants of the compressed stream formats (docs/stream-formats.md §3):
// codec magics, the seek table shared by zstd and lz4 (§3.1), the gzip index
// member (§3.4) and the reader's limits (§3.6). Constants only.
//
// Thread-safety: constants.
#pragma once

#include <cstddef>
#include <cstdint>

namespace strata::stream::compress_format {

// First four bytes of a frame/member, as a little-endian u32.
inline constexpr uint32_t kZstdMagic = 0xFD2FB528;  // 28 b5 2f fd
inline constexpr uint32_t kLz4Magic = 0x184D2204;   // 04 22 4d 18
inline constexpr uint8_t kGzipId1 = 0x1f;
inline constexpr uint8_t kGzipId2 = 0x8b;
// Skippable frames (zstd and LZ4 share the range 0x184D2A50..5F).
inline constexpr uint32_t kSkippableMask = 0xFFFFFFF0;
inline constexpr uint32_t kSkippableBase = 0x184D2A50;
inline constexpr size_t kSkippableHeaderBytes = 8;  // magic, u32 size

// §3.1 seek table (zstd contrib/seekable_format).
inline constexpr uint32_t kSeekTableMagic = 0x184D2A5E;
inline constexpr uint32_t kSeekableMagic = 0x8F92EAB1;
inline constexpr size_t kSeekFooterBytes = 9;  // u32 n, u8 descriptor, u32
inline constexpr uint8_t kSeekChecksumFlag = 0x80;
inline constexpr uint8_t kSeekReservedBits = 0x7f;
inline constexpr size_t kSeekEntryBytes = 8;
inline constexpr size_t kSeekEntryWithChecksumBytes = 12;
// More frames than this is refused (1 MiB blocks: 16 TiB of plain data).
inline constexpr uint64_t kMaxSeekFrames = uint64_t{1} << 24;
// A frame's plain size, and how much larger than it its frame may be.
inline constexpr uint64_t kMaxFramePlainBytes = uint64_t{1} << 30;
inline constexpr uint64_t MaxFrameBytes(uint64_t plain) {
  return plain + plain / 128 + 1024;
}

// §3.4 gzip index member.
inline constexpr uint8_t kGzipIndexHeader[10] = {0x1f, 0x8b, 0x08, 0x10, 0,
                                                 0,    0,    0,    0,    0xff};
inline constexpr char kGzipIndexPrefix[] = "strata-seek-table:";
inline constexpr size_t kGzipIndexHexDigits = 16;
// After the comment: terminator, empty final deflate block, CRC32, ISIZE.
inline constexpr uint8_t kGzipIndexTrailer[11] = {0, 0x03, 0, 0, 0, 0,
                                                  0, 0,    0, 0, 0};
// The fixed tail a reader checks: ":" L (16 hex) + the trailer.
inline constexpr size_t kGzipIndexTailBytes =
    kGzipIndexHexDigits + sizeof(kGzipIndexTrailer);  // 27

// §3.2 zstd raw frames.
inline constexpr size_t kZstdMaxRawBlock = size_t{128} << 10;
// §3.3 LZ4 frames.
inline constexpr size_t kLz4MaxBlock = size_t{4} << 20;

// Writer options (compress.h).
inline constexpr size_t kMinBlockSize = size_t{64} << 10;
inline constexpr size_t kMaxBlockSize = size_t{64} << 20;
// Reader limits (§3.6): the expansion bound is never below this.
inline constexpr uint64_t kMinExpansionBudget = uint64_t{1} << 20;

}  // namespace strata::stream::compress_format
