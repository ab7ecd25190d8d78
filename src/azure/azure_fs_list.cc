// AzureFileSystem listings: List (pages in path order), directory probes and
// the listing behind RemoveDir.
#include <algorithm>

#include "azure/azure_fs_impl.h"
#include "strata/core/when_all.h"
#include "strata/fs/registry.h"

namespace strata::azure {
namespace {

constexpr size_t kDeleteParallelism = 16;

// "a/b" → "a/b/"; "" → "" (built piecewise: GCC -O3 -Wrestrict false alarm).
std::string DirPrefix(const std::string& blob) {
  std::string p = blob;
  if (!p.empty()) p.push_back('/');
  return p;
}

bool PathLess(const fs::FileInfo& a, const fs::FileInfo& b) {
  if (a.path != b.path) return a.path < b.path;
  return a.is_dir < b.is_dir;
}

// One entry of a listing below `dir` (FS path) from a blob name relative to
// the listed prefix; directories lose their trailing '/'.
fs::FileInfo Entry(const std::string& dir, std::string rel,
                   const BlobProperties* blob) {
  fs::FileInfo info;
  if (!rel.empty() && rel.back() == '/') {
    rel.pop_back();
    info.is_dir = true;
  } else if (blob != nullptr) {
    info.size = blob->size;
    info.mtime = blob->last_modified;
    info.etag = blob->etag;
  }
  info.path = fs::JoinPath(dir, rel);
  return info;
}

}  // namespace

Status CheckListed(std::string_view name, std::string_view prefix,
                   std::string_view what) {
  if (name.starts_with(prefix)) return Status::OK();
  return DataLossError("list " + std::string(what) +
                       ": malformed listing from the server: name '" +
                       std::string(name) + "' is outside prefix '" +
                       std::string(prefix) + "'");
}

Task<Result<bool>> AzureFileSystem::DirExists(std::string container,
                                              std::string blob) {
  ListOptions probe;
  probe.prefix = DirPrefix(blob);
  probe.max_results = 1;
  STRATA_CO_ASSIGN_OR_RETURN(ListResult r,
                             co_await client_->List(container, probe));
  co_return !r.blobs.empty() || !r.prefixes.empty();
}

// Why a listing came back empty: fine for an existing directory, else
// kInvalidArgument for a blob and kNotFound for nothing.
Task<Status> AzureFileSystem::CheckListTarget(std::string path) {
  BlobPath w = SplitPath(path);
  if (w.blob.empty()) co_return Status::OK();  // the container answered
  STRATA_CO_ASSIGN_OR_RETURN(bool dir, co_await DirExists(w.container, w.blob));
  if (dir) co_return Status::OK();
  Result<BlobProperties> file =
      co_await client_->GetProperties(w.container, w.blob);
  if (file.ok())
    co_return InvalidArgumentError("list " + path + ": not a directory");
  if (file.status().code() == StatusCode::kNotFound) {
    co_return NotFoundError("list " + path + ": no such directory");
  }
  co_return file.status().WithContext("list " + path);
}

Task<Result<std::vector<fs::FileInfo>>> AzureFileSystem::ListAll(
    std::string path, fs::ListOptions options) {
  BlobPath w = SplitPath(path);
  if (w.container.empty()) {
    co_return InvalidArgumentError("list " + path +
                                   ": listing containers is not supported");
  }
  std::string dir_prefix = DirPrefix(w.blob);
  ListOptions lo;
  lo.prefix = dir_prefix;
  lo.prefix.append(options.prefix);
  if (!options.recursive) lo.delimiter.assign(1, '/');
  std::vector<fs::FileInfo> out;
  bool seen = false;
  do {
    Result<ListResult> page = co_await client_->List(w.container, lo);
    if (!page.ok()) co_return page.status().WithContext("list " + path);
    for (const BlobProperties& b : page->blobs) {
      STRATA_CO_RETURN_IF_ERROR(CheckListed(b.name, lo.prefix, path));
      if (b.name.size() == dir_prefix.size()) continue;  // the dir's marker
      seen = true;
      out.push_back(Entry(path, b.name.substr(dir_prefix.size()), &b));
    }
    for (const std::string& p : page->prefixes) {
      STRATA_CO_RETURN_IF_ERROR(CheckListed(p, lo.prefix, path));
      if (p.size() == dir_prefix.size()) continue;
      seen = true;
      out.push_back(Entry(path, p.substr(dir_prefix.size()), nullptr));
    }
    lo.marker = page->next_marker;
  } while (!lo.marker.empty());
  if (!seen) STRATA_CO_RETURN_IF_ERROR(co_await CheckListTarget(path));
  std::sort(out.begin(), out.end(), PathLess);
  if (!options.start_after.empty()) {
    std::string after = fs::JoinPath(path, options.start_after);
    std::erase_if(out,
                  [&after](const fs::FileInfo& e) { return e.path <= after; });
  }
  co_return out;
}

fs::ListStream AzureFileSystem::List(std::string path,
                                     fs::ListOptions options) {
  return ListPages(this, std::move(path), std::move(options));
}

fs::ListStream AzureFileSystem::ListPages(AzureFileSystem* self,
                                          std::string path,
                                          fs::ListOptions options) {
  size_t page_size = std::max<size_t>(options.page_size, 1);
  Result<std::vector<fs::FileInfo>> all = co_await self->ListAll(path, options);
  if (!all.ok()) {
    co_yield Result<fs::ListPage>(all.status());
    co_return;
  }
  fs::ListPage page;
  for (fs::FileInfo& e : *all) {
    page.push_back(std::move(e));
    if (page.size() == page_size) {
      co_yield Result<fs::ListPage>(std::move(page));
      page = fs::ListPage();
    }
  }
  if (!page.empty()) co_yield Result<fs::ListPage>(std::move(page));
}

// Every blob below `path` (markers included) for RemoveDir; kNotFound when
// nothing is there, kInvalidArgument for a blob, kFailedPrecondition for a
// non-empty directory without `recursive`.
Task<Status> AzureFileSystem::ListForRemove(std::string path, bool recursive,
                                            std::vector<std::string>* blobs) {
  BlobPath w = SplitPath(path);
  std::string dir_prefix = DirPrefix(w.blob);
  ListOptions lo;
  lo.prefix = dir_prefix;
  do {
    Result<ListResult> page = co_await client_->List(w.container, lo);
    if (!page.ok()) co_return page.status().WithContext("rmdir " + path);
    for (BlobProperties& b : page->blobs) {
      STRATA_CO_RETURN_IF_ERROR(CheckListed(b.name, lo.prefix, path));
      blobs->push_back(std::move(b.name));
    }
    lo.marker = page->next_marker;
  } while (!lo.marker.empty());
  if (blobs->empty() && !w.blob.empty()) {
    Result<BlobProperties> file =
        co_await client_->GetProperties(w.container, w.blob);
    if (file.ok())
      co_return InvalidArgumentError("rmdir " + path + ": is a file");
    co_return NotFoundError("rmdir " + path + ": no such directory");
  }
  bool only_marker =
      blobs->empty() || (blobs->size() == 1 && (*blobs)[0] == dir_prefix);
  if (!recursive && !only_marker) {
    co_return FailedPreconditionError("rmdir " + path +
                                      ": directory not empty");
  }
  co_return Status::OK();
}

Task<Status> AzureFileSystem::DeleteAll(std::string container,
                                        std::vector<std::string> blobs) {
  // Deepest names first, so the directory's marker goes last.
  std::sort(blobs.begin(), blobs.end(), std::greater<>());
  for (size_t i = 0; i < blobs.size(); i += kDeleteParallelism) {
    std::vector<Task<Status>> batch;
    for (size_t j = i; j < std::min(blobs.size(), i + kDeleteParallelism);
         ++j) {
      batch.push_back(client_->Delete(container, blobs[j]));
    }
    for (const Status& st : co_await WhenAll(std::move(batch))) {
      if (!st.ok() && st.code() != StatusCode::kNotFound) co_return st;
    }
  }
  co_return Status::OK();
}

}  // namespace strata::azure
