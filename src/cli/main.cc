// The `strata` command-line tool: parses arguments with CLI11, creates one
// Runtime and runs the chosen command on it. Commands live in one file per
// group (see command.h); nothing here knows about storage.

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <memory>
#include <string>

#include "cli/command.h"
#include "cli/object_store_flags.h"
#include "strata/core/log.h"
#include "strata/runtime/runtime.h"

namespace strata::cli {

void PrintError(std::string_view message) {
  std::string line(message);
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  std::fflush(stdout);
  std::fprintf(stderr, "strata: %s\n", line.c_str());
}

namespace {

void BuildApp(CLI::App& app, Invocation* invocation) {
  app.name("strata");
  app.require_subcommand(1);
  // Global flags may also follow the subcommand ("strata cp --endpoint ...").
  app.fallthrough();
  AddObjectStoreFlags(app);
  AddListCommands(app, invocation);
  AddCatCommand(app, invocation);
  AddCopyCommand(app, invocation);
  AddManageCommands(app, invocation);
  AddBenchCommands(app, invocation);
  AddJournalCommands(app, invocation);
  AddStreamCommands(app, invocation);
  AddPresignCommand(app, invocation);
  AddVersionCommand(app, invocation);
#if STRATA_HAVE_SERVER
  AddServerCommand(app, invocation);
  AddFsCommands(app, invocation);
#endif
}

// Creates the runtime, runs the command and reports its outcome.
int Execute(const Invocation& invocation) {
  auto rt = runtime::Runtime::Create(invocation.runtime_options);
  if (!rt.ok()) {
    PrintError(rt.status().message());
    return kExitFailure;
  }
  Status status = invocation.run(**rt);
  if (std::fflush(stdout) != 0 && status.ok()) {
    status = ErrnoToStatus(errno, "write to standard output");
  }
  if (!status.ok()) {
    PrintError(status.message());
    return kExitFailure;
  }
  return invocation.exit_code;
}

// The library logs warnings to stderr; a CLI error must stay one line, so
// unless the user asked for a level, only errors are logged.
void QuietLibraryLog() {
  const char* level = std::getenv("STRATA_LOG");
  if (level == nullptr || *level == '\0') SetLogLevel(LogLevel::kError);
}

int Main(int argc, char** argv) {
  CLI::App app{
      "strata: one asynchronous I/O stack over local disks, memory "
      "and object stores"};
  Invocation invocation;
  BuildApp(app, &invocation);
  if (argc <= 1) {
    std::cerr << app.help();
    return kExitUsage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  if (!invocation.run) {
    std::cerr << app.help();
    return kExitUsage;
  }
  QuietLibraryLog();
  if (Status st = RegisterObjectStoreSchemes(); !st.ok()) {
    PrintError(st.message());
    return kExitFailure;
  }
  return Execute(invocation);
}

}  // namespace
}  // namespace strata::cli

int main(int argc, char** argv) {
  try {
    return strata::cli::Main(argc, argv);
  } catch (const std::exception& e) {
    strata::cli::PrintError(std::string("internal error: ") + e.what());
  } catch (...) {
    strata::cli::PrintError("internal error: unknown exception");
  }
  return strata::cli::kExitFailure;
}
