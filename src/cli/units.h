// Parsing human sizes for command-line options: "4096", "4k", "1m", "1g",
// "1MiB", "64KB" (k/m/g/t, case-insensitive, powers of 1024, with an
// optional "iB" or "B" suffix).
//
// Header-only so unit tests can use it without linking the tool.
#pragma once

#include <cctype>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace strata::cli {

// The multiplier of a unit suffix ("" → 1, "k"/"KiB"/"kb" → 1024, ...), or
// nullopt for anything else.
inline std::optional<uint64_t> SizeUnit(std::string_view suffix) {
  std::string s;
  for (char c : suffix) {
    s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (s.ends_with("ib")) {
    s.resize(s.size() - 2);
    if (s.empty()) return std::nullopt;  // "iB" alone is not a unit
  } else if (s.ends_with('b')) {
    s.resize(s.size() - 1);
  }
  if (s.empty()) return 1;
  if (s.size() != 1) return std::nullopt;
  switch (s[0]) {
    case 'k':
      return uint64_t{1} << 10;
    case 'm':
      return uint64_t{1} << 20;
    case 'g':
      return uint64_t{1} << 30;
    case 't':
      return uint64_t{1} << 40;
    default:
      return std::nullopt;
  }
}

// Bytes denoted by `text`, or nullopt if it is malformed or overflows.
inline std::optional<uint64_t> ParseSize(std::string_view text) {
  size_t digits = 0;
  while (digits < text.size() &&
         std::isdigit(static_cast<unsigned char>(text[digits]))) {
    ++digits;
  }
  if (digits == 0 || digits > 19) return std::nullopt;
  uint64_t value = 0;
  for (size_t i = 0; i < digits; ++i) value = value * 10 + (text[i] - '0');
  std::optional<uint64_t> unit = SizeUnit(text.substr(digits));
  if (!unit) return std::nullopt;
  if (value > std::numeric_limits<uint64_t>::max() / *unit) {
    return std::nullopt;
  }
  return value * *unit;
}

// A CLI11-style check: "" when `text` is a size of at least 1 byte, else
// the reason.
inline std::string CheckSize(const std::string& text) {
  std::optional<uint64_t> bytes = ParseSize(text);
  if (!bytes) {
    return "invalid size '" + text +
           "' (expected e.g. 4096, 4k, 1m, 1g or 1MiB)";
  }
  if (*bytes == 0) return "size must be at least 1 byte, got '" + text + "'";
  return "";
}

// A CLI11-style check for unsigned options (CLI11 would wrap "-1" around):
// "" unless `text` starts with '-'.
inline std::string CheckNotNegative(const std::string& text) {
  if (!text.empty() && text.front() == '-') {
    return "must not be negative, got '" + text + "'";
  }
  return "";
}

}  // namespace strata::cli
