// The FileSystem conformance suite on az:// against Azurite, under both
// runtimes. Needs STRATA_TEST_AZURE_CONNECTION_STRING (scripts/
// start-azurite.sh); without it every test is skipped with the reason, or
// fails when STRATA_REQUIRE_SERVERS=1.
//
// All tests share one container (created on first use, deleted at exit);
// each test gets a fresh directory in it, removed afterwards.
#include <unistd.h>

#include <cstdlib>
#include <random>

#include "fs/testing/conformance.h"
#include "strata/azure/azure_fs.h"
#include "strata/fs/memory.h"

namespace strata::fs::conformance {
namespace {

const char* ConnectionString() {
  const char* cs = std::getenv("STRATA_TEST_AZURE_CONNECTION_STRING");
  return cs != nullptr && *cs != '\0' ? cs : nullptr;
}

bool RequireServers() {
  const char* v = std::getenv("STRATA_REQUIRE_SERVERS");
  return v != nullptr && std::string(v) == "1";
}

std::string Container() {
  static const std::string name =
      "strata-az-conf-" + std::to_string(::getpid());
  return name;
}

// "/a" or "/a/b", built piecewise (GCC 12 -O3 -Wrestrict false alarm).
std::string Abs(const std::string& a, const std::string& b = "") {
  std::string out(1, '/');
  out.append(a);
  if (!b.empty()) {
    out.push_back('/');
    out.append(b);
  }
  return out;
}

std::string UniqueName() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  char buf[24];
  std::snprintf(buf, sizeof(buf), "t%016llx",
                static_cast<unsigned long long>(rng()));
  return buf;
}

Result<std::shared_ptr<FileSystem>> NewFs() {
  azure::AzureFileSystemOptions o;
  o.client.settings.connection_string = ConnectionString();
  o.client.settings.use_environment = false;
  // Small blocks so multi-block uploads happen in the suite's 1-4 MiB files.
  o.block_size = 1 << 20;
  o.upload_concurrency = 3;
  return azure::NewAzureFileSystem(o);
}

// Deletes the shared container when the binary exits.
class ContainerCleanup : public ::testing::Environment {
 public:
  void TearDown() override {
    if (ConnectionString() == nullptr) return;
    auto rt = Runtime::Create();
    auto fs = NewFs();
    if (!rt.ok() || !fs.ok()) return;
    (*rt)->BlockOn((*fs)->RemoveDir(Abs(Container()), true)).IgnoreError();
  }
};
[[maybe_unused]] ::testing::Environment* const kCleanup =
    ::testing::AddGlobalTestEnvironment(new ContainerCleanup);

void SkipWithoutServer() {
  GTEST_SKIP() << "STRATA_TEST_AZURE_CONNECTION_STRING is not set "
                  "(run scripts/start-azurite.sh)";
}

Result<ConformanceTarget> MakeAzureTarget(Runtime& rt) {
  if (ConnectionString() == nullptr) {
    if (RequireServers()) {
      return FailedPreconditionError(
          "STRATA_REQUIRE_SERVERS=1 but STRATA_TEST_AZURE_CONNECTION_STRING "
          "is not set");
    }
    SkipWithoutServer();  // the body will not run; hand SetUp a stand-in
    ConformanceTarget stub;
    stub.fs = MemoryFileSystem::Create();
    stub.root.assign(1, '/');
    return stub;
  }
  STRATA_ASSIGN_OR_RETURN(std::shared_ptr<FileSystem> fs, NewFs());
  STRATA_RETURN_IF_ERROR(rt.BlockOn(fs->CreateDir(Abs(Container()), true)));
  std::string root = Abs(Container(), UniqueName());
  STRATA_RETURN_IF_ERROR(rt.BlockOn(fs->CreateDir(root, true)));
  ConformanceTarget target;
  target.fs = std::move(fs);
  target.root = root;
  target.cleanup = [root](Runtime& r, FileSystem& f) {
    r.BlockOn(f.RemoveDir(root, true)).IgnoreError();
  };
  return target;
}

ConformanceParam AzureParam(runtime::IoUringMode mode, std::string name) {
  ConformanceParam p;
  p.name = std::move(name);
  p.factory = MakeAzureTarget;
  p.runtime.io_uring = mode;
  p.runtime.reactor_threads = 2;
  return p;
}

INSTANTIATE_TEST_SUITE_P(
    Azure, FileSystemConformanceTest,
    ::testing::Values(AzureParam(runtime::IoUringMode::kOn, "azure_io_uring"),
                      AzureParam(runtime::IoUringMode::kOff, "azure_poll")),
    ConformanceParamName());

}  // namespace
}  // namespace strata::fs::conformance
