// Virtual-path normalisation and validation (see strata/vfs/path.h).

#include "strata/vfs/path.h"

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace strata::vfs {
namespace {

// Longest piece of user input quoted in an error message.
constexpr size_t kMaxQuotedBytes = 200;

bool IsControlByte(char c) {
  const auto b = static_cast<unsigned char>(c);
  return b < 0x20 || b == 0x7f;
}

// `s` in single quotes, control bytes and quotes escaped as \xNN, cut to
// kMaxQuotedBytes, so a message never carries raw NULs or escape sequences.
std::string Quote(std::string_view s) {
  std::string out = "'";
  const size_t shown = s.size() < kMaxQuotedBytes ? s.size() : kMaxQuotedBytes;
  for (size_t i = 0; i < shown; ++i) {
    const char c = s[i];
    if (IsControlByte(c) || c == '\'' || c == '\\') {
      char hex[8];
      std::snprintf(hex, sizeof(hex), "\\x%02x", static_cast<unsigned char>(c));
      out += hex;
    } else {
      out += c;
    }
  }
  out += '\'';
  if (shown < s.size()) {
    out += "... (" + std::to_string(s.size()) + " bytes)";
  }
  return out;
}

Status PathError(std::string_view path, std::string_view what) {
  return InvalidArgumentError("invalid path " + Quote(path) + ": " +
                              std::string(what));
}

Status CheckNoControlBytes(std::string_view path) {
  for (size_t i = 0; i < path.size(); ++i) {
    if (IsControlByte(path[i])) {
      return PathError(path, "control byte at offset " + std::to_string(i));
    }
  }
  return Status::OK();
}

// Applies one component to the stack of kept components.
Status PushComponent(std::string_view path, std::string_view part,
                     std::vector<std::string_view>* parts) {
  if (part.empty() || part == ".") return Status::OK();
  if (part == "..") {
    if (parts->empty()) return PathError(path, "'..' above the root");
    parts->pop_back();
    return Status::OK();
  }
  if (part.size() > kMaxNameBytes) {
    return PathError(path, "a name is " + std::to_string(part.size()) +
                               " bytes, longer than " +
                               std::to_string(kMaxNameBytes));
  }
  parts->push_back(part);
  return Status::OK();
}

}  // namespace

Result<std::string> NormalizeVirtualPath(std::string_view path) {
  if (path.empty()) return PathError(path, "empty");
  if (path.front() != '/') return PathError(path, "not absolute");
  STRATA_RETURN_IF_ERROR(CheckNoControlBytes(path));
  std::vector<std::string_view> parts;
  size_t pos = 0;
  while (pos < path.size()) {
    size_t end = path.find('/', pos);
    if (end == std::string_view::npos) end = path.size();
    STRATA_RETURN_IF_ERROR(
        PushComponent(path, path.substr(pos, end - pos), &parts));
    pos = end + 1;
  }
  if (parts.empty()) return std::string("/");
  std::string out;
  for (std::string_view part : parts) {
    out += '/';
    out += part;
  }
  if (out.size() > kMaxPathBytes) {
    return PathError(path, "normalised path is " + std::to_string(out.size()) +
                               " bytes, longer than " +
                               std::to_string(kMaxPathBytes));
  }
  return out;
}

Status ValidateName(std::string_view name) {
  auto error = [name](std::string_view what) {
    return InvalidArgumentError("invalid name " + Quote(name) + ": " +
                                std::string(what));
  };
  if (name.empty()) return error("empty");
  if (name == "." || name == "..") return error("reserved");
  if (name.size() > kMaxNameBytes) {
    return error(std::to_string(name.size()) + " bytes, longer than " +
                 std::to_string(kMaxNameBytes));
  }
  for (size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '/') return error("contains '/'");
    if (IsControlByte(name[i])) {
      return error("control byte at offset " + std::to_string(i));
    }
  }
  return Status::OK();
}

bool IsWithin(std::string_view path, std::string_view dir) {
  if (dir == "/") return !path.empty() && path.front() == '/';
  if (path.size() < dir.size() || path.substr(0, dir.size()) != dir) {
    return false;
  }
  return path.size() == dir.size() || path[dir.size()] == '/';
}

std::string RelativeTo(std::string_view path, std::string_view dir) {
  if (!IsWithin(path, dir)) return std::string();
  if (dir == "/") return std::string(path);
  if (path.size() == dir.size()) return "/";
  return std::string(path.substr(dir.size()));
}

}  // namespace strata::vfs
