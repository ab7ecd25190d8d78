// Envelope header, key sealing and master key rotation.
#include "stream/envelope.h"

#include <gtest/gtest.h>

#include "stream/encrypt_test_util.h"

namespace strata::stream {
namespace {

using testing::Bytes;
using testing::IsOk;
using testing::RandomBytes;
using testing::StatusIs;

class EnvelopeTest : public EncryptTestBase {
 protected:
  size_t HeaderLen() const { return envelope::kFixedSize + kObjectId.size(); }

  // Opens /t holding `bytes` with `master`.
  Result<std::unique_ptr<fs::File>> OpenWith(const Bytes& bytes,
                                             const EncryptionKey& master) {
    Store("/t", bytes);
    return Decode("/t", Reader(master, false));
  }

  std::unique_ptr<fs::File> OpenReadWrite(const std::string& path) {
    fs::OpenOptions o;
    o.read = o.write = true;
    auto f = Run(fs_->Open(path, o));
    EXPECT_THAT(f, IsOk());
    return f.ok() ? std::move(f).value() : nullptr;
  }
};

TEST_F(EnvelopeTest, HeaderLayoutIsAsDocumented) {
  ASSERT_THAT(Encode("/e", RandomBytes(100, 1),
                     Writer(Cipher::kChaCha20Poly1305, false)),
              IsOk());
  const Bytes s = Stored("/e");
  ASSERT_GE(s.size(), HeaderLen());
  EXPECT_EQ(testing::AsString(std::span(s).first(8)), "STRATAE1");
  EXPECT_EQ(uint8_t(s[8]), 1);
  EXPECT_EQ(uint8_t(s[9]), 1);   // cipher
  EXPECT_EQ(uint8_t(s[10]), 0);  // flags: not empty
  EXPECT_EQ(uint8_t(s[11]), 0);
  EXPECT_EQ(size_t(s[12]) | size_t(s[13]) << 8, kObjectId.size());
  const auto id = master_.Id();
  EXPECT_TRUE(std::equal(id.begin(), id.end(), s.begin() + 14));
  EXPECT_EQ(testing::AsString(std::span(s).subspan(82, kObjectId.size())),
            kObjectId);
  EXPECT_EQ(uint8_t(s[HeaderLen()]), 0x20);  // the DARE stream follows
  EXPECT_EQ(uint8_t(s[HeaderLen() + 1]), 1);

  ASSERT_THAT(Encode("/empty", {}, Writer(Cipher::kAes256Gcm, false)), IsOk());
  const Bytes e = Stored("/empty");
  EXPECT_EQ(e.size(), HeaderLen());
  EXPECT_EQ(uint8_t(e[10]), envelope::kFlagEmpty);
}

TEST_F(EnvelopeTest, EveryHeaderByteIsAuthenticated) {
  ASSERT_THAT(
      Encode("/e", RandomBytes(70000, 2), Writer(Cipher::kAes256Gcm, false)),
      IsOk());
  const Bytes s = Stored("/e");
  for (size_t i = 0; i < HeaderLen(); ++i) {
    for (int bit : {0, 7}) {
      Bytes t = s;
      t[i] ^= std::byte(1 << bit);
      auto r = OpenWith(t, master_);
      const bool key_id =
          i >= envelope::kKeyIdOffset && i < envelope::kSealNonceOffset;
      EXPECT_THAT(r, StatusIs(key_id ? StatusCode::kPermissionDenied
                                     : StatusCode::kDataLoss))
          << "byte " << i << " bit " << bit;
    }
  }
}

TEST_F(EnvelopeTest, EmptyFlagCannotBeForgedOrStripped) {
  ASSERT_THAT(Encode("/empty", {}, Writer(Cipher::kAes256Gcm, false)), IsOk());
  ASSERT_THAT(
      Encode("/full", RandomBytes(10, 3), Writer(Cipher::kAes256Gcm, false)),
      IsOk());
  const Bytes empty = Stored("/empty");
  const Bytes full = Stored("/full");
  // The empty stream's header with another stream's packages behind it.
  Bytes t = empty;
  t.insert(t.end(), full.begin() + HeaderLen(), full.end());
  EXPECT_THAT(OpenWith(t, master_), StatusIs(StatusCode::kDataLoss));
  // A non-empty stream cut to its header.
  t.assign(full.begin(), full.begin() + HeaderLen());
  EXPECT_THAT(OpenWith(t, master_), StatusIs(StatusCode::kDataLoss));
  // Setting the flag on the cut stream breaks the seal.
  t[envelope::kFlagsOffset] = std::byte(envelope::kFlagEmpty);
  EXPECT_THAT(OpenWith(t, master_), StatusIs(StatusCode::kDataLoss));
  // Truncations inside the header.
  for (size_t n : {size_t{0}, size_t{1}, size_t{81}, HeaderLen() - 1}) {
    t.assign(full.begin(), full.begin() + n);
    EXPECT_THAT(OpenWith(t, master_), StatusIs(StatusCode::kDataLoss)) << n;
  }
}

TEST_F(EnvelopeTest, ObjectIdIsCheckedWhenGiven) {
  ASSERT_THAT(
      Encode("/e", RandomBytes(10, 4), Writer(Cipher::kAes256Gcm, false)),
      IsOk());
  DecryptOptions o;
  o.master_key = master_;
  o.object_id = "other";
  EXPECT_THAT(Run(OpenDecryptReader(OpenFile("/e"), o)),
              StatusIs(StatusCode::kDataLoss));
  o.object_id = kObjectId;
  EXPECT_THAT(Run(OpenDecryptReader(OpenFile("/e"), o)), IsOk());
}

TEST_F(EnvelopeTest, RotateMasterKeyInPlace) {
  const Bytes plain = RandomBytes(3 * 65536 + 5, 5);
  ASSERT_THAT(Encode("/r", plain, Writer(Cipher::kAes256Gcm, false)), IsOk());
  const Bytes before = Stored("/r");
  const EncryptionKey next = EncryptionKey::Generate();
  {
    auto f = OpenReadWrite("/r");
    ASSERT_TRUE(f);
    EXPECT_THAT(Run(RotateMasterKey(*f, next, master_)),
                StatusIs(StatusCode::kPermissionDenied));
    ASSERT_THAT(Run(RotateMasterKey(*f, master_, next)), IsOk());
    ASSERT_THAT(Run(f->Close()), IsOk());
  }
  const Bytes after = Stored("/r");
  ASSERT_EQ(after.size(), before.size());
  EXPECT_TRUE(std::equal(after.begin() + HeaderLen(), after.end(),
                         before.begin() + HeaderLen()));
  EXPECT_FALSE(
      std::equal(after.begin(), after.begin() + HeaderLen(), before.begin()));
  auto old_reader = Decode("/r", Reader(master_, false));
  EXPECT_THAT(old_reader, StatusIs(StatusCode::kPermissionDenied));
  auto reader = Decode("/r", Reader(next, false));
  ASSERT_THAT(reader, IsOk());
  EXPECT_TRUE(Run(testing::ReadAll(**reader)).value() == plain);
}

TEST_F(EnvelopeTest, RotateEmptyStreamAndResealBytes) {
  ASSERT_THAT(Encode("/e", {}, Writer(Cipher::kChaCha20Poly1305, false)),
              IsOk());
  const Bytes stored = Stored("/e");
  const EncryptionKey next = EncryptionKey::Generate();
  auto header = ResealEnvelopeHeader(stored, master_, next);
  ASSERT_THAT(header, IsOk());
  ASSERT_EQ(header->size(), stored.size());
  auto r = OpenWith(*header, next);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(Run((*r)->Size()).value(), 0u);
  EXPECT_THAT(ResealEnvelopeHeader(std::span(stored).first(50), master_, next),
              StatusIs(StatusCode::kDataLoss));
  EXPECT_THAT(ResealEnvelopeHeader(*header, master_, next),
              StatusIs(StatusCode::kPermissionDenied));
}

TEST_F(EnvelopeTest, SealAndUnsealObjectKey) {
  const EncryptionKey key = EncryptionKey::Generate();
  auto sealed = SealObjectKey(master_, key, "obj", Cipher::kAes256Gcm);
  ASSERT_THAT(sealed, IsOk());
  EXPECT_TRUE(sealed->master_key_id == master_.Id());
  auto back = UnsealObjectKey(master_, *sealed, "obj", Cipher::kAes256Gcm);
  ASSERT_THAT(back, IsOk());
  EXPECT_TRUE(std::equal(back->bytes().begin(), back->bytes().end(),
                         key.bytes().begin()));
  EXPECT_THAT(UnsealObjectKey(master_, *sealed, "obj2", Cipher::kAes256Gcm),
              StatusIs(StatusCode::kDataLoss));
  EXPECT_THAT(
      UnsealObjectKey(master_, *sealed, "obj", Cipher::kChaCha20Poly1305),
      StatusIs(StatusCode::kDataLoss));
  EXPECT_THAT(UnsealObjectKey(EncryptionKey::Generate(), *sealed, "obj",
                              Cipher::kAes256Gcm),
              StatusIs(StatusCode::kPermissionDenied));
  SealedKey bad = *sealed;
  bad.sealed[5] ^= std::byte(1);
  EXPECT_THAT(UnsealObjectKey(master_, bad, "obj", Cipher::kAes256Gcm),
              StatusIs(StatusCode::kDataLoss));
  bad = *sealed;
  bad.nonce[0] ^= std::byte(1);
  EXPECT_THAT(UnsealObjectKey(master_, bad, "obj", Cipher::kAes256Gcm),
              StatusIs(StatusCode::kDataLoss));
}

TEST(EnvelopeParseTest, RoundTripAndRejects) {
  envelope::Header h;
  h.cipher = Cipher::kChaCha20Poly1305;
  h.empty = true;
  h.object_id = "a/b";
  h.key.nonce[3] = std::byte(9);
  const std::vector<std::byte> bytes = envelope::Serialize(h);
  ASSERT_EQ(bytes.size(), envelope::kFixedSize + 3);
  auto back = envelope::Parse(bytes);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->object_id, "a/b");
  EXPECT_TRUE(back->empty);
  EXPECT_EQ(back->cipher, Cipher::kChaCha20Poly1305);
  EXPECT_TRUE(back->key.nonce == h.key.nonce);
  for (size_t field : {size_t{0}, envelope::kVersionOffset,
                       envelope::kCipherOffset, envelope::kFlagsOffset,
                       envelope::kReservedOffset, envelope::kIdLenOffset + 1}) {
    std::vector<std::byte> t = bytes;
    t[field] ^= std::byte(0x42);
    EXPECT_EQ(envelope::Parse(t).status().code(), StatusCode::kDataLoss)
        << field;
  }
  std::vector<std::byte> t = bytes;
  t[envelope::kIdLenOffset] = std::byte(4);  // claims one byte more
  EXPECT_EQ(envelope::Parse(t).status().code(), StatusCode::kDataLoss);
}

}  // namespace
}  // namespace strata::stream
