// Mount table rules over values (see mount_table_rules.h).

#include "vfs/mount_table_rules.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "strata/vfs/path.h"

namespace strata::vfs::mount_rules {
namespace {

constexpr std::string_view kRedacted = "<redacted>";

// What identifies one store: two URIs with equal keys address the same
// objects, so their paths must not overlap.
struct StoreKey {
  std::string scheme;
  std::string authority;
  std::string endpoint;
  std::string account;
  bool operator==(const StoreKey&) const = default;
};

std::string Option(const std::map<std::string, std::string>& query,
                   const char* name) {
  auto it = query.find(name);
  return it == query.end() ? std::string() : it->second;
}

StoreKey KeyOf(const fs::Uri& uri, const MountOptions& options) {
  std::map<std::string, std::string> query = EffectiveQuery(uri, options);
  StoreKey key;
  key.scheme = uri.scheme == "s3a" ? std::string("s3") : uri.scheme;
  key.authority = uri.authority;
  key.endpoint = Option(query, "endpoint");
  while (key.endpoint.ends_with('/')) key.endpoint.pop_back();
  key.account = Option(query, "account");
  return key;
}

bool Overlaps(std::string_view a, std::string_view b) {
  return IsWithin(a, b) || IsWithin(b, a);
}

// The percent-encoded form of a query value, as fs::Uri::ToString writes it.
std::string EncodedQueryValue(const std::string& value) {
  fs::Uri uri;
  uri.scheme = "x";
  uri.path.assign(1, '/');
  uri.query["k"] = value;
  std::string text = uri.ToString();
  return text.substr(text.find("?k=") + 3);
}

// `value` with every byte but RFC 3986's unreserved ones percent-encoded,
// in upper- or lower-case hex (other encoders' forms of a secret).
std::string FullyEncoded(const std::string& value, bool upper) {
  const char* hex = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out;
  for (char ch : value) {
    auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 0xF]);
    }
  }
  return out;
}

void ReplaceAll(std::string* text, const std::string& needle) {
  if (needle.empty()) return;
  for (size_t at = text->find(needle); at != std::string::npos;
       at = text->find(needle, at + kRedacted.size())) {
    text->replace(at, needle.size(), kRedacted);
  }
}

Status WithMessage(const Status& status, std::string message) {
  return Status(status.code(), std::move(message), status.sys_errno(),
                status.retryable());
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

}  // namespace

std::string UriForMessages(std::string_view uri) {
  return std::string(uri.substr(0, uri.find('?')));
}

Result<fs::Uri> ParseMountUri(const std::string& uri) {
  std::string shown = UriForMessages(uri);
  if (uri.find("://") == std::string::npos) {
    return InvalidArgumentError(
        "mount URI \"" + shown +
        "\" has no scheme (use file:///abs/path, mem://name/, "
        "s3://bucket/prefix, az://container/prefix)");
  }
  Result<fs::Uri> parsed = fs::Uri::Parse(uri);
  if (parsed.ok() || shown.size() == uri.size()) return parsed;
  // The error may quote the query string: report it from the part before.
  Result<fs::Uri> without_query = fs::Uri::Parse(shown);
  if (!without_query.ok()) return without_query.status();
  return InvalidArgumentError("mount URI \"" + shown +
                              "\": malformed query string (not shown: it may "
                              "hold secrets)");
}

Status ScrubMountError(const Status& status, const std::string& uri,
                       const MountOptions& options) {
  Status scrubbed = ScrubSecrets(status, options);
  size_t query_at = uri.find('?');
  if (scrubbed.ok() || query_at == std::string::npos) return scrubbed;
  std::string message(scrubbed.message());
  std::string before = message;
  ReplaceAll(&message, uri.substr(query_at + 1));
  if (message == before) return scrubbed;
  return WithMessage(scrubbed, std::move(message));
}

std::map<std::string, std::string> EffectiveQuery(const fs::Uri& uri,
                                                  const MountOptions& options) {
  std::map<std::string, std::string> query = uri.query;
  for (const auto& [name, value] : options.backend) query[name] = value;
  return query;
}

Status CheckNoSecretsInUri(const fs::Uri& uri) {
  for (const auto& [name, value] : uri.query) {
    if (IsSecretOption(name)) {
      return InvalidArgumentError("mount URI " + uri.scheme + "://" +
                                  uri.authority + uri.path +
                                  " carries secret query parameter '" + name +
                                  "': pass it as a mount option (-o " + name +
                                  "=...) so it is never shown with the URI");
    }
  }
  return Status::OK();
}

Status CheckNoUriOverlap(
    const fs::Uri& uri, const MountOptions& options,
    const std::vector<std::shared_ptr<const MountPoint>>& existing) {
  StoreKey key = KeyOf(uri, options);
  for (const auto& mount : existing) {
    Result<fs::Uri> other = fs::Uri::Parse(mount->uri);
    if (!other.ok()) continue;  // cannot name the same objects as a good URI
    if (KeyOf(*other, mount->options) != key) continue;
    if (!Overlaps(uri.path, other->path)) continue;
    std::string relation =
        IsWithin(uri.path, other->path) ? "lies within" : "contains";
    return FailedPreconditionError(
        "mount URI " + uri.scheme + "://" + uri.authority + uri.path + " " +
        relation + " " + mount->uri + ", already mounted at " + mount->path +
        " (on the same store; mounts must not overlap)");
  }
  return Status::OK();
}

Result<fs::FileSystemRef> DefaultOpen(const std::string& uri,
                                      const MountOptions& options) {
  STRATA_ASSIGN_OR_RETURN(fs::Uri parsed, fs::Uri::Parse(uri));
  std::vector<std::string> schemes = fs::RegisteredSchemes();
  if (!std::binary_search(schemes.begin(), schemes.end(), parsed.scheme)) {
    return InvalidArgumentError("unknown scheme '" + parsed.scheme +
                                "' in mount URI " + UriForMessages(uri) +
                                " (known: " + JoinNames(schemes) + ")");
  }
  parsed.query = EffectiveQuery(parsed, options);
  return fs::OpenFileSystem(parsed.ToString());
}

Status ScrubSecrets(const Status& status, const MountOptions& options) {
  if (status.ok()) return status;
  std::string message(status.message());
  bool changed = false;
  for (const auto& [name, value] : options.backend) {
    if (!IsSecretOption(name) || value.empty()) continue;
    std::string before = message;
    ReplaceAll(&message, value);
    ReplaceAll(&message, EncodedQueryValue(value));
    ReplaceAll(&message, FullyEncoded(value, true));
    ReplaceAll(&message, FullyEncoded(value, false));
    changed = changed || message != before;
  }
  return changed ? WithMessage(status, std::move(message)) : status;
}

Task<Status> CheckReachable(fs::FileSystemRef backend, std::string uri) {
  Result<fs::FileInfo> info = co_await backend.fs->Stat(backend.path);
  if (info.ok()) {
    if (info->is_dir) co_return Status::OK();
    co_return FailedPreconditionError("mount URI " + uri + " names a file (" +
                                      backend.path + "), not a directory");
  }
  if (info.status().code() != StatusCode::kNotFound) {
    co_return info.status().WithContext("mount URI " + uri);
  }
  if (backend.fs->name() != "local") co_return Status::OK();
  co_return NotFoundError("mount URI " + uri + ": directory " + backend.path +
                          " does not exist in the backend");
}

Task<Status> PrepareRoot(fs::FileSystemRef backend, std::string uri) {
  if (backend.fs->capabilities().real_directories) {
    Result<fs::FileInfo> info = co_await backend.fs->Stat(backend.path);
    if (!info.ok() && info.status().code() == StatusCode::kNotFound) {
      Status st = co_await backend.fs->CreateDir(backend.path, true);
      if (!st.ok() && st.code() != StatusCode::kAlreadyExists) {
        co_return st.WithContext("creating the root mount's directory for " +
                                 uri);
      }
    }
  }
  co_return co_await CheckReachable(std::move(backend), std::move(uri));
}

Task<Status> CheckNotAFile(Resolved parent, std::string mount_point) {
  Result<fs::FileInfo> info = co_await parent.fs->Stat(parent.backend_path);
  if (info.ok()) {
    if (info->is_dir) co_return Status::OK();
    co_return FailedPreconditionError(
        "mount point " + mount_point + " is a file in the mount at " +
        parent.mount->path + " (" + parent.mount->uri + ")");
  }
  if (info.status().code() == StatusCode::kNotFound) co_return Status::OK();
  co_return info.status().WithContext("mount point " + mount_point +
                                      " in the mount at " + parent.mount->path);
}

}  // namespace strata::vfs::mount_rules
