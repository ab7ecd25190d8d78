// SigV4 canonicalisation helpers; see sigv4_canonical.h.
#include "s3/sigv4_canonical.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <map>
#include <mutex>

namespace strata::s3::sigv4_internal {
namespace {

bool IsUnreserved(unsigned char c) {
  return std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Drops ":80" for http and ":443" for https; keeps any other port.
std::string NormalizeHost(std::string_view authority, std::string_view scheme) {
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);  // user:password@ is never signed
  }
  std::string host = Lower(authority);
  size_t bracket = host.rfind(']');
  size_t colon = host.rfind(':');
  if (colon == std::string::npos ||
      (bracket != std::string::npos && colon < bracket)) {
    return host;
  }
  std::string_view port = std::string_view(host).substr(colon + 1);
  if ((scheme == "http" && port == "80") ||
      (scheme == "https" && port == "443") || port.empty()) {
    host.resize(colon);
  }
  return host;
}

std::string TrimAndCollapse(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  bool pending_space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

std::string FormatUtc(std::chrono::system_clock::time_point t,
                      const char* format) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  size_t n = std::strftime(buf, sizeof(buf), format, &tm);
  return std::string(buf, n);
}

}  // namespace

Result<ParsedUrl> ParseUrl(std::string_view url) {
  size_t sep = url.find("://");
  if (sep == std::string_view::npos) {
    return InvalidArgumentError("sigv4: not an absolute URL: " +
                                std::string(url));
  }
  ParsedUrl out;
  out.scheme = Lower(url.substr(0, sep));
  if (out.scheme != "http" && out.scheme != "https") {
    return InvalidArgumentError("sigv4: URL scheme must be http or https: " +
                                std::string(url));
  }
  std::string_view rest = url.substr(sep + 3);
  if (size_t hash = rest.find('#'); hash != std::string_view::npos) {
    rest = rest.substr(0, hash);
  }
  size_t end = rest.find_first_of("/?");
  out.host = NormalizeHost(rest.substr(0, end), out.scheme);
  if (out.host.empty()) {
    return InvalidArgumentError("sigv4: URL has no host: " + std::string(url));
  }
  rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  size_t q = rest.find('?');
  std::string_view path = rest.substr(0, q);
  out.path.assign(path.empty() ? std::string_view("/") : path);
  if (q != std::string_view::npos) out.query = std::string(rest.substr(q + 1));
  return out;
}

std::string AwsUriEncode(std::string_view s, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3);
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (IsUnreserved(c) || (keep_slash && c == '/')) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

std::string LenientUriDecode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int hi = HexValue(s[i + 1]);
      int lo = HexValue(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && s[i] == '+' ? ' ' : s[i]);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> CanonicalQueryParams(
    std::string_view raw_query) {
  std::vector<std::pair<std::string, std::string>> params;
  while (!raw_query.empty()) {
    size_t amp = raw_query.find('&');
    std::string_view item = raw_query.substr(0, amp);
    raw_query = amp == std::string_view::npos ? std::string_view()
                                              : raw_query.substr(amp + 1);
    if (item.empty()) continue;
    size_t eq = item.find('=');
    std::string_view name = item.substr(0, eq);
    std::string_view value =
        eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1);
    params.emplace_back(AwsUriEncode(LenientUriDecode(name, true), false),
                        AwsUriEncode(LenientUriDecode(value, true), false));
  }
  std::sort(params.begin(), params.end());
  return params;
}

std::string JoinQuery(
    const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out.push_back('&');
    out += name;
    out.push_back('=');
    out += value;
  }
  return out;
}

CanonicalHeaders CanonicalizeHeaders(const http::Headers& headers,
                                     std::string_view host) {
  std::map<std::string, std::string> merged;
  for (const auto& [name, value] : headers) {
    std::string key = Lower(TrimAndCollapse(name));
    if (key.empty() || key == "authorization") continue;
    auto [it, inserted] = merged.try_emplace(key, TrimAndCollapse(value));
    if (!inserted) {
      it->second.push_back(',');
      it->second += TrimAndCollapse(value);
    }
  }
  merged.try_emplace("host", std::string(host));
  CanonicalHeaders out;
  for (const auto& [name, value] : merged) {
    out.canonical += name;
    out.canonical.push_back(':');
    out.canonical += value;
    out.canonical.push_back('\n');
    if (!out.signed_headers.empty()) out.signed_headers.push_back(';');
    out.signed_headers += name;
  }
  return out;
}

std::string AmzDate(std::chrono::system_clock::time_point t) {
  return FormatUtc(t, "%Y%m%dT%H%M%SZ");
}

std::string AmzDay(std::chrono::system_clock::time_point t) {
  return FormatUtc(t, "%Y%m%d");
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out,
       &len);
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string ToLowerHex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char ch : bytes) {
    auto c = static_cast<unsigned char>(ch);
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xF]);
  }
  return out;
}

std::string SigningKey(std::string_view secret, std::string_view day,
                       std::string_view region, std::string_view service) {
  static std::mutex mu;
  static std::map<std::string, std::string>* cache =
      new std::map<std::string, std::string>();  // never destroyed
  std::string id;
  id.append(day).append(1, '\0').append(region).append(1, '\0');
  id.append(service).append(1, '\0').append(secret);
  {
    std::lock_guard lock(mu);
    if (auto it = cache->find(id); it != cache->end()) return it->second;
  }
  std::string k = HmacSha256(std::string("AWS4").append(secret), day);
  k = HmacSha256(k, region);
  k = HmacSha256(k, service);
  k = HmacSha256(k, "aws4_request");
  std::lock_guard lock(mu);
  if (cache->size() >= 64) cache->clear();  // days roll over; stay small
  cache->emplace(std::move(id), k);
  return k;
}

}  // namespace strata::s3::sigv4_internal
