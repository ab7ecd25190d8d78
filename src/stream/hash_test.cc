#include "strata/stream/hash.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <random>
#include <string>

#include "stream/hash_impl.h"
#include "stream/testing/stream_test_util.h"

namespace strata::stream {
namespace {

using testing::FromString;
using testing::RandomBytes;

std::string HexOf(HashAlgorithm algorithm, std::string_view text) {
  return ToHex(HashBytes(algorithm, FromString(text)));
}

TEST(HashTest, CheckValuesOf123456789) {
  EXPECT_EQ(HexOf(HashAlgorithm::kCrc32, "123456789"), "cbf43926");
  EXPECT_EQ(HexOf(HashAlgorithm::kCrc32c, "123456789"), "e3069283");
  EXPECT_EQ(HexOf(HashAlgorithm::kCrc64Nvme, "123456789"), "ae8b14860a799888");
}

TEST(HashTest, RfcAndFipsVectors) {
  EXPECT_EQ(HexOf(HashAlgorithm::kMd5, ""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(HexOf(HashAlgorithm::kMd5, "abc"),
            "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(HexOf(HashAlgorithm::kSha1, ""),
            "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(HexOf(HashAlgorithm::kSha1, "abc"),
            "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(HexOf(HashAlgorithm::kSha256, ""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(HexOf(HashAlgorithm::kSha256, "abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(HashTest, Xxh3Vectors) {
  EXPECT_EQ(HexOf(HashAlgorithm::kXxh3, ""), "2d06800538d394c2");
  EXPECT_EQ(HexOf(HashAlgorithm::kXxh128, ""),
            "99aa06d3014798d86001c324468d497f");
}

// MinIO's bitrot key is HH-256 of the first 100 decimals of pi (without
// "3.") under the all-zero key: a known answer for the whole pipeline of
// key loading, hashing and digest byte order.
TEST(HashTest, HighwayHashReproducesMinioKey) {
  const std::string pi =
      "14159265358979323846264338327950288419716939937510"
      "58209749445923078164062862089986280348253421170679";
  const std::vector<std::byte> zero_key(32);
  auto hasher = NewHasher(HashAlgorithm::kHighwayHash256, zero_key);
  ASSERT_TRUE(hasher.ok());
  (*hasher)->Update(FromString(pi));
  const Digest digest = (*hasher)->Finish();
  EXPECT_EQ(ToHex(digest),
            ToHex(std::as_bytes(std::span(kMinioHighwayHashKey))));
  // Reset keeps the key.
  (*hasher)->Reset();
  (*hasher)->Update(FromString(pi));
  EXPECT_EQ((*hasher)->Finish(), digest);
}

TEST(HashTest, HighwayHashImplementationsAgree) {
  if (!internal::HighwayHashAvx2Supported()) GTEST_SKIP() << "no AVX2";
  const internal::HighwayKey key = {1, 2, 3, 0xfedcba9876543210ull};
  std::mt19937_64 rng(5);
  for (size_t size : {0, 1, 31, 32, 33, 63, 64, 65, 1000, 100000}) {
    const auto data = RandomBytes(size, size);
    auto portable = internal::NewHighwayHasherPortable(key);
    auto avx2 = internal::NewHighwayHasherAvx2(key);
    size_t pos = 0;
    while (pos < size) {
      const size_t n = std::min<size_t>(size - pos, rng() % 100);
      avx2->Update(std::span(data).subspan(pos, n));
      pos += n;
    }
    portable->Update(data);
    EXPECT_EQ(ToHex(portable->Finish()), ToHex(avx2->Finish())) << size;
  }
}

TEST(HashTest, HighwayHashKeyValidation) {
  const std::vector<std::byte> short_key(31);
  EXPECT_EQ(
      NewHasher(HashAlgorithm::kHighwayHash256, short_key).status().code(),
      StatusCode::kInvalidArgument);
  // The default key is MinIO's.
  const auto data = FromString("bitrot");
  auto keyed = NewHasher(HashAlgorithm::kHighwayHash256,
                         std::as_bytes(std::span(kMinioHighwayHashKey)));
  ASSERT_TRUE(keyed.ok());
  (*keyed)->Update(data);
  EXPECT_EQ((*keyed)->Finish(),
            HashBytes(HashAlgorithm::kHighwayHash256, data));
}

TEST(HashTest, IncrementalEqualsOneShotForEveryAlgorithm) {
  std::mt19937_64 rng(11);
  for (HashAlgorithm algorithm : AllHashAlgorithms()) {
    SCOPED_TRACE(std::string(HashName(algorithm)));
    for (size_t size : {0, 1, 7, 8, 9, 31, 32, 33, 64, 1000, 4097, 300000}) {
      const auto data = RandomBytes(size, size * 3 + 1);
      const Digest want = HashBytes(algorithm, data);
      EXPECT_EQ(want.size(), DigestSize(algorithm));
      auto hasher = NewHasher(algorithm);
      ASSERT_TRUE(hasher.ok());
      EXPECT_EQ((*hasher)->algorithm(), algorithm);
      for (int round = 0; round < 2; ++round) {  // second round after Reset
        size_t pos = 0;
        while (pos < size) {
          const size_t n = std::min<size_t>(size - pos, rng() % 200);
          (*hasher)->Update(std::span(data).subspan(pos, n));
          pos += n;
        }
        EXPECT_EQ((*hasher)->Finish(), want) << size;
        (*hasher)->Reset();
      }
    }
  }
}

TEST(HashTest, DifferentInputsDiffer) {
  for (HashAlgorithm algorithm : AllHashAlgorithms()) {
    EXPECT_NE(HashBytes(algorithm, FromString("a")),
              HashBytes(algorithm, FromString("b")))
        << HashName(algorithm);
  }
}

TEST(HashTest, NamesParseAndSizes) {
  const std::vector<size_t> sizes = {4, 4, 8, 16, 20, 32, 8, 16, 32};
  ASSERT_EQ(AllHashAlgorithms().size(), sizes.size());
  for (size_t i = 0; i < sizes.size(); ++i) {
    const HashAlgorithm algorithm = AllHashAlgorithms()[i];
    EXPECT_EQ(DigestSize(algorithm), sizes[i]);
    auto parsed = ParseHashAlgorithm(HashName(algorithm));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, algorithm);
  }
  EXPECT_EQ(HashName(HashAlgorithm::kCrc64Nvme), "crc64nvme");
  EXPECT_EQ(*ParseHashAlgorithm("SHA256"), HashAlgorithm::kSha256);
  EXPECT_EQ(*ParseHashAlgorithm("Sha-256"), HashAlgorithm::kSha256);
  EXPECT_EQ(*ParseHashAlgorithm("xxh3-64"), HashAlgorithm::kXxh3);
  EXPECT_EQ(*ParseHashAlgorithm("XXH3-128"), HashAlgorithm::kXxh128);
  EXPECT_EQ(*ParseHashAlgorithm("crc64"), HashAlgorithm::kCrc64Nvme);
  EXPECT_EQ(*ParseHashAlgorithm("highwayhash"), HashAlgorithm::kHighwayHash256);
  auto bad = ParseHashAlgorithm("sha3");
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("sha3"), std::string::npos);
  EXPECT_NE(bad.status().message().find("crc32c"), std::string::npos);
  EXPECT_FALSE(ParseHashAlgorithm("").ok());
}

TEST(HashTest, ParseLists) {
  auto list = ParseHashAlgorithms("crc32c,sha256,XXH3");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(*list, (std::vector<HashAlgorithm>{HashAlgorithm::kCrc32c,
                                               HashAlgorithm::kSha256,
                                               HashAlgorithm::kXxh3}));
  for (const char* bad : {"", ",", "crc32,", ",crc32", "crc32,,md5",
                          "crc32, md5", "crc32,nope"}) {
    EXPECT_EQ(ParseHashAlgorithms(bad).status().code(),
              StatusCode::kInvalidArgument)
        << bad;
  }
}

TEST(HexTest, RoundTripAndStrictness) {
  EXPECT_EQ(ToHex(FromString("")), "");
  EXPECT_EQ(ToHex(FromString("\x01\xab\xff")), "01abff");
  auto bytes = FromHex("01ABff");
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(*bytes, FromString("\x01\xab\xff"));
  EXPECT_TRUE(FromHex("").ok());
  for (const char* bad : {"0", "0g", "g0", "01 2", " 01", "0x01", "012"}) {
    EXPECT_EQ(FromHex(bad).status().code(), StatusCode::kInvalidArgument)
        << bad;
  }
  const auto data = RandomBytes(1000, 3);
  EXPECT_EQ(*FromHex(ToHex(data)), data);
}

TEST(Base64Test, Rfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(ToBase64(FromString(plain)), encoded);
    auto decoded = FromBase64(encoded);
    ASSERT_TRUE(decoded.ok()) << encoded;
    EXPECT_EQ(*decoded, FromString(plain));
  }
  EXPECT_EQ(ToBase64(FromString("\xfb\xff")), "+/8=");
}

TEST(Base64Test, StrictDecoder) {
  for (const char* bad :
       {"Zg", "Zg=", "Zg===", "Z===", "====", "Zh==", "Zm9=", "Zg==Zg==",
        "Zm 9v", "Zm9v\n", "Zm-v", "Zm_v", "Z=9v", "=Zm9"}) {
    EXPECT_EQ(FromBase64(bad).status().code(), StatusCode::kInvalidArgument)
        << bad;
  }
  for (size_t size = 0; size < 50; ++size) {
    const auto data = RandomBytes(size, size);
    EXPECT_EQ(*FromBase64(ToBase64(data)), data);
  }
}

// Runs `command`, returning its stdout, or nullopt if it could not run.
std::optional<std::string> RunCommand(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return std::nullopt;
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) out.append(buf, n);
  if (pclose(pipe) != 0) return std::nullopt;
  return out;
}

bool HaveCommand(const std::string& name) {
  return RunCommand("command -v " + name + " >/dev/null 2>&1").has_value();
}

std::string WriteTempFile(std::span<const std::byte> data, int index) {
  std::string path = ::testing::TempDir();
  path += "strata_hash_test_";
  path += std::to_string(index);
  path += ".bin";
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(data.data()),
            static_cast<std::streamsize>(data.size()));
  return path;
}

// The first whitespace-separated word of a tool's output line.
std::string FirstWord(const std::string& line) {
  return line.substr(0, line.find_first_of(" \t\n"));
}

TEST(HashCliTest, OpensslDgstAgrees) {
  if (!HaveCommand("openssl")) GTEST_SKIP() << "openssl CLI not installed";
  const std::pair<HashAlgorithm, const char*> tools[] = {
      {HashAlgorithm::kMd5, "-md5"},
      {HashAlgorithm::kSha1, "-sha1"},
      {HashAlgorithm::kSha256, "-sha256"}};
  int index = 0;
  for (size_t size : {0, 1, 55, 56, 64, 100000}) {
    const auto data = RandomBytes(size, size + 17);
    const std::string path = WriteTempFile(data, index++);
    for (const auto& [algorithm, flag] : tools) {
      auto out = RunCommand(std::string("openssl dgst -r ") + flag + " '" +
                            path + "'");
      ASSERT_TRUE(out.has_value()) << flag;
      EXPECT_EQ(FirstWord(*out), ToHex(HashBytes(algorithm, data)))
          << flag << " size " << size;
    }
    std::remove(path.c_str());
  }
}

TEST(HashCliTest, XxhsumAgrees) {
  if (!HaveCommand("xxhsum")) {
    GTEST_SKIP() << "xxhsum not installed (Debian package xxhash)";
  }
  const std::pair<HashAlgorithm, const char*> tools[] = {
      {HashAlgorithm::kXxh3, "-H3"}, {HashAlgorithm::kXxh128, "-H2"}};
  int index = 100;
  for (size_t size : {0, 1, 16, 17, 128, 129, 240, 241, 1024, 100000}) {
    const auto data = RandomBytes(size, size + 23);
    const std::string path = WriteTempFile(data, index++);
    for (const auto& [algorithm, flag] : tools) {
      auto out = RunCommand(std::string("xxhsum ") + flag + " '" + path + "'");
      ASSERT_TRUE(out.has_value()) << flag;
      // xxhsum 0.8 prints -H3 BSD-style, "XXH3 (<file>) = <hex>"; other
      // versions print "XXH3_<hex>  <file>" or "<hex>  <file>".
      std::string word = FirstWord(*out);
      if (const size_t eq = out->find(" = "); eq != std::string::npos) {
        word = FirstWord(out->substr(eq + 3));
      } else if (word.rfind("XXH3_", 0) == 0) {
        word = word.substr(5);
      }
      EXPECT_EQ(word, ToHex(HashBytes(algorithm, data)))
          << flag << " size " << size;
    }
    std::remove(path.c_str());
  }
}

}  // namespace
}  // namespace strata::stream
