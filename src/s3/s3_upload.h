// Multipart upload helpers of S3 write files: the background part tasks and
// the error mapping at commit. The file itself is in s3_upload.cc.
//
// Thread-safety: stateless functions; each task owns its inputs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "s3/s3_fs_internal.h"
#include "strata/runtime/runtime.h"

namespace strata::s3 {

using PartHandle = runtime::JoinHandle<Result<CompletedPart>>;

// Uploads `body` as part `part_number` (the task owns the bytes).
Task<Result<CompletedPart>> UploadPartTask(ContextRef ctx, ObjectPath obj,
                                           std::string upload_id,
                                           int part_number,
                                           std::vector<std::byte> body);

// Copies the whole of `src` (which must still have `src_etag`) as part
// `part_number`.
Task<Result<CompletedPart>> CopyPartTask(ContextRef ctx, ObjectPath obj,
                                         std::string upload_id, int part_number,
                                         std::string src_etag);

// Waits for `parts` (ignoring their results), then aborts the upload.
Task<Status> AbortUploadTask(ContextRef ctx, ObjectPath obj,
                             std::string upload_id,
                             std::vector<PartHandle> parts);

// The status a failed commit reports: create-only conflicts become
// kAlreadyExists, failed if_match kFailedPrecondition; the path is named.
Status MapCommitError(const Status& st, const std::string& desc,
                      bool create_only);

}  // namespace strata::s3
