// `strata journal`: registers the append, dump and bench subcommands, and
// the helpers they share (see journal_command.h).

#include "cli/journal_command.h"

#include <filesystem>
#include <string>
#include <system_error>

namespace strata::cli {

Result<std::string> AbsoluteDir(const std::string& dir) {
  if (dir.empty()) return InvalidArgumentError("--dir must name a directory");
  std::error_code ec;
  std::filesystem::path path = std::filesystem::absolute(dir, ec);
  if (ec) return ErrnoToStatus(ec.value(), "resolve " + dir);
  std::string normal = path.lexically_normal().string();
  while (normal.size() > 1 && normal.back() == '/') normal.pop_back();
  return normal;
}

Status JournalError(const Status& status, std::string_view what,
                    std::string_view dir) {
  if (status.ok()) return status;
  // Library messages usually start "journal <dir>: ..." already.
  std::string context(what);
  if (status.message().find(dir) == std::string_view::npos) {
    context += " journal ";
    context += dir;
  }
  return status.WithContext(context);
}

void AddJournalCommands(CLI::App& app, Invocation* invocation) {
  CLI::App* journal = app.add_subcommand(
      "journal", "Write, inspect and benchmark a journal (write-ahead log)");
  journal->require_subcommand(1);
  AddJournalAppendCommand(*journal, invocation);
  AddJournalDumpCommand(*journal, invocation);
  AddJournalBenchCommand(*journal, invocation);
}

}  // namespace strata::cli
