// EncryptionKey, HKDF-SHA256 (RFC 5869 known answer) and cross-checks of
// HKDF, HMAC and Ed25519 against the `openssl` command line.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "strata/stream/encrypt.h"
#include "strata/stream/signature.h"
#include "stream/key_util.h"
#include "stream/testing/stream_test_util.h"

namespace strata::stream {
namespace {

using testing::Bytes;
using testing::IsOk;
using testing::StatusIs;

Bytes FromHex(std::string_view hex) {
  Bytes out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(
        std::byte(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

std::string ToHex(std::span<const std::byte> bytes) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::byte b : bytes) {
    out += kHex[uint8_t(b) >> 4];
    out += kHex[uint8_t(b) & 15];
  }
  return out;
}

// Runs a shell command; its stdout, or nullopt if it failed.
std::optional<std::string> Shell(const std::string& cmd) {
  std::FILE* p = popen((cmd + " 2>/dev/null").c_str(), "r");
  if (p == nullptr) return std::nullopt;
  std::string out;
  char buf[512];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  if (pclose(p) != 0) return std::nullopt;
  return out;
}

bool HaveOpenssl() { return Shell("openssl version").has_value(); }

std::string TempPath(const std::string& name) {
  return ::testing::TempDir() + "strata_key_test_" + name;
}

void WriteFile(const std::string& path, std::string_view data) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(data.data(), static_cast<std::streamsize>(data.size()));
}

TEST(HkdfTest, Rfc5869TestCase1) {
  const Bytes ikm = FromHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
  const Bytes salt = FromHex("000102030405060708090a0b0c");
  const Bytes info = FromHex("f0f1f2f3f4f5f6f7f8f9");
  Bytes okm(42);
  ASSERT_THAT(HkdfSha256(ikm, salt, info, okm), IsOk());
  EXPECT_EQ(ToHex(okm),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
            "34007208d5b887185865");
  Bytes none;
  EXPECT_THAT(HkdfSha256(ikm, salt, info, none),
              StatusIs(StatusCode::kInvalidArgument));
}

TEST(EncryptionKeyTest, DeriveIdAndBytes) {
  const Bytes raw = FromHex(
      "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  auto key = EncryptionKey::FromBytes(raw);
  ASSERT_THAT(key, IsOk());
  EXPECT_EQ(ToHex(key->bytes()), ToHex(raw));
  EXPECT_THAT(EncryptionKey::FromBytes(std::span(raw).first(31)),
              StatusIs(StatusCode::kInvalidArgument));
  const EncryptionKey a = key->DeriveObjectKey("a");
  Bytes want(32);
  ASSERT_THAT(HkdfSha256(raw, StringBytes("strata-object-key-v1"),
                         StringBytes("a"), want),
              IsOk());
  EXPECT_EQ(ToHex(a.bytes()), ToHex(want));
  EXPECT_NE(ToHex(key->DeriveObjectKey("b").bytes()), ToHex(a.bytes()));
  // Id: first 8 bytes of SHA-256("strata-key-id" ++ key).
  const auto digest = Sha256(StringBytes("strata-key-id"), raw);
  EXPECT_EQ(ToHex(key->Id()), ToHex(std::span(digest).first(8)));
  EXPECT_NE(ToHex(EncryptionKey::Generate().bytes()),
            ToHex(EncryptionKey::Generate().bytes()));
}

TEST(EncryptionKeyTest, FromFile) {
  const std::string hex =
      "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
  WriteFile(TempPath("hex"), "  " + hex + "\n");
  auto key = EncryptionKey::FromFile(TempPath("hex"));
  ASSERT_THAT(key, IsOk());
  EXPECT_EQ(ToHex(key->bytes()), hex);
  std::string upper = hex;
  for (char& c : upper) c = static_cast<char>(std::toupper(c));
  WriteFile(TempPath("upper"), upper);
  EXPECT_EQ(ToHex(EncryptionKey::FromFile(TempPath("upper"))->bytes()), hex);
  const Bytes raw = FromHex(hex);
  WriteFile(TempPath("raw"), testing::AsString(raw));
  EXPECT_EQ(ToHex(EncryptionKey::FromFile(TempPath("raw"))->bytes()), hex);
  WriteFile(TempPath("short"), hex.substr(2));
  auto bad = EncryptionKey::FromFile(TempPath("short"));
  EXPECT_THAT(bad, StatusIs(StatusCode::kInvalidArgument));
  EXPECT_NE(bad.status().message().find(TempPath("short")), std::string::npos);
  WriteFile(TempPath("nothex"), "zz" + hex.substr(2));
  EXPECT_THAT(EncryptionKey::FromFile(TempPath("nothex")),
              StatusIs(StatusCode::kInvalidArgument));
  WriteFile(TempPath("big"), std::string(10000, 'a'));
  EXPECT_THAT(EncryptionKey::FromFile(TempPath("big")),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(EncryptionKey::FromFile(TempPath("missing")),
              StatusIs(StatusCode::kNotFound));
}

TEST(OpensslCliTest, HkdfMatches) {
  if (!HaveOpenssl()) GTEST_SKIP() << "openssl command not found";
  const Bytes ikm = FromHex(
      "8899aabbccddeeff00112233445566778899aabbccddeeff0011223344556677");
  auto key = EncryptionKey::FromBytes(ikm);
  ASSERT_THAT(key, IsOk());
  const EncryptionKey derived = key->DeriveObjectKey("bucket/key.txt");
  auto out =
      Shell("openssl kdf -keylen 32 -kdfopt digest:SHA256 -kdfopt hexkey:" +
            ToHex(ikm) + " -kdfopt salt:strata-object-key-v1" +
            " -kdfopt info:bucket/key.txt HKDF");
  if (!out) GTEST_SKIP() << "openssl kdf unsupported";
  std::string hex;
  for (char c : *out) {
    if (std::isxdigit(static_cast<unsigned char>(c))) {
      hex += static_cast<char>(std::tolower(c));
    }
  }
  EXPECT_EQ(hex, ToHex(derived.bytes()));
}

Manifest SampleManifest() {
  Manifest m;
  m.object_id = "bucket/photo.jpg";
  m.size = 123456789;
  m.algorithm = HashAlgorithm::kSha256;
  m.digest = FromHex(
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  return m;
}

TEST(OpensslCliTest, HmacMatches) {
  if (!HaveOpenssl()) GTEST_SKIP() << "openssl command not found";
  const Manifest m = SampleManifest();
  const Bytes key = FromHex("0123456789abcdef0123456789abcdef");
  auto mac = SignManifestHmac(m, key);
  ASSERT_THAT(mac, IsOk());
  const std::string path = TempPath("manifest");
  WriteFile(path, testing::AsString(m.Canonical()));
  auto out =
      Shell("openssl dgst -sha256 -mac HMAC -macopt hexkey:" + ToHex(key) +
            " " + path);
  ASSERT_TRUE(out.has_value());
  EXPECT_NE(out->find(ToHex(*mac)), std::string::npos) << *out;
}

TEST(OpensslCliTest, Ed25519SignatureVerifies) {
  if (!HaveOpenssl()) GTEST_SKIP() << "openssl command not found";
  auto pair = Ed25519KeyPair::Generate();
  ASSERT_THAT(pair, IsOk());
  const Manifest m = SampleManifest();
  auto sig = SignManifestEd25519(m, *pair);
  ASSERT_THAT(sig, IsOk());
  // SubjectPublicKeyInfo for Ed25519: fixed 12-byte DER prefix + key.
  Bytes der = FromHex("302a300506032b6570032100");
  der.insert(der.end(), pair->public_key().begin(), pair->public_key().end());
  WriteFile(TempPath("pub.der"), testing::AsString(der));
  WriteFile(TempPath("msg"), testing::AsString(m.Canonical()));
  WriteFile(TempPath("sig"), testing::AsString(*sig));
  const std::string verify = "openssl pkeyutl -verify -pubin -inkey " +
                             TempPath("pub.pem") + " -rawin -in " +
                             TempPath("msg") + " -sigfile " + TempPath("sig");
  ASSERT_TRUE(Shell("openssl pkey -pubin -inform DER -in " +
                    TempPath("pub.der") + " -out " + TempPath("pub.pem"))
                  .has_value());
  auto ok = Shell(verify);
  ASSERT_TRUE(ok.has_value());
  EXPECT_NE(ok->find("Signature Verified Successfully"), std::string::npos);
  Bytes bad = *sig;
  bad[10] ^= std::byte(1);
  WriteFile(TempPath("sig"), testing::AsString(bad));
  EXPECT_FALSE(Shell(verify).has_value());
}

}  // namespace
}  // namespace strata::stream
