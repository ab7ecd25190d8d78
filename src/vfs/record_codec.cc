// Binary cache records: see record_codec.h and docs/metadata-schema.md.
#include "vfs/record_codec.h"

#include <cstdint>

#include "vfs/schema.h"

namespace strata::vfs::record_codec {
namespace {

// Flag bits of an entry.
constexpr uint8_t kFlagDir = 0x01;
constexpr uint8_t kKnownFlags = kFlagDir;
// A 64-bit LEB128 varint takes at most 10 bytes.
constexpr int kMaxVarintBytes = 10;

void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>(static_cast<uint8_t>(v) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}

int64_t UnZigZag(uint64_t v) {
  return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
}

// Reads fields front to back; the first malformed field sets `error`.
class Reader {
 public:
  Reader(std::string_view key, std::string_view data)
      : key_(key), data_(data) {}

  bool Varint(const char* field, uint64_t* out) {
    uint64_t v = 0;
    for (int i = 0; i < kMaxVarintBytes; ++i) {
      if (pos_ >= data_.size()) return Fail(field, "truncated");
      const uint8_t b = static_cast<uint8_t>(data_[pos_++]);
      // The 10th byte holds only bit 63.
      if (i == kMaxVarintBytes - 1 && b > 1) return Fail(field, "too large");
      v |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0) {
        // A last byte of 0 after the first adds nothing: not minimal.
        if (b == 0 && i > 0) return Fail(field, "over-long");
        *out = v;
        return true;
      }
    }
    return Fail(field, "too large");
  }

  bool Signed(const char* field, int64_t* out) {
    uint64_t v = 0;
    if (!Varint(field, &v)) return false;
    *out = UnZigZag(v);
    return true;
  }

  bool Byte(const char* field, uint8_t* out) {
    if (pos_ >= data_.size()) return Fail(field, "truncated");
    *out = static_cast<uint8_t>(data_[pos_++]);
    return true;
  }

  bool Bytes(const char* field, std::string* out) {
    uint64_t n = 0;
    if (!Varint(field, &n)) return false;
    if (n > data_.size() - pos_) return Fail(field, "truncated");
    out->assign(data_.substr(pos_, n));
    pos_ += n;
    return true;
  }

  bool End() {
    if (pos_ != data_.size()) return Fail("record", "trailing bytes");
    return true;
  }

  Status error() const {
    return DataLossError("corrupt metadata record " + std::string(key_) + ": " +
                         why_);
  }

 private:
  bool Fail(const char* field, const char* why) {
    why_ = std::string(why) + " " + field;
    return false;
  }

  std::string_view key_;
  std::string_view data_;
  size_t pos_ = 1;  // past the tag
  std::string why_;
};

Status Corrupt(std::string_view key, const char* why) {
  return DataLossError("corrupt metadata record " + std::string(key) + ": " +
                       why);
}

}  // namespace

std::string EncodeEntry(const schema::Entry& entry) {
  std::string out;
  out.reserve(24 + entry.etag.size());
  out.push_back(kEntryTag);
  PutVarint(entry.ino, &out);
  out.push_back(static_cast<char>(entry.dir ? kFlagDir : 0));
  PutVarint(entry.size, &out);
  PutVarint(ZigZag(entry.mtime_ns), &out);
  PutVarint(ZigZag(entry.synced_ns), &out);
  PutVarint(entry.etag.size(), &out);
  out.append(entry.etag);
  return out;
}

Result<schema::Entry> DecodeEntry(std::string_view key,
                                  std::string_view value) {
  if (value.empty() || value[0] != kEntryTag) {
    return Corrupt(key, "not a directory entry");
  }
  Reader in(key, value);
  schema::Entry e;
  uint8_t flags = 0;
  if (!in.Varint("ino", &e.ino) || !in.Byte("flags", &flags) ||
      !in.Varint("size", &e.size) || !in.Signed("mtime", &e.mtime_ns) ||
      !in.Signed("synced", &e.synced_ns) || !in.Bytes("etag", &e.etag) ||
      !in.End()) {
    return in.error();
  }
  if (e.ino == 0) return Corrupt(key, "ino 0");
  if ((flags & ~kKnownFlags) != 0) {
    return Corrupt(key, "unknown flag bits");
  }
  e.dir = (flags & kFlagDir) != 0;
  return e;
}

std::string EncodeDirState(const schema::DirState& state) {
  std::string out;
  out.push_back(kDirStateTag);
  PutVarint(ZigZag(state.listed_ns), &out);
  return out;
}

Result<schema::DirState> DecodeDirState(std::string_view key,
                                        std::string_view value) {
  if (value.empty() || value[0] != kDirStateTag) {
    return Corrupt(key, "not a directory record");
  }
  Reader in(key, value);
  schema::DirState s;
  if (!in.Signed("listed", &s.listed_ns) || !in.End()) return in.error();
  return s;
}

}  // namespace strata::vfs::record_codec
