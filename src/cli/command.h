// Plumbing shared by the `strata` subcommands: how a parsed command is run,
// and how its failure is reported.
//
// Every command group registers its CLI11 subcommands with an `Add*`
// function. Parsing only records what to run (an Invocation); main() then
// creates the process's single Runtime with the options the command asked
// for and runs it. A command body is a free coroutine taking its options by
// value and returning Status; it prints its own output and returns an error
// instead of printing one. main() turns a failed Status into exactly one
// line on stderr ("strata: <message>") and exit code 1.
//
// Thread-safety: all of this runs on the main thread, except command bodies,
// which run on the runtime's reactor thread via BlockOn.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string_view>

#include "strata/core/status.h"
#include "strata/runtime/runtime.h"

namespace strata::cli {

// Exit codes: success, a failed operation, bad usage (CLI11's errors).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

// What the parsed command line asks for. `run` is empty until a subcommand
// callback fills it in.
struct Invocation {
  std::function<Status(runtime::Runtime&)> run;
  runtime::RuntimeOptions runtime_options;
  // Set by a command that succeeds with a distinct exit status (`journal
  // dump`: 3 repaired, 4 mid-log corruption).
  int exit_code = kExitOk;
};

// Command groups; each adds its subcommands to `app` and, when one of them
// is parsed, fills `*invocation` (which must outlive parsing and running).
void AddVersionCommand(CLI::App& app, Invocation* invocation);
void AddListCommands(CLI::App& app, Invocation* invocation);  // ls, stat
void AddCatCommand(CLI::App& app, Invocation* invocation);
void AddCopyCommand(CLI::App& app, Invocation* invocation);
void AddManageCommands(CLI::App& app, Invocation* invocation);  // rm, mkdir
void AddBenchCommands(CLI::App& app, Invocation* invocation);
void AddJournalCommands(CLI::App& app, Invocation* invocation);
// presign URI [--expires SECONDS] [--method GET|PUT]
void AddPresignCommand(CLI::App& app, Invocation* invocation);
// encode, decode, hash, ec
void AddStreamCommands(CLI::App& app, Invocation* invocation);

#if STRATA_HAVE_SERVER
// server --data-dir DIR --listen ADDR [--config FILE.toml] ...
void AddServerCommand(CLI::App& app, Invocation* invocation);
// fs mount|unmount|mounts|ls|stat|mkdir|rm|mv|cp|cat|copy-from-local|
// copy-to-local|sync: the client of `strata server`.
void AddFsCommands(CLI::App& app, Invocation* invocation);
// bench meta --server ADDR --clients C --ops N [--json]
void AddBenchMetaCommand(CLI::App& bench, Invocation* invocation);
#endif

// Prints "strata: <message>" as one line on stderr (newlines in the message
// are replaced by spaces).
void PrintError(std::string_view message);

}  // namespace strata::cli
