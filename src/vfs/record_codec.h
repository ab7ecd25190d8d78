// The binary encoding of the namespace's hot cache records (dent/ and dir/
// values, schema version 2; docs/metadata-schema.md "Record encoding").
// Every stat decodes one entry per path component, so these are compact
// and cheap: a tag byte, LEB128 varints (signed fields zigzag-mapped) and a
// length-prefixed etag. Decoding is strict: a wrong tag, a truncated
// varint, one longer than needed or wider than 64 bits, unknown flag bits,
// ino 0 or trailing bytes are kDataLoss naming the key. Version-1 JSON records
// are decoded by schema.cc.
//
// Thread-safety: pure functions.
#pragma once
#include <string>
#include <string_view>

#include "strata/core/result.h"

namespace strata::vfs::schema {
struct Entry;
struct DirState;
}  // namespace strata::vfs::schema

namespace strata::vfs::record_codec {

// The first byte of a binary entry or directory record. JSON records start
// with '{', so the two encodings never collide.
inline constexpr char kEntryTag = '\x01';
inline constexpr char kDirStateTag = '\x02';

std::string EncodeEntry(const schema::Entry& entry);
Result<schema::Entry> DecodeEntry(std::string_view key, std::string_view value);
std::string EncodeDirState(const schema::DirState& state);
Result<schema::DirState> DecodeDirState(std::string_view key,
                                        std::string_view value);

}  // namespace strata::vfs::record_codec
