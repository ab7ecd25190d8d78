// The FileSystem conformance suite on the Namespace, under both runtimes:
//   - VfsMem: the root mount is a fresh mem:// store; the test root is a
//     directory below "/";
//   - VfsNested: a mem:// root plus a file:// mount of a temp dir at
//     "/mnt/<unique>"; the test root lies inside that mount, so every
//     operation crosses the mount table.
#include <stdlib.h>

#include <filesystem>

#include "fs/testing/conformance.h"
#include "strata/vfs/meta_store.h"
#include "strata/vfs/namespace.h"
#include "vfs/namespace_test_util.h"

namespace strata::fs::conformance {
namespace {

using vfs::testing::UniqueName;

Result<std::shared_ptr<vfs::Namespace>> NewNamespace(Runtime& rt) {
  vfs::NamespaceOptions options;
  options.root_uri = vfs::testing::MemUri("conf");
  auto ns =
      rt.BlockOn(vfs::Namespace::Create(vfs::NewMemoryMetaStore(), options));
  if (!ns.ok()) return ns.status();
  return std::shared_ptr<vfs::Namespace>(std::move(ns).value());
}

Result<ConformanceTarget> MakeMemTarget(Runtime& rt) {
  STRATA_ASSIGN_OR_RETURN(auto ns, NewNamespace(rt));
  ConformanceTarget target;
  target.root = std::string("/").append(UniqueName("root"));
  STRATA_RETURN_IF_ERROR(rt.BlockOn(ns->CreateDir(target.root, false)));
  target.fs = std::move(ns);
  return target;
}

Result<ConformanceTarget> MakeNestedTarget(Runtime& rt) {
  STRATA_ASSIGN_OR_RETURN(auto ns, NewNamespace(rt));
  std::string dir =
      (std::filesystem::temp_directory_path() / "strata-vfs-conf-XXXXXX")
          .string();
  if (mkdtemp(dir.data()) == nullptr) {
    return ErrnoToStatus(errno, "mkdtemp " + dir);
  }
  const std::string mount = std::string("/mnt/").append(UniqueName("m"));
  auto mounted =
      rt.BlockOn(ns->Mount(mount, "file://" + dir, vfs::MountOptions()));
  if (!mounted.ok()) return mounted.status();
  ConformanceTarget target;
  target.root = mount + "/t";
  STRATA_RETURN_IF_ERROR(rt.BlockOn(ns->CreateDir(target.root, false)));
  target.fs = std::move(ns);
  target.cleanup = [dir](Runtime&, FileSystem&) {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  };
  return target;
}

ConformanceParam VfsParam(
    std::function<Result<ConformanceTarget>(Runtime&)> factory,
    runtime::IoUringMode mode, std::string name, bool memory_backed) {
  ConformanceParam p;
  p.name = std::move(name);
  p.factory = std::move(factory);
  p.runtime.io_uring = mode;
  p.runtime.reactor_threads = 2;
  // Memory files are contiguous buffers: a hole would be allocated.
  if (memory_backed) p.overrides.sparse_files = false;
  return p;
}

INSTANTIATE_TEST_SUITE_P(
    VfsMem, FileSystemConformanceTest,
    ::testing::Values(
        VfsParam(MakeMemTarget, runtime::IoUringMode::kOn, "io_uring", true),
        VfsParam(MakeMemTarget, runtime::IoUringMode::kOff, "poll", true)),
    ConformanceParamName());

INSTANTIATE_TEST_SUITE_P(
    VfsNested, FileSystemConformanceTest,
    ::testing::Values(VfsParam(MakeNestedTarget, runtime::IoUringMode::kOn,
                               "io_uring", false),
                      VfsParam(MakeNestedTarget, runtime::IoUringMode::kOff,
                               "poll", false)),
    ConformanceParamName());

}  // namespace
}  // namespace strata::fs::conformance
