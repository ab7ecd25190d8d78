// The mount table's rules as functions over values: which store a URI
// names, URI overlap, nesting, the default FileSystemOpener, backend
// reachability and scrubbing secrets out of error messages. Private to
// src/vfs; MountTable (mount_table.cc) applies them in order.
//
// Thread-safety: pure functions, except the coroutines, which only touch
// the FileSystems they are given.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "strata/core/result.h"
#include "strata/core/task.h"
#include "strata/fs/registry.h"
#include "strata/vfs/mount_table.h"

namespace strata::vfs::mount_rules {

// `uri` as it may be quoted in an error message: everything from the first
// '?' on is dropped (the query string may hold secrets).
std::string UriForMessages(std::string_view uri);

// Parses a mount URI. kInvalidArgument when it has no "scheme://" (bare
// paths are not accepted as mount URIs) or does not parse; the message
// quotes the URI without its query string, and a malformed query string is
// reported without being shown.
Result<fs::Uri> ParseMountUri(const std::string& uri);

// ScrubSecrets, and also every occurrence of `uri`'s query string replaced
// by "<redacted>": what a mount error may say about the user's input.
Status ScrubMountError(const Status& status, const std::string& uri,
                       const MountOptions& options);

// The URI's query parameters overlaid with the mount's backend options (the
// options win): what the backend is opened with.
std::map<std::string, std::string> EffectiveQuery(const fs::Uri& uri,
                                                  const MountOptions& options);

// kInvalidArgument when the URI itself carries a secret query parameter:
// secrets go in mount options, because the URI is shown by ListMounts.
Status CheckNoSecretsInUri(const fs::Uri& uri);

// kFailedPrecondition, naming both, when `uri` (with `options`) and an
// existing mount's URI are on the same store (same scheme, s3a counted as
// s3; same authority; same `endpoint` and `account` options) and one's path
// lies within the other's.
Status CheckNoUriOverlap(
    const fs::Uri& uri, const MountOptions& options,
    const std::vector<std::shared_ptr<const MountPoint>>& existing);

// The default FileSystemOpener: kInvalidArgument listing the registered
// schemes for an unknown one; otherwise fs::OpenFileSystem on the URI with
// the backend options set as query parameters.
Result<fs::FileSystemRef> DefaultOpen(const std::string& uri,
                                      const MountOptions& options);

// `status` with every secret option value (raw or percent-encoded) in its
// message replaced by "<redacted>"; same code.
Status ScrubSecrets(const Status& status, const MountOptions& options);

// OK when the backend's base directory is usable: it exists as a directory,
// or it is missing on any backend but the local file system (an object
// store prefix that has no objects yet, even where markers give the store
// real directories). kNotFound for a missing local directory,
// kFailedPrecondition for a file, the Stat error otherwise; all naming
// `uri`, which must already be fit for messages (UriForMessages).
Task<Status> CheckReachable(fs::FileSystemRef backend, std::string uri);

// Makes sure the root mount's base directory exists (creating it on a
// backend with real directories), then checks it as CheckReachable does.
Task<Status> PrepareRoot(fs::FileSystemRef backend, std::string uri);

// kFailedPrecondition when `backend_path` inside `parent` is a file: a
// mount point must not hide a file of the mount that holds it.
Task<Status> CheckNotAFile(Resolved parent, std::string mount_point);

}  // namespace strata::vfs::mount_rules
