// Decoders of IMDS and STS credential responses; see credentials_internal.h.
#include <chrono>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <string>

#include "s3/credentials_internal.h"

namespace strata::s3::credentials_internal {
namespace {

// Reads exactly `n` digits at `*pos`; -1 if they are not there.
int Digits(std::string_view s, size_t* pos, size_t n) {
  if (*pos + n > s.size()) return -1;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[*pos + i];
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  *pos += n;
  return v;
}

bool Expect(std::string_view s, size_t* pos, char c) {
  if (*pos >= s.size() || s[*pos] != c) return false;
  ++*pos;
  return true;
}

// The offset suffix ("Z", "+hh:mm", "-hh:mm") in seconds east of UTC.
bool ParseOffset(std::string_view s, size_t pos, int* offset) {
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    *offset = 0;
    return pos + 1 == s.size();
  }
  if (pos >= s.size() || (s[pos] != '+' && s[pos] != '-')) return false;
  int sign = s[pos] == '-' ? -1 : 1;
  ++pos;
  int hh = Digits(s, &pos, 2);
  if (hh < 0 || !Expect(s, &pos, ':')) return false;
  int mm = Digits(s, &pos, 2);
  if (mm < 0 || hh > 23 || mm > 59 || pos != s.size()) return false;
  *offset = sign * (hh * 3600 + mm * 60);
  return true;
}

std::string Text(const pugi::xml_node& parent, const char* name) {
  return parent.child(name).text().as_string();
}

}  // namespace

Result<std::chrono::system_clock::time_point> ParseIso8601(std::string_view s) {
  size_t pos = 0;
  int y = Digits(s, &pos, 4);
  bool ok = y >= 0 && Expect(s, &pos, '-');
  int mo = ok ? Digits(s, &pos, 2) : -1;
  ok = ok && mo >= 0 && Expect(s, &pos, '-');
  int d = ok ? Digits(s, &pos, 2) : -1;
  ok = ok && d >= 0 && (Expect(s, &pos, 'T') || Expect(s, &pos, 't'));
  int h = ok ? Digits(s, &pos, 2) : -1;
  ok = ok && h >= 0 && Expect(s, &pos, ':');
  int mi = ok ? Digits(s, &pos, 2) : -1;
  ok = ok && mi >= 0 && Expect(s, &pos, ':');
  int se = ok ? Digits(s, &pos, 2) : -1;
  ok = ok && se >= 0 && h < 24 && mi < 60 && se < 61;
  if (ok && pos < s.size() && s[pos] == '.') {
    ++pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
  }
  int offset = 0;
  ok = ok && ParseOffset(s, pos, &offset);
  using namespace std::chrono;  // NOLINT(build/namespaces)
  year_month_day ymd{year(ok ? y : 0), month(ok ? unsigned(mo) : 0u),
                     day(ok ? unsigned(d) : 0u)};
  if (!ok || !ymd.ok()) {
    std::string msg = "not an ISO 8601 UTC time: \"";
    msg.append(s.substr(0, 64)).append("\"");
    return InvalidArgumentError(std::move(msg));
  }
  sys_seconds t =
      sys_days(ymd) + hours(h) + minutes(mi) + seconds(se) - seconds(offset);
  return time_point_cast<system_clock::duration>(t);
}

Result<Credentials> ParseImdsCredentials(std::string_view text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return InvalidArgumentError("imds: credentials are not a JSON object");
  }
  auto str = [&j](const char* key) -> std::string {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : "";
  };
  if (std::string code = str("Code"); !code.empty() && code != "Success") {
    return PermissionDeniedError("imds: credentials Code is \"" + code + "\"");
  }
  Credentials c;
  c.access_key_id = str("AccessKeyId");
  c.secret_access_key = str("SecretAccessKey");
  c.session_token = str("Token");
  c.source = "imds";
  if (c.access_key_id.empty() || c.secret_access_key.empty()) {
    return InvalidArgumentError(
        "imds: credentials lack AccessKeyId or SecretAccessKey");
  }
  if (std::string exp = str("Expiration"); !exp.empty()) {
    auto t = ParseIso8601(exp);
    if (!t.ok()) return t.status().WithContext("imds: Expiration");
    c.expiration = *t;
  }
  return c;
}

Result<Credentials> ParseStsWebIdentityResponse(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) {
    return InvalidArgumentError("web-identity: STS response is not XML");
  }
  pugi::xml_node node = doc.child("AssumeRoleWithWebIdentityResponse")
                            .child("AssumeRoleWithWebIdentityResult")
                            .child("Credentials");
  Credentials c;
  c.access_key_id = Text(node, "AccessKeyId");
  c.secret_access_key = Text(node, "SecretAccessKey");
  c.session_token = Text(node, "SessionToken");
  c.source = "web-identity";
  if (c.access_key_id.empty() || c.secret_access_key.empty()) {
    return InvalidArgumentError(
        "web-identity: STS response has no AssumeRoleWithWebIdentityResult/"
        "Credentials with AccessKeyId and SecretAccessKey");
  }
  if (std::string exp = Text(node, "Expiration"); !exp.empty()) {
    auto t = ParseIso8601(exp);
    if (!t.ok()) return t.status().WithContext("web-identity: Expiration");
    c.expiration = *t;
  }
  return c;
}

std::string ParseStsError(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) return "";
  pugi::xml_node err = doc.child("ErrorResponse").child("Error");
  if (!err) err = doc.child("Error");
  std::string code = Text(err, "Code");
  if (code.empty()) return "";
  std::string msg = Text(err, "Message");
  return msg.empty() ? code : code + ": " + msg;
}

}  // namespace strata::s3::credentials_internal
