// Tampering with encrypted streams: every bit flip, reordering, truncation,
// extension and envelope change is rejected (kDataLoss, or
// kPermissionDenied for a different master key id), nothing crashes, and
// reads of untouched packages still return exactly the plain bytes — a
// ReadAt never returns unauthenticated bytes.
#include <gtest/gtest.h>

#include <cstring>

#include "stream/dare_format.h"
#include "stream/encrypt_test_util.h"

namespace strata::stream {
namespace {

using dare::kMaxPackage;
using dare::kMaxPayload;
using testing::Bytes;
using testing::IsOk;
using testing::RandomBytes;
using testing::StatusIs;

constexpr size_t kPackages = 4;  // 3 full + 1 partial
constexpr size_t kPlainSize = 3 * kMaxPayload + 1000;

class EncryptTamperTest : public EncryptTestBase,
                          public ::testing::WithParamInterface<bool> {
 protected:
  void SetUp() override {
    EncryptTestBase::SetUp();
    raw_mode_ = GetParam();
    plain_ = RandomBytes(kPlainSize, 42);
    ASSERT_THAT(Encode("/orig", plain_, Writer(Cipher::kAes256Gcm, raw_mode_)),
                IsOk());
    stored_ = Stored("/orig");
    header_len_ = raw_mode_ ? 0 : envelope::kFixedSize + kObjectId.size();
    ASSERT_EQ(stored_.size(),
              header_len_ + kPlainSize + kPackages * dare::kOverhead);
  }

  size_t PackageOffset(size_t i) const { return header_len_ + i * kMaxPackage; }
  size_t PackageSize(size_t i) const {
    return (i + 1 == kPackages ? 1000 : kMaxPayload) + dare::kOverhead;
  }
  Bytes Package(size_t i) const {
    return Bytes(stored_.begin() + PackageOffset(i),
                 stored_.begin() + PackageOffset(i) + PackageSize(i));
  }

  // Reads plain package i of `file`.
  Result<Bytes> ReadPackage(fs::File& file, size_t i) {
    return Run(testing::ReadRange(file, i * kMaxPayload, kMaxPayload));
  }
  Bytes PlainPackage(size_t i) const {
    const size_t end = std::min(kPlainSize, (i + 1) * kMaxPayload);
    return Bytes(plain_.begin() + i * kMaxPayload, plain_.begin() + end);
  }

  // Opens `bytes`; returns the reader, or null if open was refused (which
  // must be kDataLoss or kPermissionDenied).
  std::unique_ptr<fs::File> OpenTampered(const Bytes& bytes) {
    Store("/t", bytes);
    auto r = Decode("/t", Reader(raw_mode_));
    if (!r.ok()) {
      EXPECT_TRUE(r.status().code() == StatusCode::kDataLoss ||
                  r.status().code() == StatusCode::kPermissionDenied)
          << r.status().ToString();
      return nullptr;
    }
    return std::move(r).value();
  }

  // The tampered stream is rejected: open fails, or every read that touches
  // `bad` fails with kDataLoss while the other packages read back exactly.
  void ExpectRejected(const Bytes& bytes, size_t bad, bool others_readable,
                      const std::string& what) {
    SCOPED_TRACE(what);
    auto r = OpenTampered(bytes);
    if (!r) return;
    for (size_t i = 0; i < kPackages; ++i) {
      auto got = ReadPackage(*r, i);
      if (i == bad) {
        EXPECT_THAT(got, StatusIs(StatusCode::kDataLoss)) << "package " << i;
      } else if (got.ok()) {
        EXPECT_TRUE(*got == PlainPackage(i)) << "package " << i;
      } else {
        EXPECT_FALSE(others_readable) << got.status().ToString();
        EXPECT_THAT(got, StatusIs(StatusCode::kDataLoss));
      }
    }
    auto all = Run(testing::ReadAll(*r));
    EXPECT_THAT(all, StatusIs(StatusCode::kDataLoss));
  }
  // Open itself must fail.
  void ExpectOpenFails(const Bytes& bytes, const std::string& what) {
    SCOPED_TRACE(what);
    EXPECT_EQ(OpenTampered(bytes), nullptr);
  }

  bool raw_mode_ = false;
  Bytes plain_;
  Bytes stored_;
  size_t header_len_ = 0;
};

TEST_P(EncryptTamperTest, UntamperedReadsBack) {
  auto r = OpenTampered(stored_);
  ASSERT_NE(r, nullptr);
  for (size_t i = 0; i < kPackages; ++i) {
    EXPECT_TRUE(ReadPackage(*r, i).value() == PlainPackage(i));
  }
}

TEST_P(EncryptTamperTest, BitFlipInMiddlePackageHeaderAndTag) {
  for (size_t byte = 0; byte < dare::kHeaderSize; ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      Bytes t = stored_;
      t[PackageOffset(1) + byte] ^= std::byte(1 << bit);
      ExpectRejected(t, 1, true, "header byte " + std::to_string(byte));
    }
  }
  const size_t tag = PackageOffset(1) + PackageSize(1) - dare::kTagSize;
  for (size_t byte = 0; byte < dare::kTagSize; ++byte) {
    Bytes t = stored_;
    t[tag + byte] ^= std::byte(0x10);
    ExpectRejected(t, 1, true, "tag byte " + std::to_string(byte));
  }
}

TEST_P(EncryptTamperTest, BitFlipInCiphertext) {
  for (size_t pkg = 0; pkg < kPackages; ++pkg) {
    for (size_t at : {size_t{16}, size_t{17}, PackageSize(pkg) / 2,
                      PackageSize(pkg) - 17}) {
      for (int bit : {0, 7}) {
        Bytes t = stored_;
        t[PackageOffset(pkg) + at] ^= std::byte(1 << bit);
        ExpectRejected(
            t, pkg, true,
            "package " + std::to_string(pkg) + " byte " + std::to_string(at));
        if (pkg + 1 == kPackages) ExpectOpenFails(t, "last package");
      }
    }
  }
}

TEST_P(EncryptTamperTest, BitFlipInFirstAndLastPackageHeaders) {
  for (size_t pkg : {size_t{0}, kPackages - 1}) {
    for (size_t byte = 0; byte < dare::kHeaderSize; ++byte) {
      for (int bit : {0, 3, 7}) {
        Bytes t = stored_;
        t[PackageOffset(pkg) + byte] ^= std::byte(1 << bit);
        const std::string what = "package " + std::to_string(pkg) +
                                 " header byte " + std::to_string(byte);
        ExpectRejected(t, pkg, false, what);
        if (pkg + 1 == kPackages) ExpectOpenFails(t, what);
      }
    }
  }
}

TEST_P(EncryptTamperTest, SwapTwoPackages) {
  Bytes t = stored_;
  std::swap_ranges(t.begin() + PackageOffset(1), t.begin() + PackageOffset(2),
                   t.begin() + PackageOffset(2));
  SCOPED_TRACE("swap 1 and 2");
  auto r = OpenTampered(t);
  ASSERT_NE(r, nullptr);
  EXPECT_THAT(ReadPackage(*r, 1), StatusIs(StatusCode::kDataLoss));
  EXPECT_THAT(ReadPackage(*r, 2), StatusIs(StatusCode::kDataLoss));
  EXPECT_TRUE(ReadPackage(*r, 0).value() == PlainPackage(0));
  EXPECT_TRUE(ReadPackage(*r, 3).value() == PlainPackage(3));
}

TEST_P(EncryptTamperTest, TruncationAndExtensionFailAtOpen) {
  auto cut = [&](size_t n) {
    return Bytes(stored_.begin(), stored_.begin() + n);
  };
  ExpectOpenFails(cut(PackageOffset(3)), "drop the last package");
  ExpectOpenFails(cut(PackageOffset(3) + 20), "truncate mid-package");
  ExpectOpenFails(cut(stored_.size() - 1), "drop one byte");
  ExpectOpenFails(cut(PackageOffset(0) + 1), "one byte of package 0");
  Bytes dropped_middle = cut(PackageOffset(1));
  dropped_middle.insert(dropped_middle.end(),
                        stored_.begin() + PackageOffset(2), stored_.end());
  ExpectOpenFails(dropped_middle, "drop a middle package");
  Bytes again = stored_;
  const Bytes last = Package(3);
  again.insert(again.end(), last.begin(), last.end());
  ExpectOpenFails(again, "append a copy of the final package");
  Bytes extra = stored_;
  const Bytes middle = Package(1);
  extra.insert(extra.end(), middle.begin(), middle.end());
  ExpectOpenFails(extra, "append a copy of a middle package");
  Bytes garbage = stored_;
  const Bytes junk = RandomBytes(100, 5);
  garbage.insert(garbage.end(), junk.begin(), junk.end());
  ExpectOpenFails(garbage, "append garbage");
  if (!raw_mode_) ExpectOpenFails(cut(header_len_), "only the envelope");
}

TEST_P(EncryptTamperTest, FinalFlagChanges) {
  Bytes t = stored_;
  t[PackageOffset(3) + dare::kNonceOffset] ^= std::byte(dare::kFinalFlag);
  ExpectOpenFails(t, "clear the final flag");
  t = stored_;
  t[PackageOffset(1) + dare::kNonceOffset] ^= std::byte(dare::kFinalFlag);
  ExpectRejected(t, 1, true, "set the final flag on a middle package");
  // Truncate after a middle package and mark it final: the tag fails.
  t = Bytes(stored_.begin(), stored_.begin() + PackageOffset(2));
  t[PackageOffset(1) + dare::kNonceOffset] ^= std::byte(dare::kFinalFlag);
  ExpectOpenFails(t, "truncate and forge the final flag");
}

TEST_P(EncryptTamperTest, CipherByteChange) {
  Bytes t = stored_;
  t[PackageOffset(2) + 1] = std::byte(1);
  ExpectRejected(t, 2, true, "cipher byte of package 2");
  t = stored_;
  t[PackageOffset(3) + 1] = std::byte(0xff);
  ExpectOpenFails(t, "unknown cipher in the last package");
}

TEST_P(EncryptTamperTest, WrongKeyIsRefused) {
  Store("/t", stored_);
  DecryptOptions none;
  auto r = Run(OpenDecryptReader(OpenFile("/t"), none));
  EXPECT_THAT(r, StatusIs(StatusCode::kInvalidArgument));
  auto wrong = Decode("/t", Reader(EncryptionKey::Generate(), raw_mode_));
  EXPECT_THAT(wrong, StatusIs(raw_mode_ ? StatusCode::kDataLoss
                                        : StatusCode::kPermissionDenied));
}

INSTANTIATE_TEST_SUITE_P(Modes, EncryptTamperTest, ::testing::Bool(),
                         [](const auto& info) {
                           return std::string(info.param ? "Raw" : "Envelope");
                         });

}  // namespace
}  // namespace strata::stream
