// `strata rm [-r] URI` and `strata mkdir [-p] URI`.

#include <memory>
#include <string>

#include "cli/command.h"
#include "cli/location.h"
#include "strata/fs/file_system.h"

namespace strata::cli {
namespace {

struct RmOptions {
  std::string uri;
  bool recursive = false;
};

struct MkdirOptions {
  std::string uri;
  bool parents = false;
};

Task<Status> RunRm(RmOptions options) {
  STRATA_CO_ASSIGN_OR_RETURN(Location location, ResolveLocation(options.uri));
  auto info = co_await location.fs->Stat(location.path());
  if (!info.ok()) co_return Annotate(info.status(), location);
  if (!info->is_dir) {
    co_return Annotate(co_await location.fs->Remove(location.path()), location);
  }
  if (!options.recursive) {
    co_return InvalidArgumentError("cannot remove " + location.Display() +
                                   ": is a directory (use rm -r)");
  }
  if (location.path() == "/") {
    co_return InvalidArgumentError("refusing to remove the root of " +
                                   location.Display());
  }
  co_return Annotate(co_await location.fs->RemoveDir(location.path(), true),
                     location);
}

Task<Status> RunMkdir(MkdirOptions options) {
  STRATA_CO_ASSIGN_OR_RETURN(Location location, ResolveLocation(options.uri));
  co_return Annotate(
      co_await location.fs->CreateDir(location.path(), options.parents),
      location);
}

}  // namespace

void AddManageCommands(CLI::App& app, Invocation* invocation) {
  auto rm = std::make_shared<RmOptions>();
  CLI::App* rm_cmd = app.add_subcommand("rm", "Remove a file or a tree");
  rm_cmd->add_flag("-r,--recursive", rm->recursive,
                   "Remove a directory and everything below it");
  rm_cmd->add_option("URI", rm->uri, "Path or URI")->required();
  rm_cmd->callback([rm, invocation] {
    invocation->run = [rm](runtime::Runtime& rt) {
      return rt.BlockOn(RunRm(*rm));
    };
  });

  auto mkdir = std::make_shared<MkdirOptions>();
  CLI::App* mkdir_cmd = app.add_subcommand("mkdir", "Create a directory");
  mkdir_cmd->add_flag("-p,--parents", mkdir->parents,
                      "Create missing parents; an existing directory is fine");
  mkdir_cmd->add_option("URI", mkdir->uri, "Path or URI")->required();
  mkdir_cmd->callback([mkdir, invocation] {
    invocation->run = [mkdir](runtime::Runtime& rt) {
      return rt.BlockOn(RunMkdir(*mkdir));
    };
  });
}

}  // namespace strata::cli
