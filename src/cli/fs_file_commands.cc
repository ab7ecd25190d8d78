// `strata fs ls|stat|cat|sync`: reading the namespace.
//
// ls prints one entry per line: the name (relative to the listed directory
// with -R), directories with a trailing '/'. With -l the columns are size,
// mtime (ISO-8601 UTC), type (file, directory, mount) and name, as
// `strata ls -l`. Listing a file prints that file.
// stat prints "key: value" lines: path, type, size, mtime, etag, mount point
// (the mount serving the path).
// sync prints "synced PATH: N added, N removed, N updated".

#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <string>

#include "cli/fs_commands.h"
#include "cli/location.h"

namespace strata::cli {
namespace {

struct LsOptions {
  std::string path;
  bool long_format = false;
  bool recursive = false;
};

std::string_view TypeName(const strata::v1::FileInfo& info) {
  if (info.is_mount_point()) return "mount";
  return info.is_dir() ? "directory" : "file";
}

void PrintEntry(const strata::v1::FileInfo& info, std::string name,
                bool long_format) {
  if (info.is_dir()) name += '/';
  if (!long_format) {
    fmt::print("{}\n", name);
    return;
  }
  fmt::print("{:>12}  {}  {:<9}  {}\n", info.size(), FormatMtime(info),
             TypeName(info), name);
}

Result<strata::v1::FileInfo> StatPath(FsClient& client,
                                      const std::string& path) {
  strata::v1::StatRequest request;
  request.set_path(path);
  strata::v1::StatResponse response;
  auto context = FsClient::UnaryContext();
  STRATA_RETURN_IF_ERROR(client.Check(
      client.files().Stat(context.get(), request, &response), path));
  return response.info();
}

// Prints every entry below directory `dir` (normalised), page by page.
Status ListDirectory(FsClient& client, const std::string& dir,
                     const LsOptions& options) {
  strata::v1::ListRequest request;
  request.set_path(dir);
  request.set_recursive(options.recursive);
  auto context = FsClient::StreamContext();
  auto reader = client.files().List(context.get(), request);
  strata::v1::ListResponse page;
  while (reader->Read(&page)) {
    for (const strata::v1::FileInfo& info : page.entries()) {
      PrintEntry(info, RelativePath(dir, info.path()), options.long_format);
    }
  }
  return client.Check(reader->Finish(), options.path);
}

Status RunLs(FsClient& client, const LsOptions& options) {
  STRATA_ASSIGN_OR_RETURN(strata::v1::FileInfo info,
                          StatPath(client, options.path));
  if (!info.is_dir()) {
    std::string_view path = info.path();
    PrintEntry(info, std::string(path.substr(path.rfind('/') + 1)),
               options.long_format);
    return Status::OK();
  }
  return ListDirectory(client, info.path(), options);
}

// The mount serving `path`: the longest mount point that is `path` or one
// of its ancestors.
Result<std::string> MountPointOf(FsClient& client, const std::string& path) {
  strata::v1::ListMountsRequest request;
  strata::v1::ListMountsResponse response;
  auto context = FsClient::UnaryContext();
  STRATA_RETURN_IF_ERROR(client.Check(
      client.mounts().ListMounts(context.get(), request, &response),
      "list mounts"));
  std::string best = "/";
  for (const strata::v1::MountInfo& mount : response.mounts()) {
    const std::string& p = mount.path();
    bool covers = p == "/" || path == p || path.starts_with(p + "/");
    if (covers && p.size() > best.size()) best = p;
  }
  return best;
}

Status RunStat(FsClient& client, const std::string& path) {
  STRATA_ASSIGN_OR_RETURN(strata::v1::FileInfo info, StatPath(client, path));
  STRATA_ASSIGN_OR_RETURN(std::string mount, MountPointOf(client, info.path()));
  fmt::print("path: {}\n", info.path());
  fmt::print("type: {}\n", info.is_dir() ? "directory" : "file");
  fmt::print("size: {}\n", info.size());
  fmt::print("mtime: {}\n", FormatMtime(info));
  fmt::print("etag: {}\n", info.etag());
  fmt::print("mount point: {}\n", mount);
  return Status::OK();
}

Status RunCat(FsClient& client, const std::string& path) {
  strata::v1::ReadRequest request;
  request.set_path(path);
  auto context = FsClient::StreamContext();
  auto reader = client.files().Read(context.get(), request);
  strata::v1::ReadResponse chunk;
  while (reader->Read(&chunk)) {
    const std::string& data = chunk.data();
    if (!data.empty() &&
        std::fwrite(data.data(), 1, data.size(), stdout) != data.size()) {
      context->TryCancel();
      (void)reader->Finish();
      return ErrnoToStatus(errno, "write to standard output");
    }
  }
  return client.Check(reader->Finish(), path);
}

Status RunSync(FsClient& client, const std::string& path) {
  strata::v1::SyncRequest request;
  request.set_path(path);
  strata::v1::SyncResponse response;
  // A sync walks the backend: no unary deadline.
  auto context = FsClient::StreamContext();
  STRATA_RETURN_IF_ERROR(client.Check(
      client.files().Sync(context.get(), request, &response), path));
  fmt::print("synced {}: {} added, {} removed, {} updated\n", path,
             response.added(), response.removed(), response.updated());
  return Status::OK();
}

// Registers a subcommand taking one PATH and running `fn(client, path)`.
void AddPathCommand(CLI::App& fs, const FsGlobals& globals,
                    Invocation* invocation, const std::string& name,
                    const std::string& help,
                    Status (*fn)(FsClient&, const std::string&)) {
  auto path = std::make_shared<std::string>();
  CLI::App* cmd = fs.add_subcommand(name, help);
  cmd->add_option("PATH", *path, "Virtual path")->required();
  cmd->callback([path, globals, invocation, fn] {
    SetFsRun(invocation, globals,
             [path, fn](FsClient& c) { return fn(c, *path); });
  });
}

}  // namespace

void AddFsFileCommands(CLI::App& fs, const FsGlobals& globals,
                       Invocation* invocation) {
  auto ls = std::make_shared<LsOptions>();
  CLI::App* ls_cmd = fs.add_subcommand("ls", "List a directory");
  ls_cmd->add_flag("-l,--long", ls->long_format,
                   "Size, mtime and type columns");
  ls_cmd->add_flag("-R,--recursive", ls->recursive, "List the whole tree");
  ls_cmd->add_option("PATH", ls->path, "Virtual path")->required();
  ls_cmd->callback([ls, globals, invocation] {
    SetFsRun(invocation, globals, [ls](FsClient& c) { return RunLs(c, *ls); });
  });
  AddPathCommand(fs, globals, invocation, "stat", "Describe a path", &RunStat);
  AddPathCommand(fs, globals, invocation, "cat",
                 "Write a file to standard output", &RunCat);
  AddPathCommand(fs, globals, invocation, "sync",
                 "Refresh cached metadata from the backend", &RunSync);
  AddFsEditCommands(fs, globals, invocation);
}

}  // namespace strata::cli
