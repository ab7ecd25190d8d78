// From an s3://, s3a:// or gs:// URI to s3::ClientOptions.
//
// The URI's authority is the bucket. Query parameters override what the
// environment and profile would give: endpoint (URL), region, path_style
// (true|false), profile, anonymous (true|false), checksum (crc32c|
// crc64nvme|sha256|none). gs:// selects Flavor::kGcs (HMAC keys through the
// AWS_* variables or a profile, endpoint https://storage.googleapis.com).
// An unknown parameter or a bad value is kInvalidArgument naming it.
//
// Thread-safety: a pure function.
#pragma once

#include "strata/core/result.h"
#include "strata/fs/registry.h"
#include "strata/s3/client.h"

namespace strata::s3 {

Result<ClientOptions> ClientOptionsFromUri(const fs::Uri& uri);

}  // namespace strata::s3
