// `strata journal dump`: prints every record of a journal in LSN order and
// checks the payloads `strata journal append` writes (journal_payload.h):
//
//   REC <lsn> <len> <w> <s> ok|bad    a record of `append` (len >= 16)
//   REC <lsn> <len> - - raw           any other record (len < 16)
//   END <end_lsn> <records printed>
//
// Exit codes: 0 the journal was clean, 3 it had a torn tail that opening it
// repaired (as Open does: the bytes are saved to a side file), 4 mid-log
// corruption (the journal is left alone; the valid prefix is printed, from
// a read-only scan), 1 any other failure (e.g. no such directory).

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>

#include "cli/command.h"
#include "cli/journal_command.h"
#include "cli/journal_payload.h"
#include "cli/units.h"
#include "strata/fs/local.h"
#include "strata/journal/journal.h"
#include "strata/runtime/runtime.h"

namespace strata::cli {
namespace {

using journal::Lsn;

constexpr int kExitRepaired = 3;
constexpr int kExitCorrupt = 4;

struct DumpOptions {
  std::string dir;
  uint64_t from = 0;
};

// How the dump ended: the exit code and, unless it is 0, what to say.
struct DumpOutcome {
  int exit_code = kExitOk;
  Status status;     // the failure (exit 1 or 4)
  std::string note;  // exit 3: what was repaired
};

// Prints REC lines, counting them.
class RecordPrinter {
 public:
  void Print(Lsn lsn, std::span<const std::byte> payload) {
    std::optional<PayloadId> id = ParsePayloadId(payload);
    if (!id) {
      fmt::print("REC {} {} - - raw\n", lsn, payload.size());
    } else {
      fmt::print("REC {} {} {} {} {}\n", lsn, payload.size(), id->writer,
                 id->seq, PayloadMatches(payload, *id) ? "ok" : "bad");
    }
    ++count_;
  }
  void PrintEnd(Lsn end) const { fmt::print("END {} {}\n", end, count_); }

 private:
  uint64_t count_ = 0;
};

DumpOutcome Failed(Status status) {
  DumpOutcome outcome;
  outcome.exit_code = kExitFailure;
  outcome.status = std::move(status);
  return outcome;
}

std::string RepairNote(const journal::RecoveryReport& report,
                       const std::string& dir) {
  std::string note = fmt::format(
      "repaired journal {}: torn tail at lsn {} cut off ({} bytes set aside",
      dir, report.damage_lsn, report.bytes_set_aside);
  for (const std::string& file : report.side_files) note += " in " + file;
  note += ")";
  if (!report.detail.empty()) note += ": " + report.detail;
  return note;
}

// Prints the records after `from` of an opened journal.
Task<Status> PrintRecords(journal::Journal* journal, Lsn from,
                          RecordPrinter* printer) {
  journal::RecordStream stream = journal->Read(from);
  while (auto record = co_await stream.Next()) {
    if (!record->ok()) co_return record->status();
    printer->Print((*record)->lsn, (*record)->data);
  }
  co_return Status::OK();
}

Task<DumpOutcome> DumpOpened(std::unique_ptr<journal::Journal> journal,
                             Lsn from) {
  RecordPrinter printer;
  Status status = co_await PrintRecords(journal.get(), from, &printer);
  const journal::RecoveryReport& report = journal->recovery();
  if (status.ok()) printer.PrintEnd(report.end_lsn);
  Status closed = co_await journal->Close();
  if (!status.ok()) {
    std::string what = fmt::format("read from lsn {} of", from);
    co_return Failed(JournalError(status, what, journal->dir()));
  }
  if (!closed.ok()) {
    co_return Failed(JournalError(closed, "close", journal->dir()));
  }
  DumpOutcome outcome;
  if (report.outcome == journal::RecoveryOutcome::kRepaired) {
    outcome.exit_code = kExitRepaired;
    outcome.note = RepairNote(report, journal->dir());
  }
  co_return outcome;
}

// Mid-log corruption: Open refused the journal; print what a read-only scan
// finds before the damage.
Task<DumpOutcome> DumpDamaged(std::string dir, Lsn from, Status open_error) {
  std::shared_ptr<fs::LocalFileSystem> local = fs::NewLocalFileSystem();
  RecordPrinter printer;
  std::function<void(Lsn, std::span<const std::byte>)> visit =
      [&printer, from](Lsn lsn, std::span<const std::byte> payload) {
        if (lsn > from) printer.Print(lsn, payload);
      };
  auto scan = co_await journal::ScanJournal(*local, dir, visit);
  if (!scan.ok()) {
    co_return Failed(JournalError(
        scan.status(), "scan (after: " + open_error.ToString() + ")", dir));
  }
  printer.PrintEnd(scan->report.end_lsn);
  DumpOutcome outcome;
  outcome.exit_code = kExitCorrupt;
  outcome.status = JournalError(open_error, "open", dir);
  co_return outcome;
}

Task<DumpOutcome> RunDump(DumpOptions options) {
  Result<std::string> dir = AbsoluteDir(options.dir);
  if (!dir.ok()) co_return Failed(dir.status());
  journal::JournalOptions journal_options;
  journal_options.create_if_missing = false;
  auto opened = co_await journal::Journal::Open(*dir, journal_options);
  if (opened.ok()) {
    co_return co_await DumpOpened(std::move(*opened), options.from);
  }
  if (opened.status().code() == StatusCode::kDataLoss) {
    co_return co_await DumpDamaged(*dir, options.from, opened.status());
  }
  co_return Failed(JournalError(opened.status(), "open", *dir));
}

}  // namespace

void AddJournalDumpCommand(CLI::App& journal, Invocation* invocation) {
  auto o = std::make_shared<DumpOptions>();
  CLI::App* cmd = journal.add_subcommand(
      "dump", "Print and verify a journal's records (repairs a torn tail)");
  cmd->footer(
      "Output, in LSN order: 'REC <lsn> <len> <w> <s> ok|bad' per record "
      "written by `journal append` (ok: the payload matches the formula for "
      "(w, s) and len), 'REC <lsn> <len> - - raw' per record shorter than 16 "
      "bytes, then 'END <end_lsn> <records printed>'. <lsn> is the record's "
      "LSN as Append returned it: the stream position just past its frame.\n"
      "Exit status: 0 clean; 3 a torn tail was repaired (cut off and saved "
      "to a .corrupt-<lsn> side file, as opening the journal does); 4 mid-log "
      "corruption (the journal is not changed; the records before the damage "
      "are printed, from a read-only scan); 1 any other error.");
  cmd->add_option("--dir", o->dir, "Journal directory (must exist)")
      ->required();
  cmd->add_option("--from", o->from,
                  "Print only records with LSN > this; must be 0 or a "
                  "record's LSN")
      ->check(CLI::Validator(CheckNotNegative, "LSN"));
  cmd->callback([o, invocation] {
    invocation->run = [o, invocation](runtime::Runtime& rt) {
      DumpOutcome outcome = rt.BlockOn(RunDump(*o));
      if (outcome.exit_code == kExitOk || outcome.exit_code == kExitFailure) {
        return outcome.status;
      }
      // Repaired (3) or mid-log corruption (4): the records were printed;
      // say why on stderr and exit with the code.
      PrintError(outcome.status.ok() ? outcome.note : outcome.status.message());
      invocation->exit_code = outcome.exit_code;
      return Status::OK();
    };
  });
}

}  // namespace strata::cli
