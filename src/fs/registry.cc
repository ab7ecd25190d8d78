// The URI scheme registry. Built-in schemes are registered when the registry
// itself is first used, not by static initialisers.

#include "strata/fs/registry.h"

#include <map>
#include <mutex>
#include <utility>

#include "strata/fs/local.h"
#include "strata/fs/memory.h"

namespace strata::fs {
namespace {

bool IsRegistrableScheme(const std::string& scheme) {
  if (scheme.empty() || scheme[0] < 'a' || scheme[0] > 'z') return false;
  for (char c : scheme) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
              c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// kInvalidArgument naming the first query parameter of `uri`, for schemes
// that take none: an option they would silently ignore (say a misspelt
// "readonly") must not go unnoticed. Only names are quoted: values may be
// secrets.
Status CheckNoQuery(const Uri& uri) {
  if (uri.query.empty()) return Status::OK();
  return InvalidArgumentError(uri.scheme + ":// takes no query parameters: '" +
                              uri.query.begin()->first + "'");
}

Result<std::shared_ptr<FileSystem>> OpenLocal(
    const std::shared_ptr<FileSystem>& local, const Uri& uri) {
  STRATA_RETURN_IF_ERROR(CheckNoQuery(uri));
  return local;
}

Result<std::shared_ptr<FileSystem>> OpenMemory(const Uri& uri) {
  STRATA_RETURN_IF_ERROR(CheckNoQuery(uri));
  if (uri.authority.empty()) {
    return InvalidArgumentError("invalid URI '" + uri.ToString() +
                                "': mem:// needs a store name, as in "
                                "mem://name/path");
  }
  return std::shared_ptr<FileSystem>(MemoryFileSystem::Named(uri.authority));
}

class SchemeRegistry {
 public:
  // Never destroyed, so lookups during static destruction stay valid.
  static SchemeRegistry& Get() {
    static SchemeRegistry* registry = new SchemeRegistry();
    return *registry;
  }

  struct Entry {
    FileSystemFactory factory;
    SchemeOptions options;
  };

  Status Register(const std::string& scheme, FileSystemFactory factory,
                  SchemeOptions options) {
    if (!IsRegistrableScheme(scheme)) {
      return InvalidArgumentError("RegisterScheme: invalid scheme '" + scheme +
                                  "' (expected [a-z][a-z0-9+.-]*)");
    }
    if (!factory) {
      return InvalidArgumentError("RegisterScheme: no factory for scheme '" +
                                  scheme + "'");
    }
    std::lock_guard lock(mu_);
    auto [it, inserted] =
        factories_.emplace(scheme, Entry{std::move(factory), options});
    if (!inserted) {
      return AlreadyExistsError("RegisterScheme: scheme '" + scheme +
                                "' is already registered");
    }
    return Status::OK();
  }

  std::vector<std::string> Schemes() const {
    std::lock_guard lock(mu_);
    std::vector<std::string> out;
    out.reserve(factories_.size());
    for (const auto& entry : factories_) out.push_back(entry.first);
    return out;
  }

  // A copy of the entry, so its factory runs without the lock held.
  Entry Find(const std::string& scheme) const {
    std::lock_guard lock(mu_);
    auto it = factories_.find(scheme);
    return it == factories_.end() ? Entry() : it->second;
  }

 private:
  SchemeRegistry() {
    std::shared_ptr<FileSystem> local = NewLocalFileSystem();
    factories_.emplace(
        "file", Entry{[local](const Uri& uri) { return OpenLocal(local, uri); },
                      SchemeOptions()});
    factories_.emplace("mem", Entry{&OpenMemory, SchemeOptions()});
  }

  mutable std::mutex mu_;
  std::map<std::string, Entry> factories_;
};

std::string JoinSchemes(const std::vector<std::string>& schemes) {
  std::string out;
  for (const std::string& scheme : schemes) {
    if (!out.empty()) out += ", ";
    out += scheme;
  }
  return out;
}

}  // namespace

Status RegisterScheme(const std::string& scheme, FileSystemFactory factory,
                      SchemeOptions options) {
  return SchemeRegistry::Get().Register(scheme, std::move(factory), options);
}

std::vector<std::string> RegisteredSchemes() {
  return SchemeRegistry::Get().Schemes();
}

Result<FileSystemRef> OpenFileSystem(std::string_view text) {
  STRATA_ASSIGN_OR_RETURN(Uri uri, Uri::Parse(text));
  SchemeRegistry& registry = SchemeRegistry::Get();
  auto [factory, options] = registry.Find(uri.scheme);
  if (!factory) {
    return InvalidArgumentError(
        "unknown scheme '" + uri.scheme + "' in '" + std::string(text) +
        "' (known: " + JoinSchemes(registry.Schemes()) + ")");
  }
  STRATA_ASSIGN_OR_RETURN(std::shared_ptr<FileSystem> fs, factory(uri));
  if (fs == nullptr) {
    return InternalError("the factory for scheme '" + uri.scheme +
                         "' returned no file system for '" + std::string(text) +
                         "'");
  }
  if (options.authority_in_path && !uri.authority.empty()) {
    std::string path = "/" + uri.authority;
    if (uri.path != "/") path += uri.path;
    return FileSystemRef{std::move(fs), std::move(path)};
  }
  return FileSystemRef{std::move(fs), std::move(uri.path)};
}

}  // namespace strata::fs
