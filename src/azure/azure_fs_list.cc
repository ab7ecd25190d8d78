// AzureFileSystem listings: List (pages in path order), directory probes and
// the listing behind RemoveDir. List Blobs orders "b/" after "b-x" while
// paths order "b" first, so entries pass through a ListOrderBuffer that
// holds back only what a later name could still precede, and pages are
// yielded as entries leave it. When many entries wait on one prefix the
// stream has not reached ("part-0" ... waiting for "part/"), one List Blobs
// with max_results 1 per page probes it.
#include <algorithm>
#include <optional>
#include <string_view>
#include <utility>

#include "azure/azure_fs_impl.h"
#include "azure/azure_list_order.h"
#include "fs/list_pages.h"
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

// Entries held before the prefix blocking them is probed.
constexpr size_t kProbeAt = 1000;

// One listing in progress: the List Blobs request (its marker carries the
// continuation) and the buffer its pages feed.
struct ListRun {
  ListRun(Client* c, std::string cont, std::string dp, const std::string& p,
          const fs::ListOptions& options)
      : client(c),
        container(std::move(cont)),
        dir_prefix(std::move(dp)),
        path(p),
        buffer(p, options.prefix, options.recursive) {
    request.prefix = dir_prefix;
    request.prefix.append(options.prefix);
    if (!options.recursive) request.delimiter.assign(1, '/');
  }

  Client* client;
  std::string container;
  std::string dir_prefix;  // "a/b/" for /container/a/b
  std::string path;        // the listed FS path
  ListOptions request;
  ListOrderBuffer buffer;
};

// Released entries after start_after, cut into pages.
class Pager final {
 public:
  Pager(const std::string& path, const fs::ListOptions& options)
      : pages_(options.page_size) {
    if (!options.start_after.empty()) {
      after_ = fs::JoinPath(path, options.start_after);
    }
  }

  void Take(ListOrderBuffer* buffer) {
    scratch_.clear();
    buffer->Release(&scratch_);
    for (fs::FileInfo& info : scratch_) {
      if (after_ && info.path <= *after_) continue;
      pages_.Add(std::move(info));
    }
  }
  std::optional<fs::ListPage> Full() { return pages_.Full(); }
  std::optional<fs::ListPage> Rest() { return pages_.Rest(); }

 private:
  std::optional<std::string> after_;
  fs::ListPageCutter pages_;
  std::vector<fs::FileInfo> scratch_;
};

// Adds one List Blobs page to the run's buffer.
Status Feed(ListRun* run, const ListResult& page) {
  const size_t base = run->dir_prefix.size();
  for (const BlobProperties& b : page.blobs) {
    STRATA_RETURN_IF_ERROR(CheckListed(b.name, run->request.prefix, run->path));
    run->buffer.AddBlob(std::string_view(b.name).substr(base), b);
  }
  for (const std::string& p : page.prefixes) {
    STRATA_RETURN_IF_ERROR(CheckListed(p, run->request.prefix, run->path));
    run->buffer.AddPrefix(std::string_view(p).substr(base));
  }
  if (!run->buffer.EndPage()) {
    return DataLossError("list " + run->path +
                         ": malformed listing from the server: names of a "
                         "page do not follow the previous page's (prefix '" +
                         run->request.prefix + "')");
  }
  return Status::OK();
}

// Requests the next List Blobs page and feeds it; `*more` says whether
// another page follows.
Task<Status> NextPage(ListRun* run, bool* more) {
  Result<ListResult> page =
      co_await run->client->List(run->container, run->request);
  if (!page.ok()) co_return page.status().WithContext("list " + run->path);
  STRATA_CO_RETURN_IF_ERROR(Feed(run, *page));
  run->request.marker = page->next_marker;
  *more = !run->request.marker.empty();
  if (!*more) run->buffer.Finish();
  co_return Status::OK();
}

// When many entries wait on a prefix the stream has not reached, asks the
// server (one name) what is below it.
Task<Status> MaybeProbe(ListRun* run) {
  if (run->buffer.size() < kProbeAt) co_return Status::OK();
  std::optional<std::string> blocker = run->buffer.Blocker();
  if (!blocker) co_return Status::OK();
  ListOptions probe;
  probe.prefix = run->dir_prefix;
  probe.prefix.append(*blocker);
  probe.max_results = 1;
  Result<ListResult> r = co_await run->client->List(run->container, probe);
  if (!r.ok()) co_return r.status().WithContext("list " + run->path);
  bool exact = !r->blobs.empty() && r->blobs.front().name == probe.prefix;
  run->buffer.Resolve(*blocker, exact,
                      !r->blobs.empty() || !r->prefixes.empty());
  co_return Status::OK();
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

fs::ListStream AzureFileSystem::List(std::string path,
                                     fs::ListOptions options) {
  return ListPages(this, std::move(path), std::move(options));
}

// Pages are yielded as entries leave the buffer; a failure ends the stream
// as its last item (the only one when it comes before the first page).
fs::ListStream AzureFileSystem::ListPages(AzureFileSystem* self,
                                          std::string path,
                                          fs::ListOptions options) {
  BlobPath w = SplitPath(path);
  if (w.container.empty()) {
    co_yield Result<fs::ListPage>(InvalidArgumentError(
        "list " + path + ": listing containers is not supported"));
    co_return;
  }
  ListRun run(&self->client(), w.container, DirPrefix(w.blob), path, options);
  Pager pager(path, options);
  for (bool more = true; more;) {
    Status st = co_await NextPage(&run, &more);
    if (st.ok() && more) st = co_await MaybeProbe(&run);
    if (!st.ok()) {
      co_yield Result<fs::ListPage>(st);
      co_return;
    }
    pager.Take(&run.buffer);
    while (std::optional<fs::ListPage> full = pager.Full()) {
      co_yield Result<fs::ListPage>(std::move(*full));
    }
  }
  if (!run.buffer.saw_any()) {
    Status st = co_await self->CheckListTarget(path);
    if (!st.ok()) {
      co_yield Result<fs::ListPage>(st);
      co_return;
    }
  }
  if (std::optional<fs::ListPage> rest = pager.Rest()) {
    co_yield Result<fs::ListPage>(std::move(*rest));
  }
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
