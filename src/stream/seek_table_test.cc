// The seek table (§3.1) and gzip index member (§3.4) codecs: round trips
// against known bytes and every validation rule.
#include "stream/seek_table.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "stream/compress_format.h"
#include "stream/compress_util.h"

namespace strata::stream {
namespace {

namespace cf = compress_format;

std::vector<SeekEntry> ThreeEntries() {
  return {{100, 1000, 0x11111111}, {200, 1000, 0x22222222}, {7, 5, 0x33}};
}

TEST(SeekTableTest, EncodesTheZstdSeekableLayout) {
  auto table = EncodeSeekTable(ThreeEntries());
  ASSERT_EQ(table.size(), 8u + 3 * 12 + 9);
  EXPECT_EQ(LoadLe32(table.data()), 0x184D2A5Eu);
  EXPECT_EQ(LoadLe32(table.data() + 4), 3u * 12 + 9);
  EXPECT_EQ(LoadLe32(table.data() + 8), 100u);
  EXPECT_EQ(LoadLe32(table.data() + 12), 1000u);
  EXPECT_EQ(LoadLe32(table.data() + 16), 0x11111111u);
  EXPECT_EQ(LoadLe32(table.data() + 44), 3u);
  EXPECT_EQ(static_cast<uint8_t>(table[48]), 0x80);
  EXPECT_EQ(LoadLe32(table.data() + 49), 0x8F92EAB1u);
}

TEST(SeekTableTest, ParsesWhatItEncodes) {
  auto bytes = EncodeSeekTable(ThreeEntries());
  auto t = ParseSeekTable(bytes, 307, "t");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_TRUE(t->has_checksums);
  ASSERT_EQ(t->entries.size(), 3u);
  EXPECT_EQ(t->plain_size(), 2005u);
  EXPECT_EQ(t->compressed_offsets[2], 300u);
  EXPECT_EQ(t->FrameAt(0), 0u);
  EXPECT_EQ(t->FrameAt(999), 0u);
  EXPECT_EQ(t->FrameAt(1000), 1u);
  EXPECT_EQ(t->FrameAt(2004), 2u);
  auto size = SeekTableBytes(bytes, 307 + bytes.size(), "t");
  ASSERT_TRUE(size.ok());
  ASSERT_TRUE(size->has_value());
  EXPECT_EQ(**size, bytes.size());
}

TEST(SeekTableTest, AcceptsTablesWithoutChecksumsAndEmptyTables) {
  std::vector<std::byte> bytes(8 + 8 + 9);
  StoreLe32(bytes.data(), cf::kSeekTableMagic);
  StoreLe32(bytes.data() + 4, 8 + 9);
  StoreLe32(bytes.data() + 8, 50);
  StoreLe32(bytes.data() + 12, 60);
  StoreLe32(bytes.data() + 16, 1);
  StoreLe32(bytes.data() + 21, cf::kSeekableMagic);
  auto t = ParseSeekTable(bytes, 50, "t");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_FALSE(t->has_checksums);
  EXPECT_EQ(t->plain_size(), 60u);
  auto empty = ParseSeekTable(EncodeSeekTable({}), 0, "t");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->plain_size(), 0u);
  auto one_empty = ParseSeekTable(
      EncodeSeekTable(std::vector<SeekEntry>{{9, 0, 0}}), 9, "t");
  EXPECT_TRUE(one_empty.ok());
}

void ExpectDataLoss(std::vector<SeekEntry> entries, uint64_t data_bytes,
                    const char* why) {
  auto t = ParseSeekTable(EncodeSeekTable(entries), data_bytes, "t");
  ASSERT_FALSE(t.ok()) << why;
  EXPECT_EQ(t.status().code(), StatusCode::kDataLoss) << why;
}

TEST(SeekTableTest, RejectsImpossibleEntries) {
  ExpectDataLoss(ThreeEntries(), 306, "sizes do not add up");
  ExpectDataLoss({{10, 0, 0}, {10, 5, 0}}, 20, "empty frame among others");
  ExpectDataLoss({{2000, 100, 0}}, 2000, "compressed far above plain");
  ExpectDataLoss({{100, (1u << 30) + 1, 0}}, 100, "frame over 1 GiB");
  ExpectDataLoss({{0, 5, 0}}, 0, "zero compressed size");
}

TEST(SeekTableTest, FooterChecks) {
  auto bytes = EncodeSeekTable(ThreeEntries());
  // No seekable magic: no table (not an error).
  auto copy = bytes;
  copy.back() ^= std::byte{1};
  auto none = SeekTableBytes(copy, 1000, "t");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  EXPECT_FALSE(SeekTableBytes(bytes, bytes.size() - 1, "t").ok())
      << "table larger than the file";
  copy = bytes;
  copy[bytes.size() - 5] |= std::byte{1};
  EXPECT_FALSE(SeekTableBytes(copy, 1000, "t").ok()) << "reserved bits";
  copy = bytes;
  StoreLe32(copy.data() + bytes.size() - 9, (1u << 24) + 1);
  EXPECT_FALSE(SeekTableBytes(copy, uint64_t{1} << 40, "t").ok())
      << "too many frames";
  copy = bytes;
  copy[0] ^= std::byte{1};
  EXPECT_FALSE(ParseSeekTable(copy, 307, "t").ok()) << "skippable magic";
  copy = bytes;
  copy[4] ^= std::byte{1};
  EXPECT_FALSE(ParseSeekTable(copy, 307, "t").ok()) << "frame size";
}

TEST(GzipIndexTest, RoundTripsAndKnownLayout) {
  auto table = EncodeSeekTable(ThreeEntries());
  auto member = EncodeGzipIndex(table);
  const std::string s(reinterpret_cast<const char*>(member.data()),
                      member.size());
  EXPECT_EQ(s.substr(0, 10), std::string("\x1f\x8b\x08\x10\0\0\0\0\0\xff", 10));
  EXPECT_EQ(s.substr(10, 18), "strata-seek-table:");
  const size_t length = member.size() - 21;
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016zx", length);
  EXPECT_EQ(s.substr(member.size() - 27, 16), hex);
  EXPECT_EQ(s.substr(member.size() - 11),
            std::string("\0\x03\0\0\0\0\0\0\0\0\0", 11));
  auto bytes = GzipIndexBytes(member, member.size() + 500, "g");
  ASSERT_TRUE(bytes.ok());
  ASSERT_TRUE(bytes->has_value());
  EXPECT_EQ(**bytes, member.size());
  auto decoded = DecodeGzipIndex(member, "g");
  ASSERT_TRUE(decoded.ok());
  EXPECT_TRUE(*decoded == table);
}

TEST(GzipIndexTest, RejectsDamage) {
  auto member = EncodeGzipIndex(EncodeSeekTable(ThreeEntries()));
  auto copy = member;
  copy[member.size() - 3] ^= std::byte{1};  // trailer: not an index
  auto none = GzipIndexBytes(copy, 1000, "g");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  EXPECT_FALSE(GzipIndexBytes(member, member.size() - 1, "g").ok())
      << "length beyond the file";
  // Header, prefix, a non-base64 character, the ':' before L.
  for (size_t pos : {size_t{3}, size_t{12}, size_t{30}, member.size() - 28}) {
    copy = member;
    copy[pos] = std::byte{'!'};
    EXPECT_FALSE(DecodeGzipIndex(copy, "g").ok()) << pos;
  }
}

}  // namespace
}  // namespace strata::stream
