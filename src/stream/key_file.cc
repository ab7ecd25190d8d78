// EncryptionKey::FromFile: a key file holds 32 raw bytes or 64 hex digits.
#include <openssl/crypto.h>

#include <cerrno>
#include <cstdio>
#include <string>
#include <vector>

#include "strata/stream/encrypt.h"

namespace strata::stream {
namespace {

// Key files are tiny; anything larger is not a key file.
constexpr size_t kMaxKeyFileSize = 4096;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
         c == '\f';
}

// Reads at most kMaxKeyFileSize + 1 bytes of `path`.
Result<std::string> ReadSmallFile(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return ErrnoToStatus(errno, "open key file " + path);
  std::string data(kMaxKeyFileSize + 1, '\0');
  const size_t n = std::fread(data.data(), 1, data.size(), f);
  const bool failed = std::ferror(f) != 0;
  const int err = errno;
  std::fclose(f);
  if (failed) {
    OPENSSL_cleanse(data.data(), data.size());
    return ErrnoToStatus(err, "read key file " + path);
  }
  data.resize(n);
  return data;
}

// Decodes 64 hex digits (whitespace around them ignored) into `out`.
bool DecodeHexKey(const std::string& text, std::byte* out) {
  size_t begin = 0, end = text.size();
  while (begin < end && IsSpace(text[begin])) ++begin;
  while (end > begin && IsSpace(text[end - 1])) --end;
  if (end - begin != 2 * EncryptionKey::kSize) return false;
  for (size_t i = 0; i < EncryptionKey::kSize; ++i) {
    const int hi = HexValue(text[begin + 2 * i]);
    const int lo = HexValue(text[begin + 2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = std::byte((hi << 4) | lo);
  }
  return true;
}

}  // namespace

Result<EncryptionKey> EncryptionKey::FromFile(const std::string& path) {
  Result<std::string> data = ReadSmallFile(path);
  if (!data.ok()) return data.status();
  std::string& text = *data;
  Result<EncryptionKey> key = InvalidArgumentError(
      "key file " + path + ": expected 32 raw bytes or 64 hex digits, got " +
      (text.size() > kMaxKeyFileSize
           ? std::string("a larger file")
           : std::to_string(text.size()) + " bytes that are neither"));
  std::array<std::byte, kSize> raw{};
  if (text.size() == kSize) {
    key = FromBytes(std::as_bytes(std::span<const char>(text.data(), kSize)));
  } else if (DecodeHexKey(text, raw.data())) {
    key = FromBytes(raw);
  }
  OPENSSL_cleanse(raw.data(), raw.size());
  OPENSSL_cleanse(text.data(), text.size());
  return key;
}

}  // namespace strata::stream
