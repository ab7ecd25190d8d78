// Pipeline: order validation, and round trips / ranged reads / tampering
// through every combination of stages.

#include "strata/stream/pipeline.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "stream/testing/stream_test_util.h"

namespace strata::stream {
namespace {

using testing::Bytes;
using ::testing::HasSubstr;
using testing::IsOk;
using testing::StatusIs;

EncryptionKey MasterKey() {
  Bytes raw = testing::RandomBytes(32, 99);
  return *EncryptionKey::FromBytes(raw);
}

EncryptOptions Encryptor(Cipher cipher) {
  EncryptOptions o;
  o.cipher = cipher;
  o.master_key = MasterKey();
  o.object_id = "bucket/object";
  return o;
}

DecryptOptions Decryptor() {
  DecryptOptions o;
  o.master_key = MasterKey();
  return o;
}

CompressOptions Compressor(Codec codec, size_t block_size) {
  CompressOptions o;
  o.codec = codec;
  o.block_size = block_size;
  return o;
}

BitrotOptions Protector(HashAlgorithm algorithm, size_t block_size) {
  BitrotOptions o;
  o.algorithm = algorithm;
  o.block_size = block_size;
  return o;
}

// Stage mask bits: 1 checksum, 2 compress, 4 encrypt, 8 protect.
Pipeline::Builder BuilderFor(int mask, Codec codec) {
  Pipeline::Builder b;
  if (mask & 1) b.Checksum({HashAlgorithm::kCrc32c, HashAlgorithm::kSha256});
  if (mask & 2) b.Compress(Compressor(codec, 64 << 10));
  if (mask & 4) b.Encrypt(Encryptor(Cipher::kAes256Gcm), Decryptor());
  if (mask & 8) b.Protect(Protector(HashAlgorithm::kCrc32c, 48 << 10));
  return b;
}

// The layer factories of a built pipeline (which must outlive them).
testing::WriterFactory WriterOf(const Pipeline& p) {
  return [&p](std::unique_ptr<fs::File> inner) {
    return p.OpenWriter(std::move(inner));
  };
}
testing::ReaderFactory ReaderOf(const Pipeline& p) {
  return [&p](std::unique_ptr<fs::File> inner) {
    return p.OpenReader(std::move(inner));
  };
}

class PipelineTest : public testing::StreamTest {};

TEST(PipelineOrderTest, RejectsNonsensicalOrders) {
  Pipeline::Builder encrypt_then_compress;
  encrypt_then_compress.Encrypt(Encryptor(Cipher::kAes256Gcm), Decryptor())
      .Compress(Compressor(Codec::kZstd, 1 << 20));
  auto p = encrypt_then_compress.Build();
  EXPECT_THAT(p.status(), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(p.status().message(), HasSubstr("ciphertext does not compress"));

  Pipeline::Builder protect_first;
  protect_first.Protect(Protector(HashAlgorithm::kCrc32c, 4096))
      .Encrypt(Encryptor(Cipher::kAes256Gcm), Decryptor());
  EXPECT_THAT(protect_first.Build().status(),
              StatusIs(StatusCode::kInvalidArgument));

  Pipeline::Builder checksum_last;
  checksum_last.Compress(Compressor(Codec::kLz4, 1 << 20))
      .Checksum({HashAlgorithm::kCrc32});
  EXPECT_THAT(checksum_last.Build().status().message(),
              HasSubstr("plain data"));

  Pipeline::Builder twice;
  twice.Compress(Compressor(Codec::kLz4, 1 << 20))
      .Compress(Compressor(Codec::kZstd, 1 << 20));
  EXPECT_THAT(twice.Build().status().message(), HasSubstr("only once"));

  Pipeline::Builder no_algorithms;
  no_algorithms.Checksum({});
  EXPECT_THAT(no_algorithms.Build().status(),
              StatusIs(StatusCode::kInvalidArgument));

  Pipeline::Builder no_key;
  no_key.Encrypt(EncryptOptions(), Decryptor());
  EXPECT_THAT(no_key.Build().status().message(), HasSubstr("exactly one"));

  EXPECT_THAT(BuilderFor(15, Codec::kZstd).Build(), IsOk());
  EXPECT_THAT(Pipeline::Builder().Build(), IsOk());  // pass-through
}

TEST_F(PipelineTest, EveryStageCombinationRoundTrips) {
  for (int mask = 0; mask < 16; ++mask) {
    SCOPED_TRACE("stages " + std::to_string(mask));
    auto pipeline = BuilderFor(mask, Codec::kZstd).Build();
    ASSERT_THAT(pipeline, IsOk());
    const Pipeline& p = *pipeline;
    CheckRoundTrips(WriterOf(p), ReaderOf(p),
                    {0, 1, 65535, 65536, 65537, 300000}, 10);
  }
}

TEST_F(PipelineTest, EachCodecUnderEncryptionAndProtection) {
  for (Codec codec : {Codec::kZstd, Codec::kLz4, Codec::kGzip, Codec::kAuto}) {
    SCOPED_TRACE(std::string(CodecName(codec)));
    auto pipeline = BuilderFor(15, codec).Build();
    ASSERT_THAT(pipeline, IsOk());
    const Pipeline& p = *pipeline;
    CheckRoundTrips(WriterOf(p), ReaderOf(p), {0, 70000, 1 << 20}, 10);
  }
}

Task<Result<Bytes>> ReadAllChecked(ChecksumFile& file) {
  co_return co_await testing::ReadAll(file, 10000);
}

TEST_F(PipelineTest, ChecksumsDescribeThePlainDataAndAreVerifiedOnRead) {
  auto pipeline = BuilderFor(15, Codec::kZstd).Build();
  ASSERT_THAT(pipeline, IsOk());
  Bytes data = testing::CompressibleBytes(500000, 5);
  auto writer = pipeline->OpenChecksumWriter(NewFile("/obj"));
  ASSERT_THAT(writer, IsOk());
  ASSERT_THAT(Run(testing::WriteThrough(**writer, data, 3)), IsOk());
  auto digests = (*writer)->digests();
  ASSERT_TRUE(digests.has_value());
  ASSERT_EQ(digests->size(), 2u);
  EXPECT_EQ((*digests)[0].digest, HashBytes(HashAlgorithm::kCrc32c, data));
  EXPECT_EQ((*digests)[1].digest, HashBytes(HashAlgorithm::kSha256, data));

  auto good = Run(pipeline->OpenChecksumReader(OpenFile("/obj"), *digests));
  ASSERT_THAT(good, IsOk());
  auto all = Run(ReadAllChecked(**good));
  ASSERT_THAT(all, IsOk());
  EXPECT_TRUE(*all == data);

  std::vector<ChecksumResult> wrong = *digests;
  wrong[1].digest[0] ^= std::byte{1};
  auto bad = Run(pipeline->OpenChecksumReader(OpenFile("/obj"), wrong));
  ASSERT_THAT(bad, IsOk());
  EXPECT_THAT(Run(ReadAllChecked(**bad)), StatusIs(StatusCode::kDataLoss));
}

TEST_F(PipelineTest, TamperedStoredBytesAreDetected) {
  auto pipeline = BuilderFor(2 | 4 | 8, Codec::kZstd).Build();
  ASSERT_THAT(pipeline, IsOk());
  const Pipeline& p = *pipeline;
  Bytes data = testing::RandomBytes(400000, 8);
  ASSERT_THAT(Encode("/t", data, WriterOf(p), 2), IsOk());
  Bytes stored = Stored("/t");
  for (size_t at : {size_t{0}, stored.size() / 2, stored.size() - 1}) {
    Bytes bad = stored;
    bad[at] ^= std::byte{0x20};
    Store("/t", bad);
    auto reader = Run(p.OpenReader(OpenFile("/t")));
    if (reader.ok()) {
      EXPECT_THAT(Run(testing::ReadAll(**reader)),
                  StatusIs(StatusCode::kDataLoss))
          << "flip at " << at;
    } else {
      EXPECT_THAT(reader.status(), StatusIs(StatusCode::kDataLoss))
          << "flip at " << at;
    }
  }
}

TEST_F(PipelineTest, WrongMasterKeyIsRefused) {
  auto pipeline = BuilderFor(4, Codec::kZstd).Build();
  ASSERT_THAT(pipeline, IsOk());
  const Pipeline& p = *pipeline;
  ASSERT_THAT(Encode("/k", testing::RandomBytes(1000, 1), WriterOf(p)), IsOk());
  DecryptOptions other;
  other.master_key = EncryptionKey::Generate();
  Pipeline::Builder b;
  b.Encrypt(Encryptor(Cipher::kAes256Gcm), other);
  auto wrong = b.Build();
  ASSERT_THAT(wrong, IsOk());
  EXPECT_THAT(Run(wrong->OpenReader(OpenFile("/k"))).status(),
              StatusIs(StatusCode::kPermissionDenied));
}

}  // namespace
}  // namespace strata::stream
