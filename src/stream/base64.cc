// Hex and base64 (RFC 4648, standard alphabet, padded) for digests. The
// decoders are strict: no whitespace, no missing or misplaced padding, and
// base64's unused trailing bits must be zero, so every value has exactly one
// accepted spelling.
#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "strata/stream/hash.h"

namespace strata::stream {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";
constexpr char kBase64Alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Value of a hex digit (either case), or -1.
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The inverse of kBase64Alphabet: 0..63, or -1.
constexpr std::array<int8_t, 256> MakeBase64Values() {
  std::array<int8_t, 256> values{};
  for (auto& v : values) v = -1;
  for (int i = 0; i < 64; ++i) {
    values[static_cast<unsigned char>(kBase64Alphabet[i])] =
        static_cast<int8_t>(i);
  }
  return values;
}
constexpr std::array<int8_t, 256> kBase64Values = MakeBase64Values();

Status Base64Error(std::string_view what) {
  std::string message = "malformed base64: ";
  message += what;
  return InvalidArgumentError(std::move(message));
}

// Decodes one 4-character group; `pad` is its number of trailing '='.
Status DecodeGroup(std::string_view group, int pad,
                   std::vector<std::byte>* out) {
  uint32_t bits = 0;
  for (int i = 0; i < 4 - pad; ++i) {
    const int8_t v = kBase64Values[static_cast<unsigned char>(group[i])];
    if (v < 0) return Base64Error("character outside the base64 alphabet");
    bits |= static_cast<uint32_t>(v) << (18 - 6 * i);
  }
  const int bytes = 3 - pad;
  // Bits below the last encoded byte must be zero (canonical encoding).
  if ((bits & ((uint32_t{1} << (8 * (3 - bytes))) - 1)) != 0) {
    return Base64Error("non-zero trailing bits");
  }
  for (int i = 0; i < bytes; ++i) {
    out->push_back(static_cast<std::byte>(bits >> (16 - 8 * i)));
  }
  return Status::OK();
}

}  // namespace

std::string ToHex(std::span<const std::byte> bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (std::byte b : bytes) {
    const auto v = static_cast<unsigned>(b);
    out.push_back(kHexDigits[v >> 4]);
    out.push_back(kHexDigits[v & 15]);
  }
  return out;
}

Result<std::vector<std::byte>> FromHex(std::string_view hex) {
  if (hex.size() % 2 != 0) {
    return InvalidArgumentError("malformed hex: odd number of digits (" +
                                std::to_string(hex.size()) + ")");
  }
  std::vector<std::byte> out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = HexValue(hex[i]);
    const int lo = HexValue(hex[i + 1]);
    if (hi < 0 || lo < 0) {
      std::string message = "malformed hex: not a hex digit at offset ";
      message += std::to_string(hi < 0 ? i : i + 1);
      return InvalidArgumentError(std::move(message));
    }
    out.push_back(static_cast<std::byte>(hi << 4 | lo));
  }
  return out;
}

std::string ToBase64(std::span<const std::byte> bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    const size_t n = std::min<size_t>(3, bytes.size() - i);
    uint32_t bits = 0;
    for (size_t j = 0; j < n; ++j) {
      bits |= static_cast<uint32_t>(bytes[i + j]) << (16 - 8 * j);
    }
    for (size_t j = 0; j < 4; ++j) {
      out.push_back(j <= n ? kBase64Alphabet[(bits >> (18 - 6 * j)) & 63]
                           : '=');
    }
  }
  return out;
}

Result<std::vector<std::byte>> FromBase64(std::string_view base64) {
  if (base64.size() % 4 != 0) {
    return Base64Error("length is not a multiple of 4");
  }
  std::vector<std::byte> out;
  out.reserve(base64.size() / 4 * 3);
  for (size_t i = 0; i < base64.size(); i += 4) {
    const std::string_view group = base64.substr(i, 4);
    const bool last = i + 4 == base64.size();
    int pad = 0;
    if (last && group[3] == '=') pad = group[2] == '=' ? 2 : 1;
    STRATA_RETURN_IF_ERROR(DecodeGroup(group, pad, &out));
  }
  return out;
}

}  // namespace strata::stream
