// libFuzzer target for the seek-table (§3.1) and gzip-index (§3.4) parsers.
// The first 8 input bytes give the claimed size of the frames before the
// table; the rest is the table (or index member) bytes. Invariants (abort on
// violation): a parsed table's compressed sizes add up to that size, its
// prefix sums are consistent, FrameAt finds the right frame, and a table
// with checksums re-encodes to exactly the input.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>

// Fuzz targets get only include/ on the include path: the private headers
// are found next to this file.
#include "stream/compress_util.h"
#include "stream/seek_table.h"

namespace {

using strata::stream::SeekTable;

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "invariant violated: %s\n", what);
  std::abort();
}

void CheckTable(const SeekTable& t, std::span<const std::byte> bytes,
                uint64_t data_bytes) {
  if (t.compressed_offsets.back() != data_bytes) Fail("sizes do not add up");
  if (t.plain_offsets.size() != t.entries.size() + 1) Fail("prefix sums");
  for (size_t i = 0; i < t.entries.size(); ++i) {
    if (t.entries[i].plain_size == 0) continue;
    if (t.FrameAt(t.plain_offsets[i]) != i) Fail("FrameAt");
  }
  if (t.has_checksums) {
    auto again = strata::stream::EncodeSeekTable(t.entries);
    if (again.size() != bytes.size() ||
        std::memcmp(again.data(), bytes.data(), bytes.size()) != 0) {
      Fail("re-encoding differs");
    }
  }
}

void ParseAsTable(std::span<const std::byte> bytes, uint64_t data_bytes) {
  auto size =
      strata::stream::SeekTableBytes(bytes, data_bytes + bytes.size(), "f");
  auto table = strata::stream::ParseSeekTable(bytes, data_bytes, "f");
  if (table.ok()) {
    if (!size.ok() || !size->has_value() || **size != bytes.size()) {
      Fail("a parsed table's footer disagrees");
    }
    CheckTable(*table, bytes, data_bytes);
  }
}

void ParseAsGzipIndex(std::span<const std::byte> bytes, uint64_t data_bytes) {
  auto size =
      strata::stream::GzipIndexBytes(bytes, data_bytes + bytes.size(), "f");
  if (!size.ok() || !size->has_value()) return;
  if (**size > bytes.size()) return;  // the index reaches into the frames
  auto member = bytes.last(static_cast<size_t>(**size));
  auto table = strata::stream::DecodeGzipIndex(member, "f");
  if (!table.ok()) return;
  ParseAsTable(*table, data_bytes + bytes.size() - member.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 8) return 0;
  const uint64_t data_bytes =
      strata::stream::LoadLe64(reinterpret_cast<const std::byte*>(data)) &
      ((uint64_t{1} << 40) - 1);
  std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data) + 8,
                                   size - 8);
  ParseAsTable(bytes, data_bytes);
  ParseAsGzipIndex(bytes, data_bytes);
  return 0;
}
