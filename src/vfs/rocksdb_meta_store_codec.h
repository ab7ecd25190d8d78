// The on-disk layout of OpenRocksDbMetaStore (private to src/vfs).
//
// One RocksDB key space, split by a one-byte prefix so that nothing strata
// keeps for itself can collide with a user key:
//   'k' + user key  →  mod_revision (8 bytes, little-endian) + user value
//   'r'             →  the store-wide revision (8 bytes, little-endian)
//   'v'             →  kFormatMarker; its absence in a non-empty database
//                      means the directory is not a strata metadata store
// All functions are pure and safe to call from any thread.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "strata/core/result.h"
#include "strata/vfs/meta_store.h"

namespace strata::vfs::rocksdb_codec {

inline constexpr char kDataPrefix = 'k';
inline constexpr std::string_view kRevisionKey = "r";
inline constexpr std::string_view kFormatKey = "v";
inline constexpr std::string_view kFormatMarker = "strata-meta-store 1";
// Bytes of the mod_revision header in front of every stored value.
inline constexpr size_t kRevisionBytes = 8;

// 'k' + user key.
std::string DataKey(std::string_view user_key);

// 8 little-endian bytes.
std::string EncodeRevision(uint64_t revision);
// The revision in `raw`; kDataLoss, naming `what`, unless `raw` is exactly
// kRevisionBytes long.
Result<uint64_t> DecodeRevision(std::string_view raw, std::string_view what);

// mod_revision header + value.
std::string EncodeValue(uint64_t mod_revision, std::string_view value);
// The entry stored for `user_key`; kDataLoss naming the key when `raw` is
// shorter than the header.
Result<KeyValue> DecodeValue(std::string_view user_key, std::string_view raw);

}  // namespace strata::vfs::rocksdb_codec
