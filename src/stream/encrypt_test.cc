// Tests of the encryption layer: round trips for both ciphers and modes,
// Sync mid-stream, options, and stored sizes. Tampering is in
// encrypt_tamper_test.cc, rotation and envelopes in envelope_test.cc.
#include "strata/stream/encrypt.h"

#include <gtest/gtest.h>

#include "stream/dare_format.h"
#include "stream/encrypt_test_util.h"

namespace strata::stream {
namespace {

using testing::Bytes;
using testing::IsOk;
using testing::RandomBytes;
using testing::StatusIs;

class EncryptRoundTripTest
    : public EncryptTestBase,
      public ::testing::WithParamInterface<std::tuple<Cipher, bool>> {};

TEST_P(EncryptRoundTripTest, CheckRoundTrips) {
  const auto [cipher, raw] = GetParam();
  const std::vector<size_t> sizes = {0,          1,
                                     65535,      65536,
                                     65537,      5 * 65536 + 65536 / 3,
                                     16 * 65536, 17 * 65536 + 7,
                                     33 * 65536};
  CheckRoundTrips(Writer(cipher, raw), Reader(raw), sizes);
}

INSTANTIATE_TEST_SUITE_P(
    CiphersAndModes, EncryptRoundTripTest,
    ::testing::Combine(::testing::Values(Cipher::kAes256Gcm,
                                         Cipher::kChaCha20Poly1305),
                       ::testing::Bool()),
    [](const auto& info) {
      std::string name =
          std::get<0>(info.param) == Cipher::kAes256Gcm ? "Aes" : "ChaCha";
      name += std::get<1>(info.param) ? "Raw" : "Envelope";
      return name;
    });

TEST_F(EncryptTestBase, StoredSizeIsHeaderPlusPackages) {
  for (size_t size : {size_t{0}, size_t{1}, size_t{65536}, size_t{200000}}) {
    const Bytes plain = RandomBytes(size, size);
    ASSERT_THAT(Encode("/raw", plain, Writer(Cipher::kAes256Gcm, true)),
                IsOk());
    ASSERT_THAT(Encode("/env", plain, Writer(Cipher::kAes256Gcm, false)),
                IsOk());
    const size_t packages = (size + 65535) / 65536;
    EXPECT_EQ(Stored("/raw").size(), size + packages * dare::kOverhead);
    EXPECT_EQ(Stored("/env").size(), envelope::kFixedSize + kObjectId.size() +
                                         size + packages * dare::kOverhead);
  }
}

TEST_F(EncryptTestBase, RawEmptyStreamIsZeroBytes) {
  ASSERT_THAT(Encode("/e", {}, Writer(Cipher::kAes256Gcm, true)), IsOk());
  EXPECT_TRUE(Stored("/e").empty());
  auto r = Decode("/e", Reader(true));
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(Run((*r)->Size()).value(), 0u);
}

Task<Status> WriteWithSyncs(fs::File& w, std::span<const std::byte> data,
                            std::vector<size_t> cuts) {
  size_t pos = 0;
  for (size_t cut : cuts) {
    STRATA_CO_RETURN_IF_ERROR(co_await w.Write(data.subspan(pos, cut - pos)));
    STRATA_CO_RETURN_IF_ERROR(co_await w.Sync());
    pos = cut;
  }
  STRATA_CO_RETURN_IF_ERROR(co_await w.Write(data.subspan(pos)));
  co_return co_await w.Close();
}

TEST_F(EncryptTestBase, SyncMidStreamKeepsTheFormat) {
  const Bytes plain = RandomBytes(40 * 65536 + 99, 7);
  for (bool raw : {false, true}) {
    auto w = Writer(Cipher::kAes256Gcm, raw)(NewFile("/s"));
    ASSERT_THAT(w, IsOk());
    // Syncs at package boundaries, mid-package, and on a full batch.
    std::vector<size_t> cuts = {
        0, 10, 65536, 3 * 65536 + 5, 20 * 65536, 20 * 65536, 40 * 65536};
    ASSERT_THAT(Run(WriteWithSyncs(**w, plain, cuts)), IsOk());
    // Everything but the last package was pushed by the last Sync.
    auto r = Decode("/s", Reader(raw));
    ASSERT_THAT(r, IsOk());
    auto all = Run(testing::ReadAll(**r));
    ASSERT_THAT(all, IsOk());
    EXPECT_TRUE(*all == plain) << "raw=" << raw;
  }
}

TEST_F(EncryptTestBase, OptionsNeedExactlyOneKey) {
  EncryptOptions both;
  both.master_key = master_;
  both.raw_key = master_;
  EXPECT_THAT(NewEncryptWriter(NewFile("/a"), both),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(NewEncryptWriter(NewFile("/b"), EncryptOptions()),
              StatusIs(StatusCode::kInvalidArgument));
  EncryptOptions long_id;
  long_id.master_key = master_;
  long_id.object_id = std::string(1025, 'x');
  EXPECT_THAT(NewEncryptWriter(NewFile("/c"), long_id),
              StatusIs(StatusCode::kInvalidArgument));
  ASSERT_THAT(
      Encode("/d", RandomBytes(10, 1), Writer(Cipher::kAes256Gcm, false)),
      IsOk());
  DecryptOptions none;
  EXPECT_THAT(Run(OpenDecryptReader(OpenFile("/d"), none)),
              StatusIs(StatusCode::kInvalidArgument));
}

TEST_F(EncryptTestBase, ReadsAreRefusedOnWriterAndWritesOnReader) {
  auto w = Writer(Cipher::kAes256Gcm, false)(NewFile("/w"));
  ASSERT_THAT(w, IsOk());
  Bytes buf(10);
  EXPECT_THAT(Run((*w)->ReadAt(buf, 0)),
              StatusIs(StatusCode::kFailedPrecondition));
  ASSERT_THAT(Run((*w)->Close()), IsOk());
  auto r = Decode("/w", Reader(false));
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(Run((*r)->Size()).value(), 0u);
  EXPECT_THAT(Run((*r)->Write(buf)), StatusIs(StatusCode::kFailedPrecondition));
}

TEST_F(EncryptTestBase, CipherNames) {
  EXPECT_EQ(CipherName(Cipher::kAes256Gcm), "aes-256-gcm");
  EXPECT_EQ(CipherName(Cipher::kChaCha20Poly1305), "chacha20-poly1305");
  EXPECT_EQ(ParseCipher("AES-256-GCM").value(), Cipher::kAes256Gcm);
  EXPECT_EQ(ParseCipher("chacha20-poly1305").value(),
            Cipher::kChaCha20Poly1305);
  EXPECT_THAT(ParseCipher("des"), StatusIs(StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace strata::stream
