// Encoding of RocksDbMetaStore keys and values (see the header).

#include "vfs/rocksdb_meta_store_codec.h"

#include <string>
#include <string_view>

namespace strata::vfs::rocksdb_codec {

std::string DataKey(std::string_view user_key) {
  std::string out;
  out.reserve(user_key.size() + 1);
  out += kDataPrefix;
  out += user_key;
  return out;
}

std::string EncodeRevision(uint64_t revision) {
  std::string out(kRevisionBytes, '\0');
  for (size_t i = 0; i < kRevisionBytes; ++i) {
    out[i] = static_cast<char>((revision >> (8 * i)) & 0xff);
  }
  return out;
}

Result<uint64_t> DecodeRevision(std::string_view raw, std::string_view what) {
  if (raw.size() != kRevisionBytes) {
    return DataLossError(std::string(what) + ": revision is " +
                         std::to_string(raw.size()) + " bytes, expected " +
                         std::to_string(kRevisionBytes));
  }
  uint64_t revision = 0;
  for (size_t i = 0; i < kRevisionBytes; ++i) {
    revision |= static_cast<uint64_t>(static_cast<unsigned char>(raw[i]))
                << (8 * i);
  }
  return revision;
}

std::string EncodeValue(uint64_t mod_revision, std::string_view value) {
  std::string out = EncodeRevision(mod_revision);
  out += value;
  return out;
}

Result<KeyValue> DecodeValue(std::string_view user_key, std::string_view raw) {
  if (raw.size() < kRevisionBytes) {
    return DataLossError("metadata key '" + std::string(user_key) +
                         "': stored value is " + std::to_string(raw.size()) +
                         " bytes, shorter than its " +
                         std::to_string(kRevisionBytes) + "-byte header");
  }
  KeyValue kv;
  kv.key = std::string(user_key);
  STRATA_ASSIGN_OR_RETURN(
      kv.mod_revision,
      DecodeRevision(raw.substr(0, kRevisionBytes), "metadata key"));
  kv.value = std::string(raw.substr(kRevisionBytes));
  return kv;
}

}  // namespace strata::vfs::rocksdb_codec
