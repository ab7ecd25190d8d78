// S3FileSystem::List: ListObjectsV2 pages (delimiter "/" unless recursive)
// mapped to FileInfo. Directories come from common prefixes, "dir/" markers
// and (recursive) the parents of keys. S3 orders "b/" after "b-x" while
// paths order "b" first, so a listing is collected, sorted by path and then
// paged (memory grows with the directory's size).
#include <algorithm>
#include <cstring>
#include <map>
#include <string_view>

#include "s3/s3_fs_internal.h"

namespace strata::s3 {
namespace {

struct Collected {
  std::map<std::string, fs::FileInfo> entries;  // by relative path
  bool saw_any = false;  // the directory exists (some key below it)
};

bool Wanted(const std::string& rel, const fs::ListOptions& options) {
  return !rel.empty() &&
         rel.compare(0, options.prefix.size(), options.prefix) == 0 &&
         rel > options.start_after;
}

void AddDir(Collected* c, const std::string& rel) {
  fs::FileInfo& info = c->entries[rel];
  info.is_dir = true;
}

void AddObject(Collected* c, const ObjectInfo& obj, const std::string& rel,
               bool recursive) {
  if (rel.empty()) return;  // the directory's own marker
  if (recursive) {
    for (size_t slash = rel.find('/'); slash != std::string::npos;
         slash = rel.find('/', slash + 1)) {
      if (slash > 0) AddDir(c, rel.substr(0, slash));
    }
  }
  if (rel.back() == '/') {
    AddDir(c, rel.substr(0, rel.size() - 1));
    return;
  }
  fs::FileInfo& info = c->entries[rel];
  if (info.is_dir) return;  // a file and a directory share a name: keep dir
  info.size = obj.size;
  info.mtime = obj.last_modified;
  info.etag = obj.etag;
}

std::string Concat(std::string_view a, std::string_view b) {
  std::string out(a.size() + b.size(), '\0');
  if (!a.empty()) std::memcpy(out.data(), a.data(), a.size());
  if (!b.empty()) std::memcpy(out.data() + a.size(), b.data(), b.size());
  return out;
}

// Concatenation kept out of the coroutine (a GCC 12 -Wrestrict false
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

// A listing entry outside the prefix asked for (untrusted server input).
Status Malformed(const ContextRef& ctx, const ObjectPath& dir,
                 const std::string& prefix) {
  return DataLossError(ctx->paths.Describe(dir) +
                       ": malformed listing from the server (an entry "
                       "outside prefix \"" +
                       prefix + "\" of bucket " + dir.bucket + ")");
}

Task<Status> Collect(ContextRef ctx, ObjectPath dir, fs::ListOptions options,
                     Collected* out) {
  const std::string base = dir.DirPrefix();
  ListOptions o = S3ListOptions(base, options);
  for (;;) {
    Result<ListResult> page = co_await ctx->client->List(dir.bucket, o);
    if (!page.ok())
      co_return NameObject(page.status(), ctx->paths.Describe(dir));
    for (const ObjectInfo& obj : page->objects) {
      if (!obj.key.starts_with(base)) co_return Malformed(ctx, dir, o.prefix);
      out->saw_any = true;
      AddObject(out, obj, obj.key.substr(base.size()), options.recursive);
    }
    for (const std::string& p : page->common_prefixes) {
      if (!p.starts_with(base)) co_return Malformed(ctx, dir, o.prefix);
      out->saw_any = true;
      std::string rel = p.substr(base.size());
      while (!rel.empty() && rel.back() == '/') rel.pop_back();
      if (!rel.empty()) AddDir(out, rel);
    }
    if (!page->truncated || page->next_continuation_token.empty()) break;
    o.continuation_token = page->next_continuation_token;
  }
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

fs::ListStream ListImpl(ContextRef ctx, ObjectPath dir, std::string path,
                        fs::ListOptions options) {
  Collected c;
  Status st = co_await Collect(ctx, dir, options, &c);
  if (st.ok() && !c.saw_any) st = co_await CheckEmptyDir(ctx, dir);
  if (!st.ok()) {
    co_yield Result<fs::ListPage>(st);
    co_return;
  }
  const size_t page_size = std::max<size_t>(1, options.page_size);
  fs::ListPage page;
  for (auto& [rel, info] : c.entries) {
    if (!Wanted(rel, options)) continue;
    info.path = path == "/" ? "/" + rel : path + "/" + rel;
    page.push_back(std::move(info));
    if (page.size() == page_size) {
      co_yield Result<fs::ListPage>(std::move(page));
      page = {};
    }
  }
  if (!page.empty()) co_yield Result<fs::ListPage>(std::move(page));
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
