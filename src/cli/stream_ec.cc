// `strata stream ec encode --data K --parity M IN DIR` and
// `strata stream ec decode DIR OUT`: an erasure set (erasure_set.h) of K+M
// shard files DIR/shard-NN (three digits when K+M > 100).
//
// decode finds the shard-* files in DIR, learns K+M from the shard headers
// (docs/stream-formats.md §7; the value most valid headers agree on), passes
// the files in index order with nullptr for absent ones, and after writing
// OUT prints on stderr which shards it had to heal.

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cli/location.h"
#include "cli/stream_command.h"
#include "cli/stream_io.h"
#include "cli/units.h"
#include "strata/fs/file_system.h"
#include "strata/stream/erasure_set.h"

namespace strata::cli {
namespace {

using ShardFiles = std::vector<std::unique_ptr<fs::File>>;

constexpr std::string_view kShardPrefix = "shard-";

struct EcEncodeOptions {
  int data_shards = 0;
  int parity_shards = 0;
  std::string block_size;
  std::string input;
  std::string dir;
};

struct EcDecodeOptions {
  std::string dir;
  std::string output;
};

std::string ShardName(int index, int total) {
  return fmt::format("{}{:0{}}", kShardPrefix, index, total > 100 ? 3 : 2);
}

// Removes the shard files of a failed encode (best effort).
Task<void> RemoveShards(const Location& dir, int total) {
  for (int i = 0; i < total; ++i) {
    (co_await dir.fs->Remove(dir.Child(ShardName(i, total)).path()))
        .IgnoreError();
  }
}

Task<Result<ShardFiles>> CreateShards(const Location& dir, int total) {
  STRATA_CO_RETURN_IF_ERROR(
      Annotate(co_await dir.fs->CreateDir(dir.path(), true), dir));
  ShardFiles shards;
  for (int i = 0; i < total; ++i) {
    Location shard = dir.Child(ShardName(i, total));
    auto file =
        co_await shard.fs->Open(shard.path(), fs::OpenOptions::Overwrite());
    if (!file.ok()) {
      for (auto& open : shards) (co_await open->Abort()).IgnoreError();
      co_return Annotate(file.status(), shard);
    }
    shards.push_back(std::move(*file));
  }
  co_return shards;
}

Task<Status> RunEcEncode(EcEncodeOptions options) {
  STRATA_CO_ASSIGN_OR_RETURN(Location from, ResolveLocation(options.input));
  STRATA_CO_ASSIGN_OR_RETURN(Location dir, ResolveLocation(options.dir));
  stream::ErasureSetOptions set;
  set.data_shards = options.data_shards;
  set.parity_shards = options.parity_shards;
  if (!options.block_size.empty()) {
    set.block_size = ParseSize(options.block_size).value_or(0);
  }
  const int total = set.data_shards + set.parity_shards;
  STRATA_CO_ASSIGN_OR_RETURN(auto in, co_await OpenInput(from));
  auto shards = co_await CreateShards(dir, total);
  Status status = shards.status();
  if (status.ok()) {
    auto writer = stream::NewErasureSetWriter(std::move(*shards), set);
    status = writer.status();
    if (status.ok()) {
      status = co_await PumpAll(*in, **writer, from, dir);
      if (status.ok()) status = Annotate(co_await (*writer)->Close(), dir);
      if (!status.ok()) (co_await (*writer)->Abort()).IgnoreError();
    }
    if (!status.ok()) co_await RemoveShards(dir, total);
  }
  (co_await in->Close()).IgnoreError();
  co_return Annotate(status, dir);
}

// The index of a "shard-NN" name, or -1.
int ShardIndex(std::string_view name) {
  if (!name.starts_with(kShardPrefix)) return -1;
  name.remove_prefix(kShardPrefix.size());
  int index = -1;
  auto [end, ec] =
      std::from_chars(name.data(), name.data() + name.size(), index);
  if (ec != std::errc() || end != name.data() + name.size() || index < 0 ||
      index > 255) {
    return -1;
  }
  return name.size() >= 2 ? index : -1;
}

// Shard index → path of every shard-NN file in `dir`.
Task<Result<std::map<int, std::string>>> FindShards(const Location& dir) {
  fs::ListStream list = dir.fs->List(dir.path(), fs::ListOptions());
  std::map<int, std::string> found;
  while (auto page = co_await list.Next()) {
    if (!page->ok()) co_return Annotate(page->status(), dir);
    for (const fs::FileInfo& info : **page) {
      int index = ShardIndex(fs::BaseName(info.path));
      if (!info.is_dir && index >= 0) found[index] = info.path;
    }
  }
  if (found.empty()) {
    co_return NotFoundError("no shard-NN files in " + dir.Display());
  }
  co_return found;
}

// k + m from a shard's header, or 0 when the header is not valid.
Task<int> ShardCount(fs::File& file) {
  std::array<std::byte, stream::kErasureShardHeaderSize> header{};
  auto n = co_await file.ReadAt(header, 0);
  if (!n.ok() || *n != header.size()) co_return 0;
  co_return stream::ErasureSetShardCount(header).value_or(0);
}

// The shard count most valid headers report, else one past the top index.
int Consensus(const std::map<int, int>& votes, int top_index) {
  int best = top_index + 1;
  int best_votes = 0;
  for (auto [count, n] : votes) {
    if (n > best_votes) {
      best = count;
      best_votes = n;
    }
  }
  return best;
}

// Opens every shard found, in index order with nullptr gaps (a shard that
// cannot be opened is missing, for the reader to reconstruct).
Task<ShardFiles> OpenShards(const Location& dir,
                            const std::map<int, std::string>& paths) {
  std::map<int, std::unique_ptr<fs::File>> open;
  std::map<int, int> votes;
  for (const auto& [index, path] : paths) {
    auto file = co_await dir.fs->Open(path, fs::OpenOptions::ReadOnly());
    if (!file.ok()) continue;
    int count = co_await ShardCount(**file);
    if (count > 0) ++votes[count];
    open[index] = std::move(*file);
  }
  ShardFiles shards(
      static_cast<size_t>(Consensus(votes, paths.rbegin()->first)));
  for (auto& [index, file] : open) {
    if (static_cast<size_t>(index) < shards.size()) {
      shards[index] = std::move(file);
    } else {
      (co_await file->Close()).IgnoreError();
    }
  }
  co_return shards;
}

void PrintHealReport(const stream::HealReport& report, int total,
                     const Location& dir) {
  std::string healed;
  for (int i : report.missing_shards) {
    healed += fmt::format(", {} missing", ShardName(i, total));
  }
  for (int i : report.corrupt_shards) {
    healed += fmt::format(", {} corrupt", ShardName(i, total));
  }
  if (healed.empty()) return;
  std::fflush(stdout);
  std::fprintf(stderr, "strata: healed %s: %s (%llu blocks reconstructed)\n",
               dir.Display().c_str(), healed.c_str() + 2,
               static_cast<unsigned long long>(report.blocks_reconstructed));
}

Task<Status> RunEcDecode(EcDecodeOptions options) {
  STRATA_CO_ASSIGN_OR_RETURN(Location dir, ResolveLocation(options.dir));
  STRATA_CO_ASSIGN_OR_RETURN(Location to, ResolveLocation(options.output));
  STRATA_CO_ASSIGN_OR_RETURN(auto paths, co_await FindShards(dir));
  ShardFiles shards = co_await OpenShards(dir, paths);
  const int total = static_cast<int>(shards.size());
  auto reader = co_await stream::OpenErasureSetReader(std::move(shards));
  if (!reader.ok()) co_return Annotate(reader.status(), dir);
  Status status = co_await PumpToOutput(**reader, dir, to);
  if (status.ok()) PrintHealReport((*reader)->heal_report(), total, dir);
  (co_await (*reader)->Close()).IgnoreError();
  co_return status;
}

void AddEcEncodeCommand(CLI::App& ec, Invocation* invocation) {
  auto o = std::make_shared<EcEncodeOptions>();
  CLI::App* cmd = ec.add_subcommand(
      "encode", "Stripe IN over K data + M parity shard files DIR/shard-NN");
  cmd->add_option("--data", o->data_shards, "Data shards K")
      ->required()
      ->check(CLI::Range(1, 255));
  cmd->add_option("--parity", o->parity_shards, "Parity shards M")
      ->required()
      ->check(CLI::Range(1, 255));
  cmd->add_option("--block-size", o->block_size,
                  "Plain bytes per stripe block (default 1m)")
      ->check(CLI::Validator(CheckSize, "SIZE"));
  cmd->add_option("IN", o->input, "Input path or URI")->required();
  cmd->add_option("DIR", o->dir, "Directory for the shards (created)")
      ->required();
  cmd->callback([o, invocation] {
    invocation->run = [o](runtime::Runtime& rt) {
      if (o->data_shards + o->parity_shards > 256) {
        return InvalidArgumentError("--data + --parity must be at most 256");
      }
      return rt.BlockOn(RunEcEncode(*o));
    };
  });
}

void AddEcDecodeCommand(CLI::App& ec, Invocation* invocation) {
  auto o = std::make_shared<EcDecodeOptions>();
  CLI::App* cmd = ec.add_subcommand(
      "decode",
      "Rebuild OUT from the shard files in DIR (up to M may be missing or "
      "corrupt; healed shards are reported on stderr)");
  cmd->add_option("DIR", o->dir, "Directory holding shard-NN files")
      ->required();
  cmd->add_option("OUT", o->output, "Output path or URI")->required();
  cmd->callback([o, invocation] {
    invocation->run = [o](runtime::Runtime& rt) {
      return rt.BlockOn(RunEcDecode(*o));
    };
  });
}

}  // namespace

void AddStreamEcCommands(CLI::App& stream, Invocation* invocation) {
  CLI::App* ec = stream.add_subcommand(
      "ec", "Erasure-code a file into shard files and back");
  ec->require_subcommand(1);
  AddEcEncodeCommand(*ec, invocation);
  AddEcDecodeCommand(*ec, invocation);
}

}  // namespace strata::cli
