// `strata cp [-r] [--jobs N] [--quiet] [--no-clobber | --append] SRC DST`: copy
// a file or a tree from any scheme to any scheme (cp semantics: an existing
// directory DST, or a DST written with a trailing '/', receives SRC under its
// own name).

#include <unistd.h>

#include <memory>
#include <string>
#include <utility>

#include "cli/command.h"
#include "cli/copy.h"
#include "cli/location.h"
#include "cli/object_store_flags.h"
#include "cli/progress.h"
#include "strata/fs/file_system.h"

namespace strata::cli {
namespace {

struct CpOptions {
  std::string source;
  std::string destination;
  bool recursive = false;
  size_t jobs = 8;
  bool quiet = false;
  bool no_clobber = false;
  bool append = false;

  CopyMode mode() const {
    if (no_clobber) return CopyMode::kNoClobber;
    return append ? CopyMode::kAppend : CopyMode::kReplace;
  }
};

// Where SRC lands given DST: DST itself, or DST/<name of SRC> when DST is a
// directory (or, for a file, when written as "dir/").
Task<Result<Location>> ResolveTarget(const Location& from, const Location& to,
                                     bool from_is_dir) {
  auto info = co_await to.fs->Stat(to.path());
  bool exists = info.ok();
  if (!exists && info.status().code() != StatusCode::kNotFound) {
    co_return Annotate(info.status(), to);
  }
  if (exists && !info->is_dir && from_is_dir) {
    co_return InvalidArgumentError("cannot overwrite non-directory " +
                                   to.Display() + " with directory " +
                                   from.Display());
  }
  bool into = exists ? info->is_dir : (to.trailing_slash && !from_is_dir);
  std::string_view name = fs::BaseName(from.path());
  if (!into || name.empty()) co_return to;
  co_return to.Child(name);
}

Task<Status> CopyDirectory(Location from, Location target,
                           const CpOptions& options, Progress* progress) {
  if (!options.recursive) {
    co_return InvalidArgumentError("cannot copy directory " + from.Display() +
                                   " without -r");
  }
  if (target.Within(from)) {
    co_return InvalidArgumentError("cannot copy directory " + from.Display() +
                                   " into itself (" + target.Display() + ")");
  }
  if (options.append) {
    co_return InvalidArgumentError("--append copies one file, and " +
                                   from.Display() + " is a directory");
  }
  co_return co_await CopyTree(std::move(from), std::move(target), options.jobs,
                              progress, options.mode());
}

Task<Status> CopySingleFile(Location from, Location target, uint64_t size,
                            CopyMode mode, Progress* progress) {
  if (target.SameAs(from)) {
    co_return InvalidArgumentError(from.Display() + " and " + target.Display() +
                                   " are the same file");
  }
  progress->AddTotal(size);
  co_return co_await CopyFile(std::move(from), std::move(target), progress,
                              mode);
}

Task<Status> RunCp(CpOptions options) {
  STRATA_CO_ASSIGN_OR_RETURN(Location from, ResolveLocation(options.source));
  STRATA_CO_ASSIGN_OR_RETURN(
      Location to, ResolveLocation(ForCopyDestination(options.destination)));
  auto info = co_await from.fs->Stat(from.path());
  if (!info.ok()) co_return Annotate(info.status(), from);
  STRATA_CO_ASSIGN_OR_RETURN(Location target,
                             co_await ResolveTarget(from, to, info->is_dir));
  Progress progress(!options.quiet && ::isatty(STDOUT_FILENO) == 1);
  Status status;  // (no `?:` around co_await: GCC 12 miscompiles it)
  if (info->is_dir) {
    status = co_await CopyDirectory(std::move(from), std::move(target), options,
                                    &progress);
  } else {
    status = co_await CopySingleFile(std::move(from), std::move(target),
                                     info->size, options.mode(), &progress);
  }
  progress.Finish();
  co_return status;
}

}  // namespace

void AddCopyCommand(CLI::App& app, Invocation* invocation) {
  auto cp = std::make_shared<CpOptions>();
  CLI::App* cmd = app.add_subcommand(
      "cp", "Copy a file or (with -r) a tree between any two schemes");
  cmd->add_flag("-r,--recursive", cp->recursive, "Copy a directory tree");
  cmd->add_option("-j,--jobs", cp->jobs,
                  "Files copied concurrently with -r (default 8)")
      ->check(CLI::Range(1, 1024));
  cmd->add_flag("-q,--quiet", cp->quiet, "No progress bar");
  CLI::Option* no_clobber = cmd->add_flag(
      "-n,--no-clobber", cp->no_clobber,
      "Never replace an existing destination: fail with \"already exists\" "
      "(create-only; a conditional put on object stores)");
  cmd->add_flag("--append", cp->append,
                "Append SRC's bytes to the existing destination file, "
                "object or blob")
      ->excludes(no_clobber);
  cmd->add_option("SRC", cp->source, "Source path or URI")->required();
  cmd->add_option("DST", cp->destination, "Destination path or URI")
      ->required();
  cmd->callback([cp, invocation] {
    invocation->run = [cp](runtime::Runtime& rt) {
      return rt.BlockOn(RunCp(*cp));
    };
  });
}

}  // namespace strata::cli
