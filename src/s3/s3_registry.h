// The s3://, s3a:// and gs:// URI query parameters → FileSystemOptions.
// Private to src/s3 (the registry uses it; tests check what it parses).
//
// Parameters: endpoint, region, profile, path_style, dir_check, anonymous,
// checksum, and the explicit credentials access_key_id, secret_access_key,
// session_token (access_key_id and secret_access_key go together). Error
// messages name the URI without its query, so secrets never reach them.
//
// Thread-safety: a pure function.
#pragma once
#include <string>

#include "strata/core/result.h"
#include "strata/fs/registry.h"
#include "strata/s3/s3_fs.h"

namespace strata::s3 {

// kInvalidArgument naming the parameter for an unknown one or a bad value.
Result<FileSystemOptions> FileSystemOptionsFromUri(const std::string& scheme,
                                                   const fs::Uri& uri);

}  // namespace strata::s3
