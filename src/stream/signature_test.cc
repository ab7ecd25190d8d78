// Signed manifests: canonical bytes, HMAC-SHA256 and Ed25519 sign/verify,
// tampered fields, signatures and keys rejected.
#include "strata/stream/signature.h"

#include <gtest/gtest.h>

#include "stream/testing/stream_test_util.h"

namespace strata::stream {
namespace {

using testing::Bytes;
using testing::IsOk;
using testing::StatusIs;

Bytes Hex(std::string_view hex) {
  Bytes out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(
        std::byte(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

Manifest Sample() {
  Manifest m;
  m.object_id = "b/o";
  m.size = 0x0102030405060708;
  m.algorithm = HashAlgorithm::kCrc32c;
  m.digest = Hex("e3069283");
  return m;
}

// Every field change a verifier must notice.
std::vector<Manifest> Tampered() {
  std::vector<Manifest> out(5, Sample());
  out[0].object_id = "b/p";
  out[1].size += 1;
  out[2].algorithm = HashAlgorithm::kCrc32;
  out[3].digest[0] ^= std::byte(1);
  out[4].digest.push_back(std::byte(0));
  return out;
}

TEST(ManifestTest, CanonicalBytes) {
  EXPECT_EQ(testing::AsString(Sample().Canonical()),
            testing::AsString(Hex("5354524154414d31"  // "STRATAM1"
                                  "03000000"          // id length
                                  "622f6f"            // "b/o"
                                  "0807060504030201"  // size
                                  "01"                // crc32c
                                  "04"
                                  "e3069283")));
}

TEST(ManifestTest, HmacSignVerify) {
  const Bytes key = Hex("00112233445566778899");
  auto sig = SignManifestHmac(Sample(), key);
  ASSERT_THAT(sig, IsOk());
  EXPECT_EQ(sig->size(), 32u);
  EXPECT_THAT(VerifyManifestHmac(Sample(), key, *sig), IsOk());
  for (const Manifest& m : Tampered()) {
    EXPECT_THAT(VerifyManifestHmac(m, key, *sig),
                StatusIs(StatusCode::kDataLoss));
  }
  Bytes bad = *sig;
  bad[31] ^= std::byte(0x80);
  EXPECT_THAT(VerifyManifestHmac(Sample(), key, bad),
              StatusIs(StatusCode::kDataLoss));
  EXPECT_THAT(VerifyManifestHmac(Sample(), key, std::span(*sig).first(31)),
              StatusIs(StatusCode::kDataLoss));
  EXPECT_THAT(VerifyManifestHmac(Sample(), Hex("00112233445566778898"), *sig),
              StatusIs(StatusCode::kDataLoss));
  EXPECT_THAT(SignManifestHmac(Sample(), {}),
              StatusIs(StatusCode::kInvalidArgument));
  auto err = VerifyManifestHmac(Tampered()[0], key, *sig);
  EXPECT_NE(err.message().find("b/p"), std::string::npos);
}

TEST(ManifestTest, Ed25519Rfc8032PublicKey) {
  // RFC 8032 §7.1, TEST 1.
  auto pair = Ed25519KeyPair::FromSeed(
      Hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
  ASSERT_THAT(pair, IsOk());
  EXPECT_EQ(testing::AsString(pair->public_key()),
            testing::AsString(Hex("d75a980182b10ab7d54bfed3c964073a0ee172f3da"
                                  "a62325af021a68f707511a")));
  EXPECT_THAT(Ed25519KeyPair::FromSeed(Hex("00")),
              StatusIs(StatusCode::kInvalidArgument));
}

TEST(ManifestTest, Ed25519SignVerify) {
  auto pair = Ed25519KeyPair::Generate();
  ASSERT_THAT(pair, IsOk());
  auto sig = SignManifestEd25519(Sample(), *pair);
  ASSERT_THAT(sig, IsOk());
  EXPECT_EQ(sig->size(), 64u);
  EXPECT_THAT(VerifyManifestEd25519(Sample(), pair->public_key(), *sig),
              IsOk());
  for (const Manifest& m : Tampered()) {
    EXPECT_THAT(VerifyManifestEd25519(m, pair->public_key(), *sig),
                StatusIs(StatusCode::kDataLoss));
  }
  Bytes bad = *sig;
  bad[0] ^= std::byte(1);
  EXPECT_THAT(VerifyManifestEd25519(Sample(), pair->public_key(), bad),
              StatusIs(StatusCode::kDataLoss));
  auto other = Ed25519KeyPair::Generate();
  ASSERT_THAT(other, IsOk());
  EXPECT_THAT(VerifyManifestEd25519(Sample(), other->public_key(), *sig),
              StatusIs(StatusCode::kDataLoss));
  EXPECT_THAT(VerifyManifestEd25519(Sample(), std::span(*sig).first(31), *sig),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(VerifyManifestEd25519(Sample(), pair->public_key(),
                                    std::span(*sig).first(63)),
              StatusIs(StatusCode::kInvalidArgument));
  // Deterministic (pure EdDSA): the same seed signs identically.
  auto again = Ed25519KeyPair::FromSeed(pair->seed());
  ASSERT_THAT(again, IsOk());
  EXPECT_TRUE(SignManifestEd25519(Sample(), *again).value() == *sig);
}

}  // namespace
}  // namespace strata::stream
