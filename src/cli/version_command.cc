// `strata version`: the tool's version and the kind of runtime this process
// actually created (STRATA_IO_URING=auto|on|off decides).

#include <fmt/format.h>

#include "cli/command.h"

#ifndef STRATA_VERSION
#define STRATA_VERSION "unknown"
#endif

namespace strata::cli {
namespace {

Status PrintVersion(runtime::Runtime& rt) {
  fmt::print("strata {} (runtime: {})\n", STRATA_VERSION,
             runtime::RuntimeKindName(rt.kind()));
  return Status::OK();
}

}  // namespace

void AddVersionCommand(CLI::App& app, Invocation* invocation) {
  CLI::App* cmd = app.add_subcommand(
      "version", "Print the version and the runtime in use (io_uring|poll)");
  cmd->callback([invocation] { invocation->run = &PrintVersion; });
}

}  // namespace strata::cli
