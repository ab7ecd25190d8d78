// CopyTree: a recursive copy through the Namespace.
#include "strata/vfs/copy_tree.h"

#include <utility>

#include "strata/fs/registry.h"
#include "strata/vfs/path.h"

namespace strata::vfs {
namespace {

// Copies the entries below directory `from` (already created at `to`).
Task<Status> CopyChildren(Namespace* ns, std::string from, std::string to,
                          CopyStats* stats) {
  fs::ListOptions options;
  options.recursive = true;
  fs::ListStream stream = ns->List(from, options);
  while (auto page = co_await stream.Next()) {
    if (!page->ok()) co_return page->status();
    for (const fs::FileInfo& e : **page) {
      const std::string rel = RelativeTo(e.path, from);
      const std::string target = fs::JoinPath(to, rel.substr(1));
      if (e.is_dir) {
        STRATA_CO_RETURN_IF_ERROR(co_await ns->CreateDir(target, true));
        ++stats->directories;
      } else {
        STRATA_CO_RETURN_IF_ERROR(co_await ns->Copy(e.path, target));
        ++stats->files;
        stats->bytes += e.size;
      }
    }
  }
  co_return Status::OK();
}

}  // namespace

Task<Result<CopyStats>> CopyTree(Namespace& ns, std::string from,
                                 std::string to) {
  auto vfrom = NormalizeVirtualPath(from);
  if (!vfrom.ok()) co_return vfrom.status();
  auto vto = NormalizeVirtualPath(to);
  if (!vto.ok()) co_return vto.status();
  auto info = co_await ns.Stat(*vfrom);
  if (!info.ok()) co_return info.status();
  CopyStats stats;
  if (!info->is_dir) {
    STRATA_CO_RETURN_IF_ERROR(co_await ns.Copy(*vfrom, *vto));
    stats.files = 1;
    stats.bytes = info->size;
    co_return stats;
  }
  if (IsWithin(*vto, *vfrom)) {
    co_return InvalidArgumentError("cannot copy directory " + *vfrom +
                                   " into itself (" + *vto + ")");
  }
  STRATA_CO_RETURN_IF_ERROR(co_await ns.CreateDir(*vto, true));
  stats.directories = 1;
  STRATA_CO_RETURN_IF_ERROR(co_await CopyChildren(&ns, *vfrom, *vto, &stats));
  co_return stats;
}

}  // namespace strata::vfs
