// Path normalisation and URI parsing for the fs registry.

#include <unistd.h>

#include <cerrno>
#include <climits>
#include <string>
#include <string_view>
#include <vector>

#include "strata/fs/registry.h"

namespace strata::fs {
namespace {

constexpr std::string_view kSchemeSeparator = "://";

Status UriError(std::string_view uri, std::string_view what) {
  std::string msg = "invalid URI '";
  msg += uri;
  msg += "': ";
  msg += what;
  return InvalidArgumentError(std::move(msg));
}

bool IsSchemeChar(char c, bool first) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  if (first) return false;
  return (c >= '0' && c <= '9') || c == '+' || c == '.' || c == '-';
}

bool IsValidScheme(std::string_view scheme) {
  if (scheme.empty()) return false;
  for (size_t i = 0; i < scheme.size(); ++i) {
    if (!IsSchemeChar(scheme[i], i == 0)) return false;
  }
  return true;
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes %XX escapes; false if an escape is truncated or not hex.
bool PercentDecode(std::string_view in, std::string* out) {
  out->clear();
  out->reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out->push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size()) return false;
    int hi = HexValue(in[i + 1]);
    int lo = HexValue(in[i + 2]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return true;
}

// Characters that stand for themselves in a path (RFC 3986 pchar minus '%').
bool IsPathSafe(unsigned char c, bool in_query) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
      (c >= '0' && c <= '9')) {
    return true;
  }
  switch (c) {
    case '-':
    case '.':
    case '_':
    case '~':
    case '/':
    case ':':
    case '@':
    case '!':
    case '$':
    case '\'':
    case '(':
    case ')':
    case '*':
    case ',':
    case ';':
      return true;
    case '&':
    case '=':
    case '+':
      return !in_query;
    default:
      return false;
  }
}

void PercentEncode(std::string_view in, bool in_query, std::string* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char ch : in) {
    auto c = static_cast<unsigned char>(ch);
    if (IsPathSafe(c, in_query)) {
      out->push_back(ch);
    } else {
      out->push_back('%');
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 0xF]);
    }
  }
}

Status ParseQuery(std::string_view uri, std::string_view query,
                  std::map<std::string, std::string>* out) {
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view item = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view()
                                          : query.substr(amp + 1);
    if (item.empty()) continue;
    size_t eq = item.find('=');
    std::string key, value;
    if (!PercentDecode(item.substr(0, eq), &key) ||
        (eq != std::string_view::npos &&
         !PercentDecode(item.substr(eq + 1), &value))) {
      return UriError(uri, "invalid percent-escape in query");
    }
    if (key.empty()) return UriError(uri, "empty query parameter name");
    (*out)[std::move(key)] = std::move(value);
  }
  return Status::OK();
}

Result<std::string> CurrentDirectory() {
  std::vector<char> buf(PATH_MAX);
  while (::getcwd(buf.data(), buf.size()) == nullptr) {
    if (errno != ERANGE) return ErrnoToStatus(errno, "getcwd");
    buf.resize(buf.size() * 2);
  }
  return std::string(buf.data());
}

Result<Uri> ParseBarePath(std::string_view text) {
  Uri uri;
  uri.scheme = "file";
  std::string path(text);
  if (path.front() != '/') {
    STRATA_ASSIGN_OR_RETURN(std::string cwd, CurrentDirectory());
    path = JoinPath(cwd, path);
  }
  Result<std::string> normal = NormalizePath(path);
  if (!normal.ok()) return UriError(text, normal.status().message());
  uri.path = std::move(normal).value();
  return uri;
}

Status CheckAuthority(std::string_view text, Uri* uri) {
  if (uri->scheme == "file") {
    if (uri->authority == "localhost") uri->authority.clear();
    if (!uri->authority.empty()) {
      return UriError(text, "a file URI takes no host ('" + uri->authority +
                                "'); write file:///absolute/path");
    }
  }
  for (char c : uri->authority) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == ' ') {
      return UriError(text, "control character or space in authority");
    }
  }
  return Status::OK();
}

}  // namespace

Result<std::string> NormalizePath(std::string_view path) {
  if (path.find('\0') != std::string_view::npos) {
    return InvalidArgumentError("path contains a NUL byte: '" +
                                std::string(path.substr(0, path.find('\0'))) +
                                "\\0...'");
  }
  std::vector<std::string_view> parts;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view part = path.substr(pos, slash - pos);
    pos = slash + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (parts.empty()) {
        return InvalidArgumentError("path '" + std::string(path) +
                                    "' escapes the root with '..'");
      }
      parts.pop_back();
      continue;
    }
    parts.push_back(part);
  }
  if (parts.empty()) return std::string("/");
  std::string out;
  for (std::string_view part : parts) {
    out += '/';
    out += part;
  }
  return out;
}

std::string JoinPath(std::string_view dir, std::string_view name) {
  while (!name.empty() && name.front() == '/') name.remove_prefix(1);
  std::string out(dir);
  if (name.empty()) return out.empty() ? "/" : out;
  if (out.empty() || out.back() != '/') out += '/';
  out += name;
  return out;
}

std::string ParentPath(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos || slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

std::string_view BaseName(std::string_view path) {
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

Result<Uri> Uri::Parse(std::string_view text) {
  if (text.empty()) return InvalidArgumentError("invalid URI '': empty");
  if (text.find('\0') != std::string_view::npos) {
    return UriError(text.substr(0, text.find('\0')), "contains a NUL byte");
  }
  size_t sep = text.find(kSchemeSeparator);
  if (sep == std::string_view::npos) return ParseBarePath(text);
  std::string_view scheme = text.substr(0, sep);
  if (!IsValidScheme(scheme)) {
    return UriError(text, "malformed scheme '" + std::string(scheme) +
                              "' (expected [a-zA-Z][a-zA-Z0-9+.-]*)");
  }
  Uri uri;
  uri.scheme = ToLower(scheme);
  std::string_view rest = text.substr(sep + kSchemeSeparator.size());
  size_t query_at = rest.find('?');
  std::string_view query;
  if (query_at != std::string_view::npos) {
    query = rest.substr(query_at + 1);
    rest = rest.substr(0, query_at);
  }
  size_t path_at = rest.find('/');
  uri.authority = std::string(rest.substr(0, path_at));
  STRATA_RETURN_IF_ERROR(CheckAuthority(text, &uri));
  std::string decoded;
  if (path_at != std::string_view::npos &&
      !PercentDecode(rest.substr(path_at), &decoded)) {
    return UriError(text, "invalid percent-escape in path");
  }
  Result<std::string> normal = NormalizePath(decoded);
  if (!normal.ok()) return UriError(text, normal.status().message());
  uri.path = std::move(normal).value();
  STRATA_RETURN_IF_ERROR(ParseQuery(text, query, &uri.query));
  return uri;
}

std::string Uri::ToString() const {
  std::string out = scheme.empty() ? std::string("file") : scheme;
  out += kSchemeSeparator;
  out += authority;
  PercentEncode(path.empty() ? std::string_view("/") : path, false, &out);
  char joiner = '?';
  for (const auto& [key, value] : query) {
    out += joiner;
    joiner = '&';
    PercentEncode(key, true, &out);
    out += '=';
    PercentEncode(value, true, &out);
  }
  return out;
}

}  // namespace strata::fs
