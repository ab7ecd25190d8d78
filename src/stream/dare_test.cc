// DARE 2.0 packages: an independent decoder written from
// docs/stream-formats.md §4.1 with plain OpenSSL EVP calls must decrypt what
// our writer produces (raw mode is a bare DARE stream), and the codec's
// header/nonce construction is checked byte by byte.
#include "stream/dare.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <cstring>

#include "stream/encrypt_test_util.h"

namespace strata::stream {
namespace {

using testing::Bytes;
using testing::IsOk;
using testing::RandomBytes;
using testing::StatusIs;

// Decrypts a bare DARE 2.0 stream exactly as the document describes, with
// nothing from our implementation. Returns nullopt on any failure.
std::optional<Bytes> IndependentDecrypt(const Bytes& stream,
                                        const EncryptionKey& key) {
  Bytes plain;
  size_t pos = 0;
  uint32_t seq = 0;
  unsigned char first_nonce[12];
  bool final_seen = false;
  while (pos < stream.size()) {
    if (final_seen || stream.size() - pos < 16 + 1 + 16) return std::nullopt;
    const auto* h = reinterpret_cast<const unsigned char*>(&stream[pos]);
    if (h[0] != 0x20 || h[1] > 1) return std::nullopt;
    const size_t len = (h[2] | h[3] << 8) + 1;
    if (stream.size() - pos < 16 + len + 16) return std::nullopt;
    final_seen = (h[4] & 0x80) != 0;
    if (!final_seen && len != 65536) return std::nullopt;
    unsigned char nonce[12];
    std::memcpy(nonce, h + 4, 12);
    if (seq == 0) std::memcpy(first_nonce, nonce, 12);
    if (std::memcmp(nonce + 1, first_nonce + 1, 11) != 0 ||
        (nonce[0] & 0x7f) != (first_nonce[0] & 0x7f)) {
      return std::nullopt;
    }
    for (int i = 0; i < 4; ++i) nonce[8 + i] ^= (seq >> (8 * i)) & 0xff;
    const EVP_CIPHER* c =
        h[1] == 0 ? EVP_aes_256_gcm() : EVP_chacha20_poly1305();
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    Bytes out(len);
    int n = 0;
    const auto* ct = h + 16;
    bool ok =
        EVP_DecryptInit_ex(
            ctx, c, nullptr,
            reinterpret_cast<const unsigned char*>(key.bytes().data()),
            nonce) == 1 &&
        EVP_DecryptUpdate(ctx, nullptr, &n, h, 4) == 1 &&
        EVP_DecryptUpdate(ctx, reinterpret_cast<unsigned char*>(out.data()), &n,
                          ct, static_cast<int>(len)) == 1 &&
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, 16,
                            const_cast<unsigned char*>(ct + len)) == 1 &&
        EVP_DecryptFinal_ex(ctx, nullptr, &n) == 1;
    EVP_CIPHER_CTX_free(ctx);
    if (!ok) return std::nullopt;
    plain.insert(plain.end(), out.begin(), out.end());
    pos += 16 + len + 16;
    ++seq;
  }
  if (!stream.empty() && !final_seen) return std::nullopt;
  return plain;
}

class DareInteropTest : public EncryptTestBase,
                        public ::testing::WithParamInterface<Cipher> {};

TEST_P(DareInteropTest, RawStreamDecryptsIndependently) {
  for (size_t size :
       {size_t{1}, size_t{65536}, size_t{65537}, size_t{20 * 65536 + 3}}) {
    const Bytes plain = RandomBytes(size, size + 1);
    ASSERT_THAT(Encode("/d", plain, Writer(GetParam(), true)), IsOk());
    const Bytes stored = Stored("/d");
    EXPECT_EQ(uint8_t(stored[1]), static_cast<uint8_t>(GetParam()));
    auto got = IndependentDecrypt(stored, raw_);
    ASSERT_TRUE(got.has_value()) << size;
    EXPECT_TRUE(*got == plain) << size;
    // The envelope stream is the same format after its header.
    ASSERT_THAT(Encode("/e", plain, Writer(GetParam(), false)), IsOk());
    const Bytes env = Stored("/e");
    EXPECT_EQ(env.size() - envelope::kFixedSize - kObjectId.size(),
              stored.size());
    // And a stream damaged anywhere fails the independent decoder too.
    Bytes bad = stored;
    bad[stored.size() / 2] ^= std::byte(4);
    EXPECT_FALSE(IndependentDecrypt(bad, raw_).has_value());
  }
}

INSTANTIATE_TEST_SUITE_P(Ciphers, DareInteropTest,
                         ::testing::Values(Cipher::kAes256Gcm,
                                           Cipher::kChaCha20Poly1305));

TEST(DareCodecTest, HeaderAndNonceLayout) {
  dare::Nonce r{};
  for (size_t i = 0; i < r.size(); ++i) r[i] = std::byte(0x11 * (i + 1));
  r[0] &= std::byte(0x7f);
  const auto h = dare::PackageHeader(Cipher::kChaCha20Poly1305, 300, r, true);
  EXPECT_EQ(uint8_t(h[0]), 0x20);
  EXPECT_EQ(uint8_t(h[1]), 0x01);
  EXPECT_EQ(uint8_t(h[2]), 299 & 0xff);
  EXPECT_EQ(uint8_t(h[3]), 299 >> 8);
  EXPECT_EQ(uint8_t(h[4]), uint8_t(r[0]) | 0x80);
  EXPECT_EQ(std::memcmp(h.data() + 5, r.data() + 1, 11), 0);
  const dare::Nonce n = dare::PackageNonce(r, 0x01020304, false);
  EXPECT_EQ(std::memcmp(n.data(), r.data(), 8), 0);
  EXPECT_EQ(uint8_t(n[8]), uint8_t(r[8]) ^ 0x04);
  EXPECT_EQ(uint8_t(n[11]), uint8_t(r[11]) ^ 0x01);
  const dare::Nonce f = dare::PackageNonce(r, 0, true);
  EXPECT_EQ(uint8_t(f[0]), uint8_t(r[0]) | 0x80);
  EXPECT_EQ(uint8_t(dare::RandomStreamNonce()[0]) & 0x80, 0);
}

TEST(DareCodecTest, SealOpenAndMismatches) {
  const EncryptionKey key = EncryptionKey::Generate();
  const dare::Nonce r = dare::RandomStreamNonce();
  auto seal = dare::PackageCodec::Create(Cipher::kAes256Gcm, key, r,
                                         dare::PackageCodec::Direction::kSeal);
  auto open = dare::PackageCodec::Create(Cipher::kAes256Gcm, key, r,
                                         dare::PackageCodec::Direction::kOpen);
  ASSERT_THAT(seal, IsOk());
  ASSERT_THAT(open, IsOk());
  const Bytes plain = RandomBytes(1000, 9);
  Bytes pkg(plain.size() + dare::kOverhead);
  ASSERT_THAT(seal->Seal(7, true, plain, pkg.data()), IsOk());
  Bytes out(plain.size());
  ASSERT_THAT(open->Open(7, true, pkg, out.data()), IsOk());
  EXPECT_TRUE(out == plain);
  EXPECT_THAT(open->Open(8, true, pkg, out.data()),
              StatusIs(StatusCode::kDataLoss));
  EXPECT_TRUE(out == Bytes(plain.size()));  // wiped, never unauthenticated
  EXPECT_THAT(open->Open(7, false, pkg, out.data()),
              StatusIs(StatusCode::kDataLoss));
  EXPECT_THAT(open->Open(7, true, std::span(pkg).first(20), out.data()),
              StatusIs(StatusCode::kDataLoss));
}

}  // namespace
}  // namespace strata::stream
