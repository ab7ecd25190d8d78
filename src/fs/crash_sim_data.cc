// The crash simulator's file content: unsynced ops, dsync, Sync and what a
// crash leaves of them.

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <new>

#include "fs/crash_sim_state.h"

namespace strata::fs::crash_sim_internal {
namespace {

std::atomic<uint64_t> next_generation{1};

using Kind = PendingOp::Kind;

// Replaces the write ops that overlap [begin, end) by their parts outside it,
// so a crash can never put older bytes over that range.
void TrimPending(std::vector<PendingOp>& pending, uint64_t begin,
                 uint64_t end) {
  std::vector<PendingOp> out;
  out.reserve(pending.size() + 1);
  for (PendingOp& op : pending) {
    uint64_t op_end = op.offset + op.bytes.size();
    if (op.kind != Kind::kWrite || op_end <= begin || op.offset >= end) {
      out.push_back(std::move(op));
      continue;
    }
    if (op.offset < begin) {
      auto first = op.bytes.begin();
      out.push_back(
          {Kind::kWrite, op.offset, Bytes(first, first + (begin - op.offset))});
    }
    if (op_end > end) {
      auto first = op.bytes.begin() + (end - op.offset);
      out.push_back({Kind::kWrite, end, Bytes(first, op.bytes.end())});
    }
  }
  pending = std::move(out);
}

// A dsync write needs the file's size metadata: an earlier truncate becomes
// durable with it (with every op before the truncate).
void MakeTruncatesDurable(Node& file) {
  auto last = std::find_if(
      file.pending.rbegin(), file.pending.rend(),
      [](const PendingOp& op) { return op.kind == Kind::kTruncate; });
  if (last == file.pending.rend()) return;
  auto stop = last.base();  // one past the truncate
  for (auto it = file.pending.begin(); it != stop; ++it) {
    ApplyOp(*it, file.durable);
  }
  file.pending.erase(file.pending.begin(), stop);
}

// Lands a random subset of the op's sector pieces; one piece may land only
// as a prefix. Sectors are kCrashSimSectorSize-aligned in the file.
void TearWrite(const PendingOp& op, Bytes& image, std::mt19937_64& rng,
               CrashReport& report) {
  const uint64_t end = op.offset + op.bytes.size();
  std::vector<std::pair<uint64_t, uint64_t>> pieces;  // [begin, length)
  for (uint64_t at = op.offset; at < end;) {
    uint64_t next =
        std::min(end, (at / kCrashSimSectorSize + 1) * kCrashSimSectorSize);
    pieces.emplace_back(at, next - at);
    at = next;
  }
  std::vector<uint64_t> landed(pieces.size());
  for (size_t i = 0; i < pieces.size(); ++i) {
    landed[i] = (rng() & 1) != 0 ? pieces[i].second : 0;
  }
  if (!pieces.empty() && (rng() & 1) != 0) {
    size_t i = rng() % pieces.size();
    uint64_t len = pieces[i].second;
    if (len > 1) landed[i] = 1 + rng() % (len - 1);
  }
  uint64_t total = 0;
  for (size_t i = 0; i < pieces.size(); ++i) {
    if (landed[i] == 0) continue;
    const std::byte* src = op.bytes.data() + (pieces[i].first - op.offset);
    WriteBytes(image, pieces[i].first, src, landed[i]);
    total += landed[i];
  }
  if (total == op.bytes.size()) {
    ++report.writes_kept;
  } else if (total == 0) {
    ++report.writes_dropped;
  } else {
    ++report.writes_torn;
  }
}

Bytes ReplaySubset(const Node& file, std::mt19937_64& rng,
                   CrashReport& report) {
  Bytes image = file.durable;
  for (const PendingOp& op : file.pending) {
    if ((rng() & 1) != 0) {
      ApplyOp(op, image);
      ++report.writes_kept;
    } else {
      ++report.writes_dropped;
    }
  }
  return image;
}

Bytes ReplayTorn(const Node& file, std::mt19937_64& rng, CrashReport& report) {
  Bytes image = file.durable;
  const size_t n = file.pending.size();
  const size_t kept = rng() % (n + 1);
  for (size_t i = 0; i < kept; ++i) ApplyOp(file.pending[i], image);
  report.writes_kept += kept;
  if (kept == n) return image;
  const PendingOp& next = file.pending[kept];
  if (next.kind == Kind::kWrite) {
    TearWrite(next, image, rng, report);
  } else {
    ++report.writes_dropped;
  }
  report.writes_dropped += n - kept - 1;
  return image;
}

}  // namespace

Node::Node(bool dir) : is_dir(dir) { Touch(); }

void Node::Touch() {
  generation = next_generation.fetch_add(1, std::memory_order_relaxed);
  mtime = Clock::now();
}

std::string Node::Etag() const {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "c%016" PRIx64, generation);
  return buf;
}

bool GrowTo(Bytes& bytes, uint64_t size) {
  if (size <= bytes.size()) return true;
  if (size > bytes.max_size()) return false;
  try {
    bytes.resize(size);
  } catch (const std::bad_alloc&) {
    return false;
  }
  return true;
}

void WriteBytes(Bytes& image, uint64_t offset, const std::byte* src, size_t n) {
  if (n == 0) return;
  if (image.size() < offset + n) image.resize(offset + n);
  std::memcpy(image.data() + offset, src, n);
}

void ApplyOp(const PendingOp& op, Bytes& image) {
  switch (op.kind) {
    case Kind::kWrite:
      WriteBytes(image, op.offset, op.bytes.data(), op.bytes.size());
      break;
    case Kind::kExtend:
      if (image.size() < op.offset) image.resize(op.offset);
      break;
    case Kind::kTruncate:
      if (image.size() > op.offset) image.resize(op.offset);
      break;
  }
}

void WriteData(Node& file, uint64_t offset, Bytes bytes, bool dsync) {
  if (bytes.empty()) return;
  WriteBytes(file.data, offset, bytes.data(), bytes.size());
  if (!dsync) {
    file.pending.push_back({Kind::kWrite, offset, std::move(bytes)});
    return;
  }
  MakeTruncatesDurable(file);
  TrimPending(file.pending, offset, offset + bytes.size());
  WriteBytes(file.durable, offset, bytes.data(), bytes.size());
}

bool ExtendData(Node& file, uint64_t size) {
  if (file.data.size() >= size) return true;
  if (!GrowTo(file.data, size)) return false;
  file.pending.push_back({Kind::kExtend, size, {}});
  return true;
}

void TruncateData(Node& file) {
  Bytes().swap(file.data);  // frees the buffer
  file.pending.push_back({Kind::kTruncate, 0, {}});
}

void SyncData(Node& file) {
  if (file.pending.empty()) return;
  file.durable = file.data;
  std::vector<PendingOp>().swap(file.pending);
}

uint64_t PendingBytes(const Node& file) {
  uint64_t total = 0;
  for (const PendingOp& op : file.pending) total += op.bytes.size();
  return total;
}

Bytes ReplayPending(const Node& file, CrashMode mode, std::mt19937_64& rng,
                    CrashReport& report) {
  switch (mode) {
    case CrashMode::kDropUnsynced:
      report.writes_dropped += file.pending.size();
      return file.durable;
    case CrashMode::kKeepRandomSubset:
      return ReplaySubset(file, rng, report);
    case CrashMode::kTearSector:
      return ReplayTorn(file, rng, report);
  }
  return file.durable;
}

}  // namespace strata::fs::crash_sim_internal
