// Tests of `strata stream` (encode, decode, hash, ec) and `strata bench
// streams`, run as a subprocess: round trips through every layer, digests
// against published check values, decoding by the standard tools, and the
// failure paths (wrong key, tampering, too many lost shards) that must
// leave no output behind.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "cli/cli_test_util.h"

namespace strata::cli::testing {
namespace {

using ::testing::HasSubstr;

// Compressible text followed by random bytes, `n` bytes in all.
std::string MixedData(size_t n) {
  std::string text;
  for (int i = 0; text.size() < n / 2; ++i) {
    text += "line " + std::to_string(i) + " of the stream layer test\n";
  }
  std::string data = text.substr(0, n / 2);
  return data + RandomBytes(n - data.size(), 7);
}

class CliStreamTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    input_ = Path("in.bin");
    WriteFile(input_, MixedData(300 << 10));
    key_ = Path("master.key");
    WriteFile(key_, std::string(64, 'a') + "\n");
  }

  // encode IN → OUT, then decode OUT → back; expects both to succeed and
  // `back` to equal the input.
  void RoundTrip(const std::vector<std::string>& flags) {
    std::vector<std::string> encode = {"stream", "encode", input_, Path("out")};
    encode.insert(encode.end(), flags.begin(), flags.end());
    CliResult e = RunCli(encode);
    ASSERT_EQ(e.exit_code, 0) << e.err;
    std::vector<std::string> decode = {"stream", "decode", Path("out"),
                                       Path("back")};
    decode.insert(decode.end(), flags.begin(), flags.end());
    CliResult d = RunCli(decode);
    ASSERT_EQ(d.exit_code, 0) << d.err;
    EXPECT_EQ(ReadFile(Path("back")), ReadFile(input_));
    EXPECT_NE(ReadFile(Path("out")), ReadFile(input_));
  }

  // Names in the scratch directory (to see that nothing was left behind).
  std::set<std::string> Entries() const {
    std::set<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir_)) {
      names.insert(e.path().filename().string());
    }
    return names;
  }

  std::string input_;
  std::string key_;
};

TEST_F(CliStreamTest, HashPrintsPublishedCheckValues) {
  WriteFile(Path("check"), "123456789");
  CliResult r = RunCli(
      {"stream", "hash", "--algo", "crc32,crc32c,sha256,md5", Path("check")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "crc32 cbf43926\n"
            "crc32c e3069283\n"
            "sha256 "
            "15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225\n"
            "md5 25f9e794323b453885f5181f1b624d0b\n");
}

TEST_F(CliStreamTest, HashOfEmptyFileAndErrors) {
  WriteFile(Path("empty"), "");
  CliResult r = RunCli({"stream", "hash", "--algo", "sha1", Path("empty")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "sha1 da39a3ee5e6b4b0d3255bfef95601890afd80709\n");
  ExpectOneLineError(
      RunCli({"stream", "hash", "--algo", "sha3", Path("empty")}), "sha3");
  ExpectOneLineError(RunCli({"stream", "hash", "--algo", "md5", Path("nope")}),
                     Path("nope"));
}

TEST_F(CliStreamTest, ChecksumFlagDescribesThePlainData) {
  CliResult h = RunCli({"stream", "hash", "--algo", "xxh3,crc64nvme", input_});
  ASSERT_EQ(h.exit_code, 0) << h.err;
  CliResult e = RunCli({"stream", "encode", input_, Path("out"), "--compress",
                        "zstd", "--checksum", "xxh3,crc64nvme"});
  ASSERT_EQ(e.exit_code, 0) << e.err;
  EXPECT_EQ(e.out, h.out);
  CliResult d = RunCli({"stream", "decode", Path("out"), Path("back"),
                        "--compress", "zstd", "--checksum", "xxh3,crc64nvme"});
  ASSERT_EQ(d.exit_code, 0) << d.err;
  EXPECT_EQ(d.out, h.out);
}

TEST_F(CliStreamTest, CompressRoundTripsEveryCodec) {
  for (const char* codec : {"zstd", "lz4", "gzip", "zstd:19", "gzip:1"}) {
    SCOPED_TRACE(codec);
    RoundTrip({"--compress", codec, "--block-size", "64k"});
  }
}

TEST_F(CliStreamTest, DecodeDetectsTheCodecUnlessALevelIsGiven) {
  ASSERT_EQ(
      RunCli({"stream", "encode", input_, Path("out"), "--compress", "lz4"})
          .exit_code,
      0);
  CliResult d = RunCli(
      {"stream", "decode", Path("out"), Path("back"), "--compress", "auto"});
  ASSERT_EQ(d.exit_code, 0) << d.err;
  EXPECT_EQ(ReadFile(Path("back")), ReadFile(input_));
  CliResult wrong = RunCli(
      {"stream", "decode", Path("out"), Path("wrong"), "--compress", "zstd:3"});
  ExpectOneLineError(wrong, Path("out"));
  EXPECT_FALSE(std::filesystem::exists(Path("wrong")));
}

// The compress-only output is what the standard tool decodes.
TEST_F(CliStreamTest, StandardToolsDecodeCompressOnlyOutput) {
  for (const char* tool : {"zstd", "lz4", "gzip"}) {
    SCOPED_TRACE(tool);
    std::string binary = std::string("/usr/bin/") + tool;
    if (!std::filesystem::exists(binary)) GTEST_SKIP() << binary << " missing";
    std::string out = Path(std::string("out.") + tool);
    CliResult e = RunCli({"stream", "encode", input_, out, "--compress", tool,
                          "--block-size", "64k"});
    ASSERT_EQ(e.exit_code, 0) << e.err;
    CliResult d = RunProgram({binary, "-d", "-c", out});
    ASSERT_EQ(d.exit_code, 0) << d.err;
    EXPECT_TRUE(d.out == ReadFile(input_)) << "decoded size " << d.out.size();
  }
}

TEST_F(CliStreamTest, EncryptRoundTripsBothCiphers) {
  for (const char* cipher : {"aes-256-gcm", "chacha20-poly1305"}) {
    SCOPED_TRACE(cipher);
    RoundTrip({"--encrypt", cipher, "--key-file", key_});
  }
}

TEST_F(CliStreamTest, AllStagesRoundTrip) {
  RoundTrip({"--compress", "zstd", "--encrypt", "aes-256-gcm", "--key-file",
             key_, "--checksum", "crc32c", "--protect", "--block-size", "64k"});
  RoundTrip({"--compress", "gzip:9", "--encrypt", "chacha20-poly1305",
             "--key-file", key_, "--protect=sha256"});
}

TEST_F(CliStreamTest, WrongKeyFailsAndLeavesNoOutput) {
  ASSERT_EQ(RunCli({"stream", "encode", input_, Path("out"), "--encrypt",
                    "aes-256-gcm", "--key-file", key_})
                .exit_code,
            0);
  WriteFile(Path("other.key"), std::string(64, 'b'));
  std::set<std::string> before = Entries();
  CliResult d =
      RunCli({"stream", "decode", Path("out"), Path("back"), "--encrypt",
              "aes-256-gcm", "--key-file", Path("other.key")});
  ExpectOneLineError(d, Path("out"));
  EXPECT_EQ(Entries(), before);  // no OUT, no temporary
}

TEST_F(CliStreamTest, TamperedInputFailsAndLeavesNoOutput) {
  for (std::vector<std::string> flags :
       {std::vector<std::string>{"--encrypt", "chacha20-poly1305", "--key-file",
                                 key_},
        std::vector<std::string>{"--compress", "zstd", "--protect"}}) {
    std::vector<std::string> encode = {"stream", "encode", input_, Path("out")};
    encode.insert(encode.end(), flags.begin(), flags.end());
    ASSERT_EQ(RunCli(encode).exit_code, 0);
    std::string bytes = ReadFile(Path("out"));
    bytes[bytes.size() / 2] ^= 0x20;
    WriteFile(Path("out"), bytes);
    std::set<std::string> before = Entries();
    std::vector<std::string> decode = {"stream", "decode", Path("out"),
                                       Path("back")};
    decode.insert(decode.end(), flags.begin(), flags.end());
    ExpectOneLineError(RunCli(decode), Path("out"));
    EXPECT_EQ(Entries(), before);
  }
}

TEST_F(CliStreamTest, BadFlagsAreOneLineErrors) {
  ExpectOneLineError(RunCli({"stream", "encode", input_, Path("out"),
                             "--encrypt", "aes-256-gcm"}),
                     "--key-file");
  ExpectOneLineError(
      RunCli({"stream", "encode", input_, Path("out"), "--compress", "xz"}),
      "xz");
  ExpectOneLineError(RunCli({"stream", "encode", Path("missing"), Path("out"),
                             "--compress", "zstd"}),
                     Path("missing"));
  EXPECT_FALSE(std::filesystem::exists(Path("out")));
}

class CliStreamEcTest : public CliStreamTest {
 protected:
  void Encode() {
    CliResult e = RunCli({"stream", "ec", "encode", "--data", "4", "--parity",
                          "2", "--block-size", "64k", input_, Path("shards")});
    ASSERT_EQ(e.exit_code, 0) << e.err;
  }
  std::string Shard(int i) const {
    return Path("shards/shard-0") + std::to_string(i);
  }
  void Corrupt(int i) {
    std::string bytes = ReadFile(Shard(i));
    bytes[bytes.size() / 2] ^= 0x01;
    WriteFile(Shard(i), bytes);
  }
};

TEST_F(CliStreamEcTest, WritesKPlusMShardFiles) {
  Encode();
  for (int i = 0; i < 6; ++i) EXPECT_TRUE(std::filesystem::exists(Shard(i)));
  EXPECT_FALSE(std::filesystem::exists(Shard(6)));
  CliResult d =
      RunCli({"stream", "ec", "decode", Path("shards"), Path("back")});
  ASSERT_EQ(d.exit_code, 0) << d.err;
  EXPECT_EQ(d.err, "");
  EXPECT_EQ(ReadFile(Path("back")), ReadFile(input_));
}

TEST_F(CliStreamEcTest, SurvivesMShardsLost) {
  Encode();
  std::filesystem::remove(Shard(0));
  std::filesystem::remove(Shard(5));  // the highest index: count from headers
  CliResult d =
      RunCli({"stream", "ec", "decode", Path("shards"), Path("back")});
  ASSERT_EQ(d.exit_code, 0) << d.err;
  EXPECT_EQ(ReadFile(Path("back")), ReadFile(input_));
  EXPECT_THAT(d.err, HasSubstr("shard-00"));
}

TEST_F(CliStreamEcTest, SurvivesMShardsCorrupt) {
  Encode();
  Corrupt(1);
  Corrupt(3);
  CliResult d =
      RunCli({"stream", "ec", "decode", Path("shards"), Path("back")});
  ASSERT_EQ(d.exit_code, 0) << d.err;
  EXPECT_EQ(ReadFile(Path("back")), ReadFile(input_));
  EXPECT_THAT(d.err, HasSubstr("shard-01"));
  EXPECT_THAT(d.err, HasSubstr("shard-03"));
}

TEST_F(CliStreamEcTest, FailsWithMPlusOneShardsLost) {
  Encode();
  std::filesystem::remove(Shard(0));
  std::filesystem::remove(Shard(2));
  Corrupt(4);
  CliResult d =
      RunCli({"stream", "ec", "decode", Path("shards"), Path("back")});
  ExpectOneLineError(d, Path("shards"));
  EXPECT_FALSE(std::filesystem::exists(Path("back")));
}

TEST_F(CliStreamTest, BenchStreamsJsonNamesEveryCase) {
  CliResult r = RunCli({"bench", "streams", "--json", "--size", "2m",
                        "--repetitions", "1", "--rss-size", "4m"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_TRUE(j.is_array()) << r.out;
  std::set<std::string> names;
  for (const auto& row : j) {
    names.insert(row.at("name").get<std::string>());
    if (row.contains("gib_per_s")) {
      EXPECT_GT(row.at("gib_per_s").get<double>(), 0) << row;
      EXPECT_GT(row.at("baseline_gib_per_s").get<double>(), 0) << row;
    } else {
      EXPECT_GT(row.at("peak_rss_mib").get<double>(), 0) << row;
    }
  }
  EXPECT_EQ(names, (std::set<std::string>{
                       "checksum_crc32c", "compress_zstd3", "encrypt_aes256gcm",
                       "ec_12+4_encode", "erasure_set_12+4",
                       "bitrot_highwayhash", "pipeline_zstd3_aes256gcm_crc32c",
                       "pipeline_1gib_peak_rss_mib"}));
}

}  // namespace
}  // namespace strata::cli::testing
