// Plumbing shared by the `strata fs` subcommands (fs_*_commands.cc): the
// group's -s/--server option, and how a subcommand body runs against a
// connected FsClient.
//
// A body is a plain function: the fs commands are synchronous gRPC calls
// and never touch the Runtime main() creates. It prints its own output and
// returns the error for main() to print as one line.
//
// Thread-safety: all of this runs on the main thread.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>

#include "cli/command.h"
#include "cli/fs_client.h"
#include "strata/v1/common.pb.h"

namespace strata::cli {

// Options of the `fs` group itself.
struct FsGlobalOptions {
  std::string server;  // -s/--server; empty: $STRATA_SERVER or the default
};

using FsGlobals = std::shared_ptr<const FsGlobalOptions>;
using FsBody = std::function<Status(FsClient&)>;

// Makes `*invocation` connect to the server and then run `body`.
void SetFsRun(Invocation* invocation, const FsGlobals& globals, FsBody body);

// mount, unmount, mounts
void AddFsMountCommands(CLI::App& fs, const FsGlobals& globals,
                        Invocation* invocation);
// ls, stat, cat, sync (and AddFsEditCommands)
void AddFsFileCommands(CLI::App& fs, const FsGlobals& globals,
                       Invocation* invocation);
// mkdir, rm, mv, cp
void AddFsEditCommands(CLI::App& fs, const FsGlobals& globals,
                       Invocation* invocation);
// copy-from-local, copy-to-local
void AddFsTransferCommands(CLI::App& fs, const FsGlobals& globals,
                           Invocation* invocation);

// "2024-05-01T12:34:56Z" for a FileInfo's mtime ("-" when unknown).
std::string FormatMtime(const strata::v1::FileInfo& info);

}  // namespace strata::cli
