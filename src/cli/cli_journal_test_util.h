// Helpers for the `strata journal` tests: parsing the ACK lines of
// `journal append --print-acks` and the output of `journal dump`, strictly
// (a malformed line is kept aside, so a test can fail on it).
//
// Thread-safety: none needed (tests are single-threaded).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace strata::cli::testing {

struct Ack {
  uint64_t writer = 0;
  uint64_t seq = 0;
  uint64_t lsn = 0;
};

struct DumpRecord {
  uint64_t lsn = 0;
  uint64_t len = 0;
  std::optional<uint64_t> writer;  // nullopt for "raw" records
  std::optional<uint64_t> seq;
  std::string verdict;  // "ok", "bad" or "raw"
};

struct ParsedDump {
  std::vector<DumpRecord> records;
  bool has_end = false;
  uint64_t end_lsn = 0;
  uint64_t end_count = 0;
  std::vector<std::string> malformed;  // lines matching no format
};

// A decimal uint64 that is the whole of `text`.
inline std::optional<uint64_t> ParseDecimal(const std::string& text) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

// `line` split on single spaces.
inline std::vector<std::string> Fields(const std::string& line) {
  std::vector<std::string> fields;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, ' ')) fields.push_back(field);
  return fields;
}

// "ACK <w> <s> <lsn>", exactly.
inline std::optional<Ack> ParseAckLine(const std::string& line) {
  std::vector<std::string> f = Fields(line);
  if (f.size() != 4 || f[0] != "ACK") return std::nullopt;
  auto w = ParseDecimal(f[1]), s = ParseDecimal(f[2]), l = ParseDecimal(f[3]);
  if (!w || !s || !l) return std::nullopt;
  return Ack{*w, *s, *l};
}

// The ACKs of every complete line of `out` (a partial last line, as a killed
// writer may leave, is ignored). Malformed complete lines go to `*bad`.
inline std::vector<Ack> ParseAcks(const std::string& out,
                                  std::vector<std::string>* bad) {
  std::vector<Ack> acks;
  size_t start = 0;
  for (size_t nl = out.find('\n'); nl != std::string::npos;
       start = nl + 1, nl = out.find('\n', start)) {
    std::string line = out.substr(start, nl - start);
    if (std::optional<Ack> ack = ParseAckLine(line)) {
      acks.push_back(*ack);
    } else {
      bad->push_back(line);
    }
  }
  return acks;
}

inline std::optional<DumpRecord> ParseRecLine(
    const std::vector<std::string>& f) {
  if (f.size() != 6 || f[0] != "REC") return std::nullopt;
  DumpRecord r;
  auto lsn = ParseDecimal(f[1]), len = ParseDecimal(f[2]);
  if (!lsn || !len) return std::nullopt;
  r.lsn = *lsn;
  r.len = *len;
  r.verdict = f[5];
  if (r.verdict == "raw") {
    if (f[3] != "-" || f[4] != "-") return std::nullopt;
    return r;
  }
  if (r.verdict != "ok" && r.verdict != "bad") return std::nullopt;
  r.writer = ParseDecimal(f[3]);
  r.seq = ParseDecimal(f[4]);
  if (!r.writer || !r.seq) return std::nullopt;
  return r;
}

inline ParsedDump ParseDump(const std::string& out) {
  ParsedDump dump;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> f = Fields(line);
    if (std::optional<DumpRecord> r = ParseRecLine(f); r && !dump.has_end) {
      dump.records.push_back(*r);
      continue;
    }
    if (f.size() == 3 && f[0] == "END" && !dump.has_end) {
      auto lsn = ParseDecimal(f[1]), count = ParseDecimal(f[2]);
      if (lsn && count) {
        dump.has_end = true;
        dump.end_lsn = *lsn;
        dump.end_count = *count;
        continue;
      }
    }
    dump.malformed.push_back(line);
  }
  return dump;
}

// The journal's segment files ("*.journal") and side files in `dir`.
inline std::vector<std::string> FilesWith(const std::string& dir,
                                          const std::string& needle) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (name.find(needle) != std::string::npos) out.push_back(e.path());
  }
  return out;
}

inline std::vector<std::string> SegmentFiles(const std::string& dir) {
  std::vector<std::string> out;
  for (const std::string& f : FilesWith(dir, ".journal")) {
    if (f.ends_with(".journal")) out.push_back(f);
  }
  return out;
}

}  // namespace strata::cli::testing
