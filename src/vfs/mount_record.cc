// Mount records as JSON (docs/metadata-schema.md).

#include "vfs/mount_record.h"

#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>

#include "strata/vfs/path.h"

namespace strata::vfs::mount_record {
namespace {

using nlohmann::json;

Status Corrupt(std::string_view key, std::string_view why) {
  return DataLossError("corrupt mount table record '" + std::string(key) +
                       "': " + std::string(why));
}

// Reads field `name` of object `j`; nullptr when absent.
const json* Field(const json& j, const char* name) {
  auto it = j.find(name);
  return it == j.end() ? nullptr : &*it;
}

Result<std::string> GetString(const json& j, const char* name,
                              std::string_view key) {
  const json* f = Field(j, name);
  if (f == nullptr || !f->is_string()) {
    return Corrupt(key,
                   std::string("'") + name + "' is missing or not a string");
  }
  return f->get<std::string>();
}

Result<uint64_t> GetUnsigned(const json& j, const char* name,
                             std::string_view key) {
  const json* f = Field(j, name);
  if (f == nullptr || !f->is_number_unsigned()) {
    return Corrupt(key, std::string("'") + name +
                            "' is missing or not an unsigned integer");
  }
  return f->get<uint64_t>();
}

// An optional bool: false when absent.
Result<bool> GetFlag(const json& j, const char* name, std::string_view key) {
  const json* f = Field(j, name);
  if (f == nullptr) return false;
  if (!f->is_boolean()) {
    return Corrupt(key, std::string("'") + name + "' is not true or false");
  }
  return f->get<bool>();
}

Result<std::optional<std::chrono::milliseconds>> GetInterval(
    const json& j, std::string_view key) {
  const json* f = Field(j, "sync_interval_ms");
  if (f == nullptr || f->is_null()) {
    return std::optional<std::chrono::milliseconds>();
  }
  bool fits = f->is_number_integer() &&
              (!f->is_number_unsigned() ||
               f->get<uint64_t>() <=
                   static_cast<uint64_t>(std::numeric_limits<int64_t>::max()));
  if (!fits || f->get<int64_t>() < -1) {
    return Corrupt(key, "'sync_interval_ms' is not an integer >= -1");
  }
  return std::optional(std::chrono::milliseconds(f->get<int64_t>()));
}

Result<std::map<std::string, std::string>> GetBackendOptions(
    const json& j, std::string_view key) {
  std::map<std::string, std::string> out;
  const json* f = Field(j, "options");
  if (f == nullptr) return out;
  if (!f->is_object()) return Corrupt(key, "'options' is not an object");
  for (auto it = f->begin(); it != f->end(); ++it) {
    if (!it.value().is_string() || it.key().empty()) {
      return Corrupt(key, "option '" + it.key() + "' is not a string");
    }
    out[it.key()] = it.value().get<std::string>();
  }
  return out;
}

Result<MountPoint> DecodeObject(const json& j, std::string_view key) {
  MountPoint m;
  STRATA_ASSIGN_OR_RETURN(m.path, GetString(j, "path", key));
  if (Key(m.path) != key) {
    return Corrupt(key, "its path '" + m.path + "' does not match the key");
  }
  Result<std::string> normal = NormalizeVirtualPath(m.path);
  if (!normal.ok() || *normal != m.path) {
    return Corrupt(key, "path '" + m.path + "' is not a normalised path");
  }
  STRATA_ASSIGN_OR_RETURN(m.uri, GetString(j, "uri", key));
  if (m.uri.empty()) return Corrupt(key, "'uri' is empty");
  STRATA_ASSIGN_OR_RETURN(m.id, GetUnsigned(j, "id", key));
  STRATA_ASSIGN_OR_RETURN(m.root_ino, GetUnsigned(j, "root_ino", key));
  if (m.id == 0 || m.root_ino == 0) {
    return Corrupt(key, "'id' and 'root_ino' must be positive");
  }
  STRATA_ASSIGN_OR_RETURN(m.options.readonly, GetFlag(j, "readonly", key));
  STRATA_ASSIGN_OR_RETURN(m.options.shared, GetFlag(j, "shared", key));
  STRATA_ASSIGN_OR_RETURN(m.options.sync_interval, GetInterval(j, key));
  STRATA_ASSIGN_OR_RETURN(m.options.backend, GetBackendOptions(j, key));
  return m;
}

// Decodes one UTF-8 sequence starting at s[i]; its length, or 0 if invalid.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto byte = [&s](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char lead = byte(i);
  if (lead < 0x80) return 1;
  size_t len = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
  if (len == 0 || lead > 0xF4 || i + len > s.size()) return 0;
  uint32_t cp = lead & (0x7F >> len);
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
  if (cp < kMin[len] || cp > 0x10FFFF || surrogate) return 0;
  return len;
}

Status CheckUtf8(std::string_view field, std::string_view value,
                 std::string_view path) {
  if (IsValidUtf8(value)) return Status::OK();
  return InvalidArgumentError("mount " + std::string(path) + ": " +
                              std::string(field) + " is not valid UTF-8");
}

}  // namespace

std::string Key(std::string_view mount_point) {
  return std::string(kKeyPrefix) + std::string(mount_point);
}

bool IsValidUtf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    size_t len = Utf8SequenceLength(text, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

Result<std::string> Encode(const MountPoint& mount,
                           int64_t created_unix_nanos) {
  STRATA_RETURN_IF_ERROR(CheckUtf8("the path", mount.path, mount.path));
  STRATA_RETURN_IF_ERROR(CheckUtf8("the URI", mount.uri, mount.path));
  json options = json::object();
  for (const auto& [name, value] : mount.options.backend) {
    STRATA_RETURN_IF_ERROR(
        CheckUtf8("option name '" + name + "'", name, mount.path));
    STRATA_RETURN_IF_ERROR(
        CheckUtf8("the value of option '" + name + "'", value, mount.path));
    options[name] = value;
  }
  json j = {{"id", mount.id},
            {"path", mount.path},
            {"uri", mount.uri},
            {"options", std::move(options)},
            {"readonly", mount.options.readonly},
            {"shared", mount.options.shared},
            {"root_ino", mount.root_ino},
            {"created_unix_nanos", created_unix_nanos}};
  if (mount.options.sync_interval.has_value()) {
    j["sync_interval_ms"] = mount.options.sync_interval->count();
  }
  return j.dump();
}

Result<MountPoint> Decode(const KeyValue& kv) {
  json j = json::parse(kv.value, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Corrupt(kv.key, "not valid JSON");
  if (!j.is_object()) return Corrupt(kv.key, "not a JSON object");
  return DecodeObject(j, kv.key);
}

std::string EncodeNextId(uint64_t next) { return json{{"next", next}}.dump(); }

Result<uint64_t> DecodeNextId(std::string_view value) {
  json j = json::parse(value, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Corrupt(kNextIdKey, "not a JSON object");
  }
  STRATA_ASSIGN_OR_RETURN(uint64_t next, GetUnsigned(j, "next", kNextIdKey));
  if (next == 0) return Corrupt(kNextIdKey, "'next' must be positive");
  return next;
}

}  // namespace strata::vfs::mount_record
