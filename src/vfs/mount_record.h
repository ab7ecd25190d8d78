// Mount records: how the mount table is laid out in the MetaStore (format:
// docs/metadata-schema.md, "Mount record").
//
//   mount/<mount point>   one JSON record per mount
//   meta/next_mount_id    {"next":N}: the next mount id (ids are never reused)
//
// Decoding never trusts the stored bytes: anything malformed is kDataLoss
// naming the key. Private to src/vfs.
//
// Thread-safety: pure functions over values.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "strata/core/result.h"
#include "strata/vfs/meta_store.h"
#include "strata/vfs/mount_table.h"

namespace strata::vfs::mount_record {

inline constexpr std::string_view kKeyPrefix = "mount/";
inline constexpr std::string_view kNextIdKey = "meta/next_mount_id";

// "mount/" + normalised mount point.
std::string Key(std::string_view mount_point);

// The JSON record. kInvalidArgument, naming the field, when a string (path,
// URI, option) is not valid UTF-8 (JSON cannot hold it).
Result<std::string> Encode(const MountPoint& mount, int64_t created_unix_nanos);

// The mount stored under kv.key. kDataLoss naming the key for anything that
// is not a well-formed record for that mount point (bad JSON, missing or
// mistyped fields, a path that does not match the key).
Result<MountPoint> Decode(const KeyValue& kv);

// {"next":N}.
std::string EncodeNextId(uint64_t next);
// N from {"next":N}; kDataLoss naming kNextIdKey when malformed.
Result<uint64_t> DecodeNextId(std::string_view value);

// True when `text` is well-formed UTF-8 (no overlong forms, surrogates or
// code points above U+10FFFF).
bool IsValidUtf8(std::string_view text);

}  // namespace strata::vfs::mount_record
