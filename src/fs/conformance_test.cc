// The FileSystem conformance tests (see fs/testing/conformance.h for how a
// backend instantiates them) and the built-in instantiations: the local
// backend under both runtimes and the memory backend.
#include "fs/conformance_test_util.h"

namespace strata::fs::conformance {
namespace {

// ---- built-in instantiations -----------------------------------------------

#ifndef STRATA_CONFORMANCE_NO_BUILTIN_INSTANCES

// A fresh directory under $TMPDIR (or /tmp), removed after the test.
Result<ConformanceTarget> MakeLocalTarget(Runtime&) {
  std::error_code ec;
  std::filesystem::path base = std::filesystem::temp_directory_path(ec);
  if (ec) return InternalError("temp_directory_path: " + ec.message());
  std::string dir = (base / "strata-conformance-XXXXXX").string();
  if (mkdtemp(dir.data()) == nullptr) {
    return ErrnoToStatus(errno, "mkdtemp " + dir);
  }
  std::string root = std::filesystem::weakly_canonical(dir, ec).string();
  if (ec) root = dir;
  ConformanceTarget target;
  target.fs = NewLocalFileSystem();
  target.root = root;
  target.cleanup = [root](Runtime&, FileSystem&) {
    std::error_code ignored;
    std::filesystem::remove_all(root, ignored);
  };
  return target;
}

ConformanceParam LocalParam(runtime::IoUringMode mode, std::string name) {
  ConformanceParam p;
  p.name = std::move(name);
  p.factory = MakeLocalTarget;
  p.runtime.io_uring = mode;
  p.runtime.reactor_threads = 2;
  return p;
}

INSTANTIATE_TEST_SUITE_P(
    Local, FileSystemConformanceTest,
    ::testing::Values(LocalParam(runtime::IoUringMode::kOn, "io_uring"),
                      LocalParam(runtime::IoUringMode::kOff, "poll")),
    ConformanceParamName());

Result<ConformanceTarget> MakeMemoryTarget(Runtime& rt) {
  ConformanceTarget target;
  target.fs = MemoryFileSystem::Create();
  target.root = "/conformance";
  STRATA_RETURN_IF_ERROR(rt.BlockOn(target.fs->CreateDir(target.root, true)));
  return target;
}

ConformanceParam MemoryParam() {
  ConformanceParam p;
  p.name = "poll";
  p.factory = MakeMemoryTarget;
  p.runtime.io_uring = runtime::IoUringMode::kOff;
  p.runtime.reactor_threads = 2;
  // Memory files are contiguous buffers: a hole would be allocated.
  p.overrides.sparse_files = false;
  return p;
}

INSTANTIATE_TEST_SUITE_P(Memory, FileSystemConformanceTest,
                         ::testing::Values(MemoryParam()),
                         ConformanceParamName());

#endif  // STRATA_CONFORMANCE_NO_BUILTIN_INSTANCES

}  // namespace
}  // namespace strata::fs::conformance
