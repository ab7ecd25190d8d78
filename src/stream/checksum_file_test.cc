#include "strata/stream/checksum_file.h"

#include <string>

#include "stream/testing/stream_test_util.h"

namespace strata::stream {
namespace {

using testing::Bytes;
using testing::RandomBytes;
using testing::ReadAll;
using testing::ReadRange;

const std::vector<HashAlgorithm> kAlgorithms = {
    HashAlgorithm::kCrc32c, HashAlgorithm::kSha256, HashAlgorithm::kXxh128};

Task<Result<std::unique_ptr<fs::File>>> OpenReader(
    std::unique_ptr<fs::File> inner, std::vector<HashAlgorithm> algorithms) {
  STRATA_CO_ASSIGN_OR_RETURN(
      auto reader, NewChecksumReader(std::move(inner), std::move(algorithms)));
  co_return std::unique_ptr<fs::File>(std::move(reader));
}

std::vector<ChecksumResult> Expected(std::span<const std::byte> data) {
  std::vector<ChecksumResult> out;
  for (HashAlgorithm algorithm : kAlgorithms) {
    out.push_back(ChecksumResult{algorithm, HashBytes(algorithm, data)});
  }
  return out;
}

void ExpectDigests(const std::optional<std::vector<ChecksumResult>>& got,
                   std::span<const std::byte> data) {
  ASSERT_TRUE(got.has_value());
  const auto want = Expected(data);
  ASSERT_EQ(got->size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ((*got)[i].algorithm, want[i].algorithm);
    EXPECT_EQ(ToHex((*got)[i].digest), ToHex(want[i].digest))
        << HashName(want[i].algorithm);
  }
}

class ChecksumFileTest : public testing::StreamTest {
 protected:
  std::unique_ptr<ChecksumFile> Reader(
      const std::string& path, std::vector<ChecksumResult> expected = {}) {
    auto reader =
        NewChecksumReader(OpenFile(path), kAlgorithms, std::move(expected));
    EXPECT_TRUE(reader.ok());
    return reader.ok() ? std::move(reader).value() : nullptr;
  }
};

TEST_F(ChecksumFileTest, RoundTrips) {
  testing::WriterFactory writer =
      [](std::unique_ptr<fs::File> inner) -> Result<std::unique_ptr<fs::File>> {
    STRATA_ASSIGN_OR_RETURN(auto w,
                            NewChecksumWriter(std::move(inner), kAlgorithms));
    return std::unique_ptr<fs::File>(std::move(w));
  };
  testing::ReaderFactory reader = [](std::unique_ptr<fs::File> inner) {
    return OpenReader(std::move(inner), kAlgorithms);
  };
  CheckRoundTrips(writer, reader, testing::InterestingSizes(4096));
}

TEST_F(ChecksumFileTest, WriterDigestsAfterCloseAndStoresPlainBytes) {
  for (size_t size : {0, 1, 4096, 100000}) {
    const Bytes data = RandomBytes(size, size);
    auto writer = NewChecksumWriter(NewFile("/w"), kAlgorithms);
    ASSERT_TRUE(writer.ok());
    EXPECT_FALSE((*writer)->digests().has_value());
    ASSERT_THAT(Run(testing::WriteThrough(**writer, data, size)),
                testing::IsOk());
    ExpectDigests((*writer)->digests(), data);
    EXPECT_TRUE(Stored("/w") == data);
  }
}

TEST_F(ChecksumFileTest, AbortedWriterHasNoDigests) {
  auto writer = NewChecksumWriter(NewFile("/a"), kAlgorithms);
  ASSERT_TRUE(writer.ok());
  const Bytes data = RandomBytes(10, 1);
  ASSERT_THAT(Run((*writer)->Write(data)), testing::IsOk());
  ASSERT_THAT(Run((*writer)->Abort()), testing::IsOk());
  EXPECT_FALSE((*writer)->digests().has_value());
}

TEST_F(ChecksumFileTest, ReaderHashesSequentialReads) {
  for (size_t size : {0, 1, 999, 1000, 1001, 54321}) {
    const Bytes data = RandomBytes(size, size + 1);
    Store("/r", data);
    for (size_t chunk : {1000, 100000}) {
      auto reader = Reader("/r", Expected(data));
      ASSERT_TRUE(reader);
      EXPECT_FALSE(reader->digests().has_value());
      auto all = Run(ReadAll(*reader, chunk));
      ASSERT_THAT(all, testing::IsOk());
      EXPECT_TRUE(*all == data);
      ExpectDigests(reader->digests(), data);
      EXPECT_THAT(Run(reader->Close()), testing::IsOk());
    }
  }
}

TEST_F(ChecksumFileTest, ReadsOutOfOrderAreNotHashed) {
  const Bytes data = RandomBytes(5000, 2);
  Store("/o", data);
  auto reader = Reader("/o");
  ASSERT_TRUE(reader);
  ASSERT_THAT(Run(ReadRange(*reader, 100, 5000)), testing::IsOk());  // to EOF
  EXPECT_FALSE(reader->digests().has_value());
  ASSERT_THAT(Run(ReadRange(*reader, 0, 3000)), testing::IsOk());
  ASSERT_THAT(Run(ReadRange(*reader, 1000, 10)), testing::IsOk());  // re-read
  EXPECT_FALSE(reader->digests().has_value());
  ASSERT_THAT(Run(ReadRange(*reader, 3000, 2000)), testing::IsOk());
  ExpectDigests(reader->digests(), data);
}

TEST_F(ChecksumFileTest, MismatchAtEofIsDataLossNamingTheAlgorithm) {
  const Bytes data = RandomBytes(3000, 4);
  Store("/m", data);
  auto expected = Expected(data);
  expected[1].digest[0] ^= std::byte{1};  // sha256
  auto reader = Reader("/m", expected);
  ASSERT_TRUE(reader);
  auto first = Run(ReadRange(*reader, 0, 1000));
  ASSERT_THAT(first, testing::IsOk());  // not at EOF yet
  auto rest = Run(ReadRange(*reader, 1000, 5000));
  EXPECT_THAT(rest, testing::StatusIs(StatusCode::kDataLoss));
  EXPECT_NE(rest.status().message().find("sha256"), std::string::npos);
  EXPECT_NE(rest.status().message().find("/m"), std::string::npos);
  // Every later read reaching EOF fails too; reads inside the file do not.
  EXPECT_THAT(Run(ReadRange(*reader, 2000, 5000)),
              testing::StatusIs(StatusCode::kDataLoss));
  EXPECT_THAT(Run(ReadRange(*reader, 0, 100)), testing::IsOk());
}

TEST_F(ChecksumFileTest, ExactReadToEofVerifies) {
  const Bytes data = RandomBytes(4096, 5);
  Store("/e", data);
  auto expected = Expected(data);
  expected[0].digest[3] ^= std::byte{1};
  auto reader = Reader("/e", expected);
  ASSERT_TRUE(reader);
  // A read ending exactly at EOF (no short read) still triggers the check.
  EXPECT_THAT(Run(ReadRange(*reader, 0, 4096)),
              testing::StatusIs(StatusCode::kDataLoss));
}

TEST_F(ChecksumFileTest, RejectsEmptyAlgorithmListAndWrongModes) {
  EXPECT_THAT(NewChecksumWriter(NewFile("/x"), {}),
              testing::StatusIs(StatusCode::kInvalidArgument));
  Store("/y", RandomBytes(10, 1));
  EXPECT_THAT(NewChecksumReader(OpenFile("/y"), {}),
              testing::StatusIs(StatusCode::kInvalidArgument));
  auto reader = Reader("/y");
  ASSERT_TRUE(reader);
  const Bytes data = RandomBytes(10, 1);
  EXPECT_THAT(Run(reader->Write(data)),
              testing::StatusIs(StatusCode::kFailedPrecondition));
}

}  // namespace
}  // namespace strata::stream
