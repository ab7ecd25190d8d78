// MountOptions: `-o key=value` pairs to typed mount options and back, and
// which option keys hold secrets.

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <limits>
#include <string>
#include <string_view>

#include "strata/vfs/mount_table.h"

namespace strata::vfs {
namespace {

constexpr std::string_view kReadonly = "readonly";
constexpr std::string_view kShared = "shared";
constexpr std::string_view kSyncInterval = "sync_interval";
constexpr std::string_view kNever = "never";
constexpr std::string_view kRedacted = "<redacted>";

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

Result<bool> ParseBool(const std::string& key, const std::string& value) {
  std::string lower = ToLower(value);
  if (lower.empty() || lower == "true" || lower == "1") return true;
  if (lower == "false" || lower == "0") return false;
  return InvalidArgumentError("mount option " + key + "=" + value +
                              ": expected true or false");
}

// Milliseconds per unit; 0 for an unknown unit.
int64_t UnitMillis(std::string_view unit) {
  if (unit == "ms") return 1;
  if (unit == "s") return 1000;
  if (unit == "m") return 60 * 1000;
  if (unit == "h") return 60 * 60 * 1000;
  return 0;
}

Result<std::chrono::milliseconds> ParseInterval(const std::string& value) {
  auto bad = [&value](std::string_view why) {
    return InvalidArgumentError("mount option sync_interval=" + value + ": " +
                                std::string(why) +
                                " (expected 0, never, or a number with a "
                                "unit ms, s, m or h, as in 30s)");
  };
  std::string lower = ToLower(value);
  if (lower == kNever) return kSyncNever;
  if (lower == "0") return kSyncAlways;
  int64_t number = 0;
  const char* begin = lower.data();
  const char* end = lower.data() + lower.size();
  auto [next, ec] = std::from_chars(begin, end, number);
  if (ec != std::errc() || next == begin || number < 0) {
    return bad("not a non-negative number");
  }
  int64_t unit = UnitMillis(std::string_view(next, end - next));
  if (unit == 0) return bad("missing or unknown unit");
  if (number > std::numeric_limits<int64_t>::max() / unit) {
    return bad("too large");
  }
  return std::chrono::milliseconds(number * unit);
}

std::string FormatInterval(std::chrono::milliseconds interval) {
  int64_t ms = interval.count();
  if (interval == kSyncNever) return std::string(kNever);
  if (ms <= 0) return "0";
  for (auto [unit, size] : std::array<std::pair<const char*, int64_t>, 3>{
           {{"h", 3600000}, {"m", 60000}, {"s", 1000}}}) {
    if (ms % size == 0) return std::to_string(ms / size) + unit;
  }
  return std::to_string(ms) + "ms";
}

// The canonical name of a namespace option key (matched case-insensitively,
// with "read_only" and "read-only" spelling "readonly"); empty for a
// backend option.
std::string_view NamespaceOption(const std::string& key) {
  std::string lower = ToLower(key);
  if (lower == kReadonly || lower == "read_only" || lower == "read-only") {
    return kReadonly;
  }
  if (lower == kShared) return kShared;
  if (lower == kSyncInterval) return kSyncInterval;
  return {};
}

}  // namespace

Result<MountOptions> MountOptions::Parse(
    const std::map<std::string, std::string>& pairs) {
  MountOptions out;
  for (const auto& [key, value] : pairs) {
    if (key.empty()) {
      return InvalidArgumentError("mount option with an empty name");
    }
    std::string_view option = NamespaceOption(key);
    if (option == kReadonly) {
      STRATA_ASSIGN_OR_RETURN(out.readonly, ParseBool(key, value));
    } else if (option == kShared) {
      STRATA_ASSIGN_OR_RETURN(out.shared, ParseBool(key, value));
    } else if (option == kSyncInterval) {
      STRATA_ASSIGN_OR_RETURN(out.sync_interval, ParseInterval(value));
    } else {
      out.backend[key] = value;
    }
  }
  return out;
}

std::map<std::string, std::string> MountOptions::ToPairs() const {
  std::map<std::string, std::string> out = backend;
  if (readonly) out[std::string(kReadonly)] = "true";
  if (shared) out[std::string(kShared)] = "true";
  if (sync_interval.has_value()) {
    out[std::string(kSyncInterval)] = FormatInterval(*sync_interval);
  }
  return out;
}

std::map<std::string, std::string> MountOptions::Redacted() const {
  std::map<std::string, std::string> out = ToPairs();
  for (auto& [key, value] : out) {
    if (IsSecretOption(key)) value = std::string(kRedacted);
  }
  return out;
}

bool IsSecretOption(std::string_view key) {
  static constexpr std::array<std::string_view, 1> kNotSecret = {"key_prefix"};
  static constexpr std::array<std::string_view, 8> kSecretParts = {
      "secret",     "key",       "token", "password",
      "credential", "signature", "sas",   "connection_string"};
  std::string lower = ToLower(key);
  if (std::find(kNotSecret.begin(), kNotSecret.end(), lower) !=
      kNotSecret.end()) {
    return false;
  }
  return std::any_of(kSecretParts.begin(), kSecretParts.end(),
                     [&lower](std::string_view part) {
                       return lower.find(part) != std::string::npos;
                     });
}

}  // namespace strata::vfs
