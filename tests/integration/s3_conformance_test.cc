// The FileSystem conformance suite against S3FileSystem on radosgw
// (STRATA_TEST_S3_ENDPOINT etc.), under both runtimes. One bucket per
// process run; each test gets a fresh root prefix, removed afterwards.
#include <cstdlib>
#include <mutex>
#include <random>

#include "fs/testing/conformance.h"
#include "strata/s3/s3_fs.h"

namespace strata::fs::conformance {
namespace {

const char* Env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : nullptr;
}

std::string RandomSuffix() {
  std::random_device rd;
  std::string out;
  for (int i = 0; i < 8; ++i) out += "0123456789abcdef"[rd() % 16];
  return out;
}

const std::string& BucketName() {
  static const std::string name = "strata-s3fs-conf-" + RandomSuffix();
  return name;
}

Result<std::shared_ptr<FileSystem>> NewRgwFileSystem() {
  s3::FileSystemOptions o;
  o.client.endpoint = Env("STRATA_TEST_S3_ENDPOINT");
  const char* region = Env("STRATA_TEST_S3_REGION");
  o.client.region = region ? region : "us-east-1";
  o.client.path_style = true;
  s3::Credentials creds;
  creds.access_key_id = Env("STRATA_TEST_S3_ACCESS_KEY");
  creds.secret_access_key = Env("STRATA_TEST_S3_SECRET_KEY");
  o.client.credentials = creds;
  return s3::NewS3FileSystem(o);
}

bool HaveServer() {
  return Env("STRATA_TEST_S3_ENDPOINT") && Env("STRATA_TEST_S3_ACCESS_KEY") &&
         Env("STRATA_TEST_S3_SECRET_KEY");
}

Task<Status> EnsureBucket(FileSystem* fs, std::string bucket) {
  Status st = co_await fs->CreateDir("/" + bucket, true);
  co_return st;
}

Result<ConformanceTarget> MakeTarget(Runtime& rt) {
  STRATA_ASSIGN_OR_RETURN(std::shared_ptr<FileSystem> fs, NewRgwFileSystem());
  STRATA_RETURN_IF_ERROR(rt.BlockOn(EnsureBucket(fs.get(), BucketName())));
  std::string root = "/" + BucketName() + "/t-" + RandomSuffix();
  STRATA_RETURN_IF_ERROR(rt.BlockOn(fs->CreateDir(root, true)));
  ConformanceTarget t;
  t.fs = std::move(fs);
  t.root = root;
  t.cleanup = [root](Runtime& r, FileSystem& f) {
    r.BlockOn(f.RemoveDir(root, true)).IgnoreError();
  };
  return t;
}

ConformanceParam S3Param(runtime::IoUringMode mode, std::string name) {
  ConformanceParam p;
  p.name = std::move(name);
  p.runtime.io_uring = mode;
  p.factory = MakeTarget;
  return p;
}

std::vector<ConformanceParam> S3Params() {
  if (!HaveServer()) return {};
  return {S3Param(runtime::IoUringMode::kOn, "s3_rgw_io_uring"),
          S3Param(runtime::IoUringMode::kOff, "s3_rgw_poll")};
}

INSTANTIATE_TEST_SUITE_P(S3, FileSystemConformanceTest,
                         ::testing::ValuesIn(S3Params()),
                         ConformanceParamName());

TEST(S3ConformanceServer, Available) {
  if (HaveServer()) return;
  if (Env("STRATA_REQUIRE_SERVERS") &&
      std::string(Env("STRATA_REQUIRE_SERVERS")) == "1") {
    FAIL() << "STRATA_TEST_S3_ENDPOINT/ACCESS_KEY/SECRET_KEY unset and "
              "STRATA_REQUIRE_SERVERS=1: the S3 conformance suite cannot run";
  }
  GTEST_SKIP() << "STRATA_TEST_S3_ENDPOINT unset: S3 conformance suite not "
                  "instantiated (run scripts/start-rgw.sh)";
}

// Removes the per-run bucket (empty by then) at exit.
class BucketCleanup : public ::testing::Environment {
 public:
  void TearDown() override {
    if (!HaveServer()) return;
    auto rt = Runtime::Create();
    if (!rt.ok()) return;
    auto fs = NewRgwFileSystem();
    if (!fs.ok()) return;
    (*rt)->BlockOn((*fs)->RemoveDir("/" + BucketName(), true)).IgnoreError();
    DeleteBucket(**rt);
  }

 private:
  static void DeleteBucket(Runtime& rt) {
    s3::ClientOptions o;
    o.endpoint = Env("STRATA_TEST_S3_ENDPOINT");
    o.region = Env("STRATA_TEST_S3_REGION") ? Env("STRATA_TEST_S3_REGION")
                                            : "us-east-1";
    o.path_style = true;
    s3::Credentials creds;
    creds.access_key_id = Env("STRATA_TEST_S3_ACCESS_KEY");
    creds.secret_access_key = Env("STRATA_TEST_S3_SECRET_KEY");
    o.credentials = creds;
    auto client = s3::Client::Create(o);
    if (!client.ok()) return;
    rt.BlockOn((*client)->DeleteBucket(BucketName())).IgnoreError();
  }
};

const auto* const kCleanup =
    ::testing::AddGlobalTestEnvironment(new BucketCleanup);

}  // namespace
}  // namespace strata::fs::conformance
