// S3FileSystem through a FaultProxy in front of radosgw: scripted and random
// 5xx/429/SlowDown/resets must end in byte-exact results after retries or
// in a clean error that leaves no object behind.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "s3/s3_fs_test_env.h"

namespace strata::s3 {
namespace {

using http::testing::Fault;
using testing_env::RandomBytes;
using testing_env::RgwFixture;

class S3FaultTest : public RgwFixture {
 protected:
  void SetUp() override {
    RgwFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto fs = ProxiedFs();
    ASSERT_TRUE(fs.ok()) << fs.status().ToString();
    faulty_ = fs->get();
  }
  fs::FileSystem* faulty_ = nullptr;
};

TEST_F(S3FaultTest, ScriptedErrorsOnPutAreRetried) {
  proxy_->Script({Fault::kStatus500, Fault::kStatus503, Fault::kSlowDown,
                  Fault::kThrottle429});
  const std::string data = RandomBytes(100000, 1);
  Status st = WriteFs("put", data, fs::OpenOptions::Overwrite(), faulty_);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_GE(proxy_->faults_injected(), 4u);
  EXPECT_TRUE(ReadFs("put") == data);
}

TEST_F(S3FaultTest, ScriptedErrorsDuringMultipartAreRetried) {
  const std::string data = RandomBytes((12 << 20) + 5, 2);
  auto file = Run(faulty_->Open(Path("mp"), fs::OpenOptions::Overwrite()));
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  // The next requests are the dir check, CreateMultipartUpload and parts.
  proxy_->Script({Fault::kNone, Fault::kStatus503, Fault::kSlowDown,
                  Fault::kStatus500, Fault::kThrottle429,
                  Fault::kResetBeforeResponse});
  ASSERT_TRUE(Run((*file)->Write(testing_env::Bytes(data))).ok());
  Status st = Run((*file)->Close());
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_TRUE(ReadFs("mp") == data) << "multipart content differs";
  EXPECT_EQ(PendingUploads(), 0u);
}

TEST_F(S3FaultTest, GetsSurviveErrorsAndResetsMidBody) {
  const std::string data = RandomBytes(3 << 20, 3);
  ASSERT_TRUE(WriteFs("get", data, fs::OpenOptions::Overwrite()).ok());
  auto file = Run(faulty_->Open(Path("get"), fs::OpenOptions::ReadOnly()));
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  proxy_->Script({Fault::kStatus503, Fault::kResetMidBody, Fault::kSlowDown,
                  Fault::kResetMidBody});
  std::string back(data.size(), '\0');
  auto n = Run((*file)->ReadAt(testing_env::MutBytes(back), 0));
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, data.size());
  EXPECT_TRUE(back == data) << "a retried GET returned wrong bytes";
  ASSERT_TRUE(Run((*file)->Close()).ok());
}

TEST_F(S3FaultTest, RandomFaultsGiveExactDataOrCleanErrors) {
  const std::string data = RandomBytes(30 << 20, 4);
  proxy_->Randomize(
      0.2,
      {Fault::kStatus500, Fault::kStatus503, Fault::kSlowDown,
       Fault::kThrottle429, Fault::kResetMidBody, Fault::kResetBeforeResponse},
      42);
  Status st = WriteFs("random", data, fs::OpenOptions::Overwrite(), faulty_);
  if (!st.ok()) {
    // A clean failure: a status naming the object, nothing visible.
    EXPECT_THAT(std::string(st.message()), ::testing::HasSubstr("random"));
    proxy_->Randomize(0, {}, 0);
    EXPECT_EQ(Run(fs_->Stat(Path("random"))).status().code(),
              StatusCode::kNotFound);
    EXPECT_EQ(PendingUploads(), 0u);
    return;
  }
  auto back = Run(testing_env::ReadAll(faulty_, Path("random")));
  proxy_->Randomize(0, {}, 0);
  if (back.ok()) {
    EXPECT_TRUE(*back == data) << "read back differs under faults";
  } else {
    EXPECT_THAT(std::string(back.status().message()),
                ::testing::HasSubstr("random"));
  }
  EXPECT_TRUE(ReadFs("random") == data) << "stored object differs";
}

TEST_F(S3FaultTest, PermanentFaultsFailCleanly) {
  RetryOptions quick;
  quick.max_attempts = 3;
  quick.initial_backoff = std::chrono::milliseconds(1);
  quick.max_backoff = std::chrono::milliseconds(5);
  auto fs = ProxiedFs(quick);
  ASSERT_TRUE(fs.ok());
  for (size_t size : {size_t{1000}, size_t{(6 << 20) + 1}}) {
    SCOPED_TRACE(size);
    auto file = Run((*fs)->Open(Path("doomed"), fs::OpenOptions::Overwrite()));
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    proxy_->Randomize(1.0, {Fault::kStatus503}, 7);
    Status st = Run((*file)->Write(testing_env::Bytes(RandomBytes(size, 5))));
    if (st.ok()) st = Run((*file)->Close());
    Run((*file)->Abort()).IgnoreError();
    proxy_->Randomize(0, {}, 0);
    EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.ToString();
    EXPECT_THAT(std::string(st.message()), ::testing::HasSubstr("doomed"));
    EXPECT_EQ(Run(fs_->Stat(Path("doomed"))).status().code(),
              StatusCode::kNotFound);
  }
}

}  // namespace
}  // namespace strata::s3
