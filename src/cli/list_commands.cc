// `strata ls` and `strata stat`: describe files and directories.
//
// ls prints one entry per line: the name (relative to the listed URI with
// -r), directories with a trailing '/'. With -l the columns are size, mtime
// (ISO-8601 UTC), type and name. Listing a file prints that file.

#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <string>
#include <utility>

#include "cli/command.h"
#include "cli/location.h"
#include "strata/fs/file_system.h"

namespace strata::cli {
namespace {

struct LsOptions {
  std::string uri;
  bool long_format = false;
  bool recursive = false;
};

struct StatOptions {
  std::string uri;
};

std::string_view TypeName(const fs::FileInfo& info) {
  return info.is_dir ? "directory" : "file";
}

void PrintEntry(const fs::FileInfo& info, std::string name, bool long_format) {
  if (info.is_dir) name += '/';
  if (!long_format) {
    fmt::print("{}\n", name);
    return;
  }
  fmt::print("{:>12}  {}  {:<9}  {}\n", info.size, FormatTime(info.mtime),
             TypeName(info), name);
}

// Prints every entry below directory `dir`, page by page.
Task<Status> ListDirectory(Location dir, LsOptions options) {
  fs::ListOptions list_options;
  list_options.recursive = options.recursive;
  fs::ListStream stream = dir.fs->List(dir.path(), list_options);
  while (auto page = co_await stream.Next()) {
    if (!page->ok()) co_return Annotate(page->status(), dir);
    for (const fs::FileInfo& info : **page) {
      PrintEntry(info, RelativePath(dir.path(), info.path),
                 options.long_format);
    }
  }
  co_return Status::OK();
}

Task<Status> RunLs(LsOptions options) {
  STRATA_CO_ASSIGN_OR_RETURN(Location location, ResolveLocation(options.uri));
  auto info = co_await location.fs->Stat(location.path());
  if (!info.ok()) co_return Annotate(info.status(), location);
  if (!info->is_dir) {
    PrintEntry(*info, std::string(fs::BaseName(location.path())),
               options.long_format);
    co_return Status::OK();
  }
  co_return co_await ListDirectory(std::move(location), std::move(options));
}

Task<Status> RunStat(StatOptions options) {
  STRATA_CO_ASSIGN_OR_RETURN(Location location, ResolveLocation(options.uri));
  auto info = co_await location.fs->Stat(location.path());
  if (!info.ok()) co_return Annotate(info.status(), location);
  fmt::print("path: {}\n", location.Display());
  fmt::print("type: {}\n", TypeName(*info));
  fmt::print("size: {}\n", info->size);
  fmt::print("mtime: {}\n", FormatTime(info->mtime));
  fmt::print("etag: {}\n", info->etag);
  co_return Status::OK();
}

}  // namespace

void AddListCommands(CLI::App& app, Invocation* invocation) {
  auto ls = std::make_shared<LsOptions>();
  CLI::App* ls_cmd = app.add_subcommand(
      "ls", "List a directory, one entry per line (a file lists itself)");
  ls_cmd->add_flag("-l,--long", ls->long_format,
                   "Long format: size, mtime (UTC), type, name");
  ls_cmd->add_flag("-r,--recursive", ls->recursive,
                   "List the whole tree, names relative to URI");
  ls_cmd->add_option("URI", ls->uri, "Path or URI (file://, mem://, ...)")
      ->required();
  ls_cmd->callback([ls, invocation] {
    invocation->run = [ls](runtime::Runtime& rt) {
      return rt.BlockOn(RunLs(*ls));
    };
  });

  auto stat = std::make_shared<StatOptions>();
  CLI::App* stat_cmd = app.add_subcommand(
      "stat", "Print path, type, size, mtime and etag as 'key: value' lines");
  stat_cmd->add_option("URI", stat->uri, "Path or URI")->required();
  stat_cmd->callback([stat, invocation] {
    invocation->run = [stat](runtime::Runtime& rt) {
      return rt.BlockOn(RunStat(*stat));
    };
  });
}

}  // namespace strata::cli
