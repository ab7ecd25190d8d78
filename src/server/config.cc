// LoadConfigFile and ParseDuration: the `strata server` TOML configuration.
//
// toml++ reports syntax errors with exceptions; they are caught here and
// turned into a Status naming the file and line, so nothing escapes.

#include <toml++/toml.h>

#include <cerrno>
#include <charconv>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

#include "server/server.h"

namespace strata::server {
namespace {

std::string Where(const std::string& file, const toml::source_region& src) {
  return file + ":" + std::to_string(src.begin.line);
}

Status BadValue(const std::string& file, const toml::key& key,
                std::string_view expected) {
  return InvalidArgumentError(Where(file, key.source()) + ": key \"" +
                              std::string(key.str()) + "\" must be " +
                              std::string(expected));
}

Status ReadString(const std::string& file, const toml::key& key,
                  const toml::node& node, std::string* out) {
  const toml::value<std::string>* value = node.as_string();
  if (value == nullptr) return BadValue(file, key, "a string");
  *out = value->get();
  return Status::OK();
}

Status ReadBool(const std::string& file, const toml::key& key,
                const toml::node& node, bool* out) {
  const toml::value<bool>* value = node.as_boolean();
  if (value == nullptr) return BadValue(file, key, "true or false");
  *out = value->get();
  return Status::OK();
}

Status ReadThreads(const std::string& file, const toml::key& key,
                   const toml::node& node, int* out) {
  const toml::value<int64_t>* value = node.as_integer();
  if (value == nullptr || value->get() < 0 || value->get() > 4096) {
    return BadValue(file, key, "an integer in 0..4096");
  }
  *out = static_cast<int>(value->get());
  return Status::OK();
}

Status ReadMetadata(const std::string& file, const toml::key& key,
                    const toml::node& node, std::string* out) {
  std::string text;
  STRATA_RETURN_IF_ERROR(ReadString(file, key, node, &text));
  if (text != "rocksdb" && text != "memory") {
    return BadValue(file, key, "\"rocksdb\" or \"memory\"");
  }
  *out = text;
  return Status::OK();
}

Status ReadInterval(const std::string& file, const toml::key& key,
                    const toml::node& node, std::chrono::milliseconds* out) {
  std::string text;
  STRATA_RETURN_IF_ERROR(ReadString(file, key, node, &text));
  Result<std::chrono::milliseconds> parsed = ParseDuration(text);
  if (!parsed.ok()) {
    return BadValue(file, key, "a duration (\"60s\", \"0\", \"never\")");
  }
  *out = *parsed;
  return Status::OK();
}

// Applies one top-level key to `options`.
Status ApplyKey(const std::string& file, const toml::key& key,
                const toml::node& node, ServerOptions* options) {
  std::string_view name = key.str();
  if (name == "data_dir")
    return ReadString(file, key, node, &options->data_dir);
  if (name == "listen") return ReadString(file, key, node, &options->listen);
  if (name == "metrics_listen") {
    STRATA_RETURN_IF_ERROR(
        ReadString(file, key, node, &options->metrics_listen));
    if (options->metrics_listen == "off") options->metrics_listen.clear();
    return Status::OK();
  }
  if (name == "root_uri")
    return ReadString(file, key, node, &options->root_uri);
  if (name == "metadata") {
    return ReadMetadata(file, key, node, &options->metadata);
  }
  if (name == "sync_metadata") {
    return ReadBool(file, key, node, &options->sync_metadata);
  }
  if (name == "sync_interval") {
    return ReadInterval(file, key, node, &options->default_sync_interval);
  }
  if (name == "max_threads") {
    return ReadThreads(file, key, node, &options->max_threads);
  }
  return InvalidArgumentError(Where(file, key.source()) + ": unknown key \"" +
                              std::string(name) + "\"");
}

Result<toml::table> ParseFile(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return NotFoundError("config file " + path + " not found");
  }
  try {
    return toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return InvalidArgumentError(Where(path, e.source()) + ": " +
                                std::string(e.description()));
  }
}

}  // namespace

Result<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  if (text == "never") return std::chrono::milliseconds(-1);
  uint64_t number = 0;
  const char* end = text.data() + text.size();
  auto [rest, ec] = std::from_chars(text.data(), end, number);
  std::string_view unit(rest, end - rest);
  if (ec != std::errc() || rest == text.data()) {
    return InvalidArgumentError("bad duration \"" + std::string(text) +
                                "\" (want e.g. 250ms, 60s, 5m, 1h, 0, never)");
  }
  if (unit == "ms" || (unit.empty() && number == 0)) {
    return std::chrono::milliseconds(number);
  }
  if (unit == "s") return std::chrono::milliseconds(number * 1000);
  if (unit == "m") return std::chrono::milliseconds(number * 60'000);
  if (unit == "h") return std::chrono::milliseconds(number * 3'600'000);
  return InvalidArgumentError("bad duration unit in \"" + std::string(text) +
                              "\" (use ms, s, m or h)");
}

Status LoadConfigFile(const std::string& path, ServerOptions* options) {
  STRATA_ASSIGN_OR_RETURN(toml::table table, ParseFile(path));
  ServerOptions updated = *options;
  for (auto&& [key, node] : table) {
    STRATA_RETURN_IF_ERROR(ApplyKey(path, key, node, &updated));
  }
  *options = std::move(updated);
  return Status::OK();
}

}  // namespace strata::server
