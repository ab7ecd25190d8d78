// LayerFile's shared contract (layer.h), checked through the simplest layer,
// the checksum writer: wrong-mode calls, and a failed write or Sync poisons
// the stream so Close cannot report success afterwards.

#include "stream/layer_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "strata/fs/fault_injection.h"
#include "strata/stream/checksum_file.h"
#include "stream/testing/stream_test_util.h"

namespace strata::stream {
namespace {

using testing::Bytes;
using testing::IsOk;
using testing::StatusIs;

class LayerFileTest : public testing::StreamTest {
 protected:
  // A checksum writer over `path` in a fault-injecting view of the memory FS.
  std::unique_ptr<ChecksumFile> Writer(const std::string& path) {
    auto file = Run(faulty_->Open(path, fs::OpenOptions::Overwrite()));
    EXPECT_THAT(file, IsOk());
    auto writer =
        NewChecksumWriter(std::move(file).value(), {HashAlgorithm::kCrc32c});
    EXPECT_THAT(writer, IsOk());
    return std::move(writer).value();
  }

  std::shared_ptr<fs::FaultInjectionFileSystem> faulty_;

  void SetUp() override {
    StreamTest::SetUp();
    faulty_ = std::make_shared<fs::FaultInjectionFileSystem>(fs_);
  }
};

TEST_F(LayerFileTest, FailedSyncPoisonsLaterWritesAndClose) {
  auto writer = Writer("/s");
  Bytes data = testing::RandomBytes(100, 1);
  ASSERT_THAT(Run(writer->Write(data)), IsOk());
  fs::FaultRule rule;
  rule.op = fs::FaultOp::kSync;
  faulty_->AddFault(rule);
  EXPECT_THAT(Run(writer->Sync()), StatusIs(StatusCode::kDataLoss));
  EXPECT_THAT(Run(writer->Write(data)), StatusIs(StatusCode::kDataLoss));
  EXPECT_THAT(Run(writer->Sync()), StatusIs(StatusCode::kDataLoss));
  EXPECT_THAT(Run(writer->Close()), StatusIs(StatusCode::kDataLoss));
  EXPECT_FALSE(writer->digests().has_value());
}

TEST_F(LayerFileTest, FailedWritePoisonsClose) {
  auto writer = Writer("/w");
  fs::FaultRule rule;
  rule.op = fs::FaultOp::kWrite;
  faulty_->AddFault(rule);
  Bytes data = testing::RandomBytes(100, 2);
  EXPECT_FALSE(Run(writer->Write(data)).ok());
  EXPECT_FALSE(Run(writer->Close()).ok());
}

TEST_F(LayerFileTest, WrongModeAndClosedCallsAreRefused) {
  auto writer = Writer("/m");
  Bytes buf(10);
  EXPECT_THAT(Run(writer->ReadAt(buf, 0)),
              StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_THAT(Run(writer->WriteAt(buf, 0)),
              StatusIs(StatusCode::kFailedPrecondition));
  ASSERT_THAT(Run(writer->Close()), IsOk());
  EXPECT_THAT(Run(writer->Write(buf)),
              StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_THAT(Run(writer->Close()), IsOk());  // idempotent
}

}  // namespace
}  // namespace strata::stream
