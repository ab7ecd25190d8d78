// `strata fs`: the command-line client of `strata server`. The group owns
// -s/--server; the subcommands live in fs_{mount,file,transfer}_commands.cc.

#include <chrono>
#include <memory>
#include <utility>

#include "cli/command.h"
#include "cli/fs_client.h"
#include "cli/fs_commands.h"
#include "cli/location.h"

namespace strata::cli {

void SetFsRun(Invocation* invocation, const FsGlobals& globals, FsBody body) {
  invocation->run = [globals, body = std::move(body)](runtime::Runtime&) {
    STRATA_ASSIGN_OR_RETURN(
        std::unique_ptr<FsClient> client,
        FsClient::Connect(ResolveServerAddress(globals->server)));
    return body(*client);
  };
}

std::string FormatMtime(const strata::v1::FileInfo& info) {
  if (info.mtime_unix_nanos() == 0) return "-";
  std::chrono::system_clock::time_point time(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::nanoseconds(info.mtime_unix_nanos())));
  return FormatTime(time);
}

void AddFsCommands(CLI::App& app, Invocation* invocation) {
  auto globals = std::make_shared<FsGlobalOptions>();
  CLI::App* fs = app.add_subcommand(
      "fs", "Files of the unified namespace, through a strata server");
  fs->require_subcommand(1);
  // "-s ADDR" may also follow the subcommand ("strata fs ls / -s ADDR").
  fs->fallthrough();
  fs->add_option("-s,--server", globals->server,
                 "Server address (default $STRATA_SERVER or " +
                     std::string(kDefaultServer) + ")");
  AddFsMountCommands(*fs, globals, invocation);
  AddFsFileCommands(*fs, globals, invocation);
  AddFsTransferCommands(*fs, globals, invocation);
}

}  // namespace strata::cli
