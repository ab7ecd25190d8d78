// `strata journal`: the journal subcommands (append, dump, bench) and the
// helpers they share. Each subcommand lives in its own file
// (journal_append.cc, journal_dump.cc, journal_bench.cc); the record payload
// formula is in journal_payload.h.
//
// Thread-safety: registration runs on the main thread; the helpers are pure.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <string_view>

#include "cli/command.h"
#include "strata/core/result.h"
#include "strata/core/status.h"

namespace strata::cli {

void AddJournalAppendCommand(CLI::App& journal, Invocation* invocation);
void AddJournalDumpCommand(CLI::App& journal, Invocation* invocation);
void AddJournalBenchCommand(CLI::App& journal, Invocation* invocation);

// `dir` made absolute and normalised (as messages print it), without a
// trailing '/'.
Result<std::string> AbsoluteDir(const std::string& dir);

// `status` with "<what> journal <dir>" as context, or just "<what> journal"
// when the message already names `dir`.
Status JournalError(const Status& status, std::string_view what,
                    std::string_view dir);

}  // namespace strata::cli
