// Resolving command-line URIs and naming them in messages.

#include "cli/location.h"

#include <ctime>
#include <string>
#include <utility>

#include "cli/object_store_flags.h"

namespace strata::cli {

std::string Location::Display() const {
  if (uri.scheme == "file") return uri.path;
  std::string_view rest(uri.path);
  if (!path_prefix.empty() && rest.starts_with(path_prefix)) {
    rest.remove_prefix(path_prefix.size());
  }
  std::string out = uri.scheme + "://" + uri.authority;
  out += rest.empty() ? std::string_view("/") : rest;
  return out;
}

Location Location::Child(std::string_view relative) const {
  Location child = *this;
  child.uri.path = fs::JoinPath(uri.path, relative);
  child.trailing_slash = false;
  return child;
}

bool Location::SameAs(const Location& other) const {
  return fs == other.fs && path() == other.path();
}

bool Location::Within(const Location& ancestor) const {
  if (fs != ancestor.fs) return false;
  const std::string& base = ancestor.path();
  if (path() == base || base == "/") return true;
  return path().size() > base.size() && path().starts_with(base) &&
         path()[base.size()] == '/';
}

Result<Location> ResolveLocation(std::string_view text) {
  std::string with_flags = ApplyObjectStoreFlags(text);
  STRATA_ASSIGN_OR_RETURN(fs::Uri uri, fs::Uri::Parse(with_flags));
  STRATA_ASSIGN_OR_RETURN(fs::FileSystemRef ref,
                          fs::OpenFileSystem(with_flags));
  Location location;
  // The backend path ends with the URI's path; what comes before it is the
  // part the authority names (the bucket or container).
  std::string_view backend(ref.path);
  if (uri.path != "/" && backend.ends_with(uri.path)) {
    location.path_prefix = ref.path.substr(0, backend.size() - uri.path.size());
  } else if (uri.path == "/" && backend != "/") {
    location.path_prefix = ref.path;
  }
  location.uri = std::move(uri);
  location.uri.path = std::move(ref.path);
  location.fs = std::move(ref.fs);
  location.trailing_slash = text.ends_with('/');
  return location;
}

Status Annotate(const Status& status, const Location& location) {
  if (status.ok()) return status;
  std::string name = location.Display();
  if (status.message().find(name) != std::string_view::npos) return status;
  return status.WithContext(name);
}

std::string RelativePath(std::string_view dir, std::string_view path) {
  if (path.size() <= dir.size() || !path.starts_with(dir)) {
    return std::string(fs::BaseName(path));
  }
  path.remove_prefix(dir.size());
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  return std::string(path);
}

std::string FormatTime(std::chrono::system_clock::time_point time) {
  std::time_t t = std::chrono::system_clock::to_time_t(time);
  struct std::tm tm {};
  if (gmtime_r(&t, &tm) == nullptr) return "-";
  char buf[32];
  size_t n = std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return std::string(buf, n);
}

}  // namespace strata::cli
