#include "strata/journal/format.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "strata/core/crc32c.h"

namespace strata::journal {
namespace {

std::vector<std::byte> Frame(std::string_view payload, Lsn start,
                             uint32_t lag) {
  std::vector<std::byte> out(kFrameHeaderBytes + payload.size());
  std::memcpy(out.data() + kFrameHeaderBytes, payload.data(), payload.size());
  EncodeFrame(out, start, lag,
              std::span<const std::byte>(out).subspan(kFrameHeaderBytes));
  return out;
}

TEST(Crc32cTest, CheckValueAndExtension) {
  const std::string s = "123456789";
  auto bytes = std::as_bytes(std::span(s.data(), s.size()));
  EXPECT_EQ(Crc32c(bytes), 0xE3069283u);
  EXPECT_EQ(Crc32c(bytes.subspan(4), Crc32c(bytes.first(4))), 0xE3069283u);
  EXPECT_EQ(UnmaskCrc(MaskCrc(0x12345678u)), 0x12345678u);
}

TEST(FormatTest, SegmentNamesRoundTrip) {
  EXPECT_EQ(SegmentFileName(7), "00000000000000000007.journal");
  EXPECT_EQ(ParseSegmentFileName("00000000000000000007.journal"), 7u);
  EXPECT_FALSE(ParseSegmentFileName("7.journal"));
  EXPECT_FALSE(ParseSegmentFileName("0000000000000000000x.journal"));
  EXPECT_FALSE(ParseSegmentFileName("00000000000000000007.journal.tmp"));
  EXPECT_FALSE(ParseSegmentFileName("99999999999999999999.journal"));
  EXPECT_EQ(CorruptFileName(3, 42), "00000000000000000003.journal.corrupt-42");
}

TEST(FormatTest, SegmentHeaderRoundTripAndDamage) {
  SegmentHeader h;
  h.segment_id = 12;
  h.base_lsn = 987654321;
  auto bytes = EncodeSegmentHeader(h);
  SegmentHeader out;
  ASSERT_EQ(DecodeSegmentHeader(bytes, &out), HeaderError::kNone);
  EXPECT_EQ(out.segment_id, 12u);
  EXPECT_EQ(out.base_lsn, 987654321u);
  for (size_t bit = 0; bit < kSegmentHeaderBytes * 8; ++bit) {
    auto copy = bytes;
    copy[bit / 8] ^= std::byte{static_cast<unsigned char>(1u << (bit % 8))};
    EXPECT_NE(DecodeSegmentHeader(copy, &out), HeaderError::kNone) << bit;
  }
  EXPECT_EQ(DecodeSegmentHeader(std::span(bytes).first(10), &out),
            HeaderError::kShort);
  h.base_lsn = kMaxLsn + 1;  // would let positions wrap
  EXPECT_EQ(DecodeSegmentHeader(EncodeSegmentHeader(h), &out),
            HeaderError::kRange);
}

TEST(FormatTest, FrameRoundTripIncludingEmptyRecords) {
  for (std::string payload :
       {std::string(), std::string("x"), std::string(1000, 'q')}) {
    auto frame = Frame(payload, 4096, 24);
    FrameHeader h;
    ASSERT_EQ(DecodeFrame(frame, 4096, &h), FrameCheck::kValid);
    EXPECT_EQ(h.length, payload.size());
    EXPECT_EQ(h.claim(), 4096u - 24u);
    EXPECT_EQ(h.frame_bytes(), frame.size());
  }
}

TEST(FormatTest, FrameChecksNameTheProblem) {
  auto frame = Frame("hello", 100, kUnknownSyncLag);
  FrameHeader h;
  EXPECT_FALSE(h.claim());
  EXPECT_EQ(DecodeFrame(frame, 101, &h), FrameCheck::kBadPosition);
  EXPECT_EQ(DecodeFrame(std::span(frame).first(20), 100, &h),
            FrameCheck::kTruncated);
  EXPECT_EQ(DecodeFrame(std::span(frame).first(26), 100, &h),
            FrameCheck::kTruncated);
  std::vector<std::byte> zeros(kFrameHeaderBytes + 10);
  EXPECT_EQ(DecodeFrame(zeros, 0, &h), FrameCheck::kEndMarker);
  EXPECT_EQ(DecodeFrame(std::span(zeros).first(5), 0, &h),
            FrameCheck::kEndMarker);
  auto big = frame;
  big[7] = std::byte{0x7f};  // length far above the maximum
  EXPECT_EQ(DecodeFrame(big, 100, &h), FrameCheck::kBadLength);
  auto flags = frame;
  flags[21] = std::byte{1};
  EXPECT_EQ(DecodeFrame(flags, 100, &h), FrameCheck::kBadFlags);
}

TEST(FormatTest, EverySingleBitFlipOfAFrameIsDetected) {
  for (size_t len : {0, 1, 40}) {
    std::string payload(len, 'a');
    for (size_t i = 0; i < len; ++i)
      payload[i] = static_cast<char>('a' + i % 26);
    const auto frame = Frame(payload, 123456, 77);
    for (size_t bit = 0; bit < frame.size() * 8; ++bit) {
      auto copy = frame;
      copy[bit / 8] ^= std::byte{static_cast<unsigned char>(1u << (bit % 8))};
      FrameHeader h;
      EXPECT_NE(DecodeFrame(copy, 123456, &h), FrameCheck::kValid)
          << "len " << len << " bit " << bit;
    }
  }
}

TEST(FormatTest, SyncLagSaturatesToUnknown) {
  EXPECT_EQ(SyncLag(100, 40), 60u);
  EXPECT_EQ(SyncLag(100, 200), 0u);
  EXPECT_EQ(SyncLag(uint64_t{1} << 40, 0), kUnknownSyncLag);
}

}  // namespace
}  // namespace strata::journal
