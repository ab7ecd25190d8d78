// SharedKey signing and SAS helpers (see shared_key.h).
#include "strata/azure/shared_key.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <map>
#include <vector>

#include "strata/stream/hash.h"

namespace strata::azure {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// Trims and folds runs of whitespace to one space (outside quotes is the
// documented rule; header values here never contain quotes that matter).
std::string CanonicalValue(std::string_view v) {
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::string HeaderOrEmpty(const http::Headers& headers, std::string_view name) {
  std::optional<std::string_view> v = http::FindHeader(headers, name);
  return v ? std::string(*v) : std::string();
}

struct UrlParts {
  std::string path;   // encoded, "/" at least
  std::string query;  // without '?'
};

Result<UrlParts> SplitUrl(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) {
    return InvalidArgumentError("azure sign: URL has no scheme: " +
                                std::string(url));
  }
  std::string_view rest = url.substr(scheme + 3);
  size_t slash = rest.find_first_of("/?");
  UrlParts parts;
  if (slash == std::string_view::npos) {
    parts.path.assign(1, '/');
    return parts;
  }
  rest = rest.substr(slash);
  size_t q = rest.find('?');
  parts.path = std::string(rest.substr(0, q));
  if (parts.path.empty()) parts.path.assign(1, '/');
  if (q != std::string_view::npos)
    parts.query = std::string(rest.substr(q + 1));
  return parts;
}

Result<std::string> CanonicalQuery(std::string_view query) {
  std::map<std::string, std::vector<std::string>> params;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view kv = query.substr(0, amp);
    query = amp == std::string_view::npos ? "" : query.substr(amp + 1);
    if (kv.empty()) continue;
    size_t eq = kv.find('=');
    STRATA_ASSIGN_OR_RETURN(std::string name,
                            http::UriDecode(kv.substr(0, eq)));
    std::string value;
    if (eq != std::string_view::npos) {
      STRATA_ASSIGN_OR_RETURN(value, http::UriDecode(kv.substr(eq + 1)));
    }
    params[Lower(name)].push_back(std::move(value));
  }
  std::string out;
  for (auto& [name, values] : params) {
    std::sort(values.begin(), values.end());
    out += '\n';
    out += name;
    out += ':';
    for (size_t i = 0; i < values.size(); ++i) {
      if (i > 0) out += ',';
      out += values[i];
    }
  }
  return out;
}

std::string CanonicalHeaders(const http::Headers& headers) {
  std::map<std::string, std::string> ms;
  for (const auto& [name, value] : headers) {
    std::string lower = Lower(name);
    if (lower.starts_with("x-ms-")) ms[lower] = CanonicalValue(value);
  }
  std::string out;
  for (const auto& [name, value] : ms) {
    out += name;
    out += ':';
    out += value;
    out += '\n';
  }
  return out;
}

std::string ContentLength(const http::Request& request) {
  std::string v = HeaderOrEmpty(request.headers, "content-length");
  if (v.empty()) {
    uint64_t n = request.body.size();
    if (request.body_source && request.body_source->size()) {
      n = *request.body_source->size();
    }
    if (n > 0) v = std::to_string(n);
  }
  return v == "0" ? std::string() : v;
}

}  // namespace

std::string FormatHttpDate(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  static const char* kDays[] = {"Sun", "Mon", "Tue", "Wed",
                                "Thu", "Fri", "Sat"};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%s, %02d %s %04d %02d:%02d:%02d GMT",
                kDays[tm.tm_wday], tm.tm_mday, kMonths[tm.tm_mon],
                tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

Result<std::string> SharedKeyStringToSign(const http::Request& request,
                                          std::string_view account) {
  STRATA_ASSIGN_OR_RETURN(UrlParts url, SplitUrl(request.url));
  STRATA_ASSIGN_OR_RETURN(std::string query, CanonicalQuery(url.query));
  const http::Headers& h = request.headers;
  std::string s = request.method + "\n";
  s += HeaderOrEmpty(h, "content-encoding") + "\n";
  s += HeaderOrEmpty(h, "content-language") + "\n";
  s += ContentLength(request) + "\n";
  s += HeaderOrEmpty(h, "content-md5") + "\n";
  s += HeaderOrEmpty(h, "content-type") + "\n";
  s += HeaderOrEmpty(h, "date") + "\n";
  s += HeaderOrEmpty(h, "if-modified-since") + "\n";
  s += HeaderOrEmpty(h, "if-match") + "\n";
  s += HeaderOrEmpty(h, "if-none-match") + "\n";
  s += HeaderOrEmpty(h, "if-unmodified-since") + "\n";
  s += HeaderOrEmpty(h, "range") + "\n";
  s += CanonicalHeaders(h);
  s.push_back('/');
  s += account;
  s += url.path;
  s += query;
  return s;
}

Status SignSharedKey(http::Request& request, std::string_view account,
                     std::string_view key_base64) {
  Result<std::vector<std::byte>> key = stream::FromBase64(key_base64);
  if (!key.ok()) {
    return InvalidArgumentError("azure SharedKey: account key is not base64");
  }
  STRATA_ASSIGN_OR_RETURN(std::string to_sign,
                          SharedKeyStringToSign(request, account));
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  if (HMAC(EVP_sha256(), key->data(), static_cast<int>(key->size()),
           reinterpret_cast<const unsigned char*>(to_sign.data()),
           to_sign.size(), mac, &mac_len) == nullptr) {
    return InternalError("azure SharedKey: HMAC-SHA256 failed");
  }
  std::string signature = stream::ToBase64(
      std::as_bytes(std::span<const unsigned char>(mac, mac_len)));
  std::string auth = "SharedKey ";
  auth += account;
  auth += ':';
  auth += signature;
  request.headers.emplace_back("Authorization", std::move(auth));
  return Status::OK();
}

std::string AppendSas(std::string_view url, std::string_view sas_token) {
  if (!sas_token.empty() && sas_token.front() == '?')
    sas_token.remove_prefix(1);
  std::string out(url);
  if (sas_token.empty()) return out;
  out += out.find('?') == std::string::npos ? '?' : '&';
  out += sas_token;
  return out;
}

}  // namespace strata::azure
