// S3FileSystem::List: ListObjectsV2 pages (delimiter "/" unless recursive)
// mapped to FileInfo. Directories come from common prefixes, "dir/" markers
// and (recursive) the parents of keys. S3 orders "b/" after "b-x" while
// paths order "b" first, so entries pass through a PathOrderBuffer that
// holds back only what a later key could still precede, and pages are
// yielded as entries leave it (memory stays bounded for typical names).
// When many entries wait on one directory that the stream has not reached
// ("part-0000" ... waiting for "part/"), one ListObjectsV2 with max-keys 1
// per page probes whether that directory exists.
#include <algorithm>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fs/list_pages.h"
#include "s3/path_order.h"
#include "s3/s3_fs_internal.h"

namespace strata::s3 {
namespace {

// Entries held before the directory blocking them is probed.
constexpr size_t kProbeAt = 1000;

bool Wanted(const std::string& rel, const fs::ListOptions& options) {
  return !rel.empty() &&
         rel.compare(0, options.prefix.size(), options.prefix) == 0 &&
         rel > options.start_after;
}

// Released entries that pass the options' filters, cut into pages.
class Pager final {
 public:
  Pager(std::string path, const fs::ListOptions& options)
      : path_(std::move(path)), options_(options), pages_(options.page_size) {}

  void Take(PathOrderBuffer* buffer) {
    scratch_.clear();
    buffer->Release(&scratch_);
    for (fs::FileInfo& info : scratch_) {
      if (!Wanted(info.path, options_)) continue;
      info.path = path_ == "/" ? "/" + info.path : path_ + "/" + info.path;
      pages_.Add(std::move(info));
    }
  }
  std::optional<fs::ListPage> Full() { return pages_.Full(); }
  std::optional<fs::ListPage> Rest() { return pages_.Rest(); }

 private:
  std::string path_;
  const fs::ListOptions& options_;
  fs::ListPageCutter pages_;
  std::vector<fs::FileInfo> scratch_;
};

std::string Concat(std::string_view a, std::string_view b) {
  std::string out(a.size() + b.size(), '\0');
  if (!a.empty()) std::memcpy(out.data(), a.data(), a.size());
  if (!b.empty()) std::memcpy(out.data() + a.size(), b.data(), b.size());
  return out;
}

// Concatenation kept out of the coroutines (a GCC 12 -Wrestrict false
// positive otherwise).
[[gnu::noinline]] ListOptions S3ListOptions(const std::string& base,
                                            const fs::ListOptions& options) {
  ListOptions o;
  o.prefix = Concat(base, options.prefix);
  if (!options.recursive) o.delimiter.push_back('/');
  if (!options.start_after.empty()) {
    o.start_after = Concat(base, options.start_after);
  }
  return o;
}

// The first key below directory `rel` (relative to `base`), if any.
[[gnu::noinline]] ListOptions ProbeOptions(const std::string& base,
                                           const std::string& rel) {
  ListOptions o;
  o.prefix = Concat(Concat(base, rel), "/");
  o.max_keys = 1;
  return o;
}

// A listing entry outside the prefix asked for (untrusted server input).
Status Malformed(const ContextRef& ctx, const ObjectPath& dir,
                 const std::string& prefix) {
  return DataLossError(ctx->paths.Describe(dir) +
                       ": malformed listing from the server (an entry "
                       "outside prefix \"" +
                       prefix + "\" of bucket " + dir.bucket + ")");
}

// Adds one ListObjectsV2 page to `buffer`.
Status Feed(const ContextRef& ctx, const ObjectPath& dir,
            const std::string& prefix, const ListResult& page, bool recursive,
            PathOrderBuffer* buffer) {
  const std::string base = dir.DirPrefix();
  for (const ObjectInfo& obj : page.objects) {
    if (!obj.key.starts_with(base)) return Malformed(ctx, dir, prefix);
    buffer->AddObject(std::string_view(obj.key).substr(base.size()), obj,
                      recursive);
  }
  for (const std::string& p : page.common_prefixes) {
    if (!p.starts_with(base)) return Malformed(ctx, dir, prefix);
    buffer->AddPrefix(std::string_view(p).substr(base.size()));
  }
  if (!buffer->EndPage()) {
    return DataLossError(ctx->paths.Describe(dir) +
                         ": malformed listing from the server (keys of a "
                         "page do not follow the previous page's, prefix \"" +
                         prefix + "\" of bucket " + dir.bucket + ")");
  }
  return Status::OK();
}

// Requests the next ListObjectsV2 page (`*o` carries the continuation) and
// feeds it to `buffer`; `*more` says whether another page follows.
Task<Status> NextPage(ContextRef ctx, ObjectPath dir, bool recursive,
                      ListOptions* o, PathOrderBuffer* buffer, bool* more) {
  Result<ListResult> page = co_await ctx->client->List(dir.bucket, *o);
  if (!page.ok()) co_return NameObject(page.status(), ctx->paths.Describe(dir));
  STRATA_CO_RETURN_IF_ERROR(
      Feed(ctx, dir, o->prefix, *page, recursive, buffer));
  *more = page->truncated && !page->next_continuation_token.empty();
  if (*more) {
    o->continuation_token = page->next_continuation_token;
  } else {
    buffer->Finish();
  }
  co_return Status::OK();
}

// When many entries wait on a directory the stream has not reached, asks
// the server whether it exists.
Task<Status> MaybeProbe(ContextRef ctx, ObjectPath dir,
                        PathOrderBuffer* buffer) {
  if (buffer->size() < kProbeAt) co_return Status::OK();
  std::optional<std::string> blocker = buffer->Blocker();
  if (!blocker) co_return Status::OK();
  ListOptions o = ProbeOptions(dir.DirPrefix(), *blocker);
  Result<ListResult> page = co_await ctx->client->List(dir.bucket, o);
  if (!page.ok()) co_return NameObject(page.status(), ctx->paths.Describe(dir));
  bool exists = !page->common_prefixes.empty();
  for (const ObjectInfo& obj : page->objects) {
    exists = exists || obj.key.starts_with(o.prefix);
  }
  buffer->Resolve(*blocker, exists);
  co_return Status::OK();
}

// An empty listing: an existing empty directory, a file, or nothing.
Task<Status> CheckEmptyDir(ContextRef ctx, ObjectPath dir) {
  const std::string desc = ctx->paths.Describe(dir);
  if (!dir.key.empty()) {
    GetOptions o;
    Result<ObjectInfo> head =
        co_await ctx->client->Head(dir.bucket, dir.key, o);
    if (head.ok()) co_return InvalidArgumentError(desc + ": not a directory");
  }
  STRATA_CO_ASSIGN_OR_RETURN(bool exists, co_await DirExists(ctx, dir));
  if (!exists) co_return NotFoundError(desc + ": no such directory");
  co_return Status::OK();
}

// Pages are yielded as they fill; a failure ends the stream as its last
// item (the only one when it comes before the first page).
fs::ListStream ListImpl(ContextRef ctx, ObjectPath dir, std::string path,
                        fs::ListOptions options) {
  ListOptions o = S3ListOptions(dir.DirPrefix(), options);
  PathOrderBuffer buffer(options.prefix.size());
  Pager pager(path, options);
  for (bool more = true; more;) {
    Status st =
        co_await NextPage(ctx, dir, options.recursive, &o, &buffer, &more);
    if (st.ok() && more) st = co_await MaybeProbe(ctx, dir, &buffer);
    if (!st.ok()) {
      co_yield Result<fs::ListPage>(st);
      co_return;
    }
    pager.Take(&buffer);
    while (std::optional<fs::ListPage> full = pager.Full()) {
      co_yield Result<fs::ListPage>(std::move(*full));
    }
  }
  if (!buffer.saw_any()) {
    Status st = co_await CheckEmptyDir(ctx, dir);
    if (!st.ok()) {
      co_yield Result<fs::ListPage>(st);
      co_return;
    }
  }
  if (std::optional<fs::ListPage> rest = pager.Rest()) {
    co_yield Result<fs::ListPage>(std::move(*rest));
  }
}

fs::ListStream ListError(Status st) { co_yield Result<fs::ListPage>(st); }

}  // namespace

fs::ListStream ListS3(ContextRef ctx, std::string path,
                      fs::ListOptions options) {
  Result<ObjectPath> dir = ctx->paths.Parse(path);
  if (!dir.ok()) return ListError(dir.status());
  if (dir->bucket.empty()) {
    return ListError(InvalidArgumentError(
        path + ": listing buckets is not supported; name a bucket"));
  }
  std::string norm = ctx->paths.PathOf(dir->bucket, dir->key);
  return ListImpl(std::move(ctx), std::move(*dir), std::move(norm),
                  std::move(options));
}

}  // namespace strata::s3
