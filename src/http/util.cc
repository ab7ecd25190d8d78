// Header lookup, URI encoding and ResponseBody::ReadAll.

#include <string>
#include <string_view>

#include "strata/http/client.h"

namespace strata::http {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

bool Unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<std::string_view> FindHeader(const Headers& headers,
                                           std::string_view name) {
  for (const auto& [n, v] : headers) {
    if (EqualsIgnoreCase(n, name)) return std::string_view(v);
  }
  return std::nullopt;
}

std::string UriEncode(std::string_view s, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (Unreserved(c) || (keep_slash && c == '/')) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

Result<std::string> UriDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    int hi = i + 2 < s.size() ? HexValue(s[i + 1]) : -1;
    int lo = i + 2 < s.size() ? HexValue(s[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      std::string msg = "UriDecode: bad percent escape at offset ";
      msg += std::to_string(i);
      return InvalidArgumentError(std::move(msg));
    }
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

Task<Result<std::string>> ResponseBody::ReadAll(size_t limit) {
  std::string out;
  std::string chunk(64 << 10, '\0');
  for (;;) {
    MutableBytes dst(reinterpret_cast<std::byte*>(chunk.data()), chunk.size());
    STRATA_CO_ASSIGN_OR_RETURN(size_t n, co_await Read(dst));
    if (n == 0) co_return out;
    if (out.size() + n > limit) {
      std::string msg = "response body exceeds ";
      msg += std::to_string(limit);
      msg += " bytes";
      co_return ResourceExhaustedError(std::move(msg));
    }
    out.append(chunk, 0, n);
  }
}

}  // namespace strata::http
