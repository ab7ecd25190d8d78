// S3 XML documents (see s3_xml.h).
#include "s3/s3_xml.h"

#include <cctype>
#include <charconv>
#include <ctime>
#include <pugixml.hpp>
#include <string>

namespace strata::s3 {
namespace {

bool ParseInt(std::string_view s, int* out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

std::optional<std::chrono::system_clock::time_point> FromTm(std::tm tm) {
  if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
      tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60 || tm.tm_year < 0 ||
      tm.tm_year > 8000) {
    return std::nullopt;
  }
  time_t t = timegm(&tm);
  return std::chrono::system_clock::from_time_t(t);
}

Status Malformed(std::string_view what, std::string_view detail) {
  std::string msg(what);
  msg += ": malformed response: ";
  msg += detail;
  return InternalError(std::move(msg));
}

Result<pugi::xml_node> LoadRoot(pugi::xml_document& doc, std::string_view body,
                                const char* root_name, std::string_view what) {
  if (!doc.load_buffer(body.data(), body.size())) {
    return Malformed(what, "not XML");
  }
  pugi::xml_node root = doc.child(root_name);
  if (!root) {
    std::string detail = "no <";
    detail += root_name;
    detail += ">";
    return Malformed(what, detail);
  }
  return root;
}

std::string Text(const pugi::xml_node& parent, const char* name) {
  return parent.child(name).text().as_string();
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> ParseIso8601(
    std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS
  if (text.size() < 19 || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != 't' && text[10] != ' ') ||
      text[13] != ':' || text[16] != ':') {
    return std::nullopt;
  }
  std::tm tm{};
  int year, mon;
  if (!ParseInt(text.substr(0, 4), &year) ||
      !ParseInt(text.substr(5, 2), &mon) ||
      !ParseInt(text.substr(8, 2), &tm.tm_mday) ||
      !ParseInt(text.substr(11, 2), &tm.tm_hour) ||
      !ParseInt(text.substr(14, 2), &tm.tm_min) ||
      !ParseInt(text.substr(17, 2), &tm.tm_sec)) {
    return std::nullopt;
  }
  tm.tm_year = year - 1900;
  tm.tm_mon = mon - 1;
  auto tp = FromTm(tm);
  if (!tp) return std::nullopt;
  std::string_view rest = text.substr(19);
  if (!rest.empty() && rest[0] == '.') {
    size_t i = 1;
    int64_t millis = 0;
    int digits = 0;
    while (i < rest.size() &&
           std::isdigit(static_cast<unsigned char>(rest[i]))) {
      if (digits < 3) millis = millis * 10 + (rest[i] - '0');
      ++digits;
      ++i;
    }
    for (int d = digits; d < 3; ++d) millis *= 10;
    *tp += std::chrono::milliseconds(millis);
    rest = rest.substr(i);
  }
  if (!rest.empty() && rest != "Z" && rest != "z" && rest != "+00:00") {
    return std::nullopt;
  }
  return tp;
}

std::optional<std::chrono::system_clock::time_point> ParseHttpDate(
    std::string_view text) {
  // "Sun, 06 Nov 1994 08:49:37 GMT"
  static constexpr std::string_view kMonths =
      "JanFebMarAprMayJunJulAugSepOctNovDec";
  if (text.size() != 29 || text[3] != ',' || text.substr(25) != " GMT") {
    return std::nullopt;
  }
  std::tm tm{};
  int year;
  size_t mon = kMonths.find(text.substr(8, 3));
  if (mon == std::string_view::npos || mon % 3 != 0 ||
      !ParseInt(text.substr(5, 2), &tm.tm_mday) ||
      !ParseInt(text.substr(12, 4), &year) ||
      !ParseInt(text.substr(17, 2), &tm.tm_hour) ||
      !ParseInt(text.substr(20, 2), &tm.tm_min) ||
      !ParseInt(text.substr(23, 2), &tm.tm_sec)) {
    return std::nullopt;
  }
  tm.tm_mon = static_cast<int>(mon / 3);
  tm.tm_year = year - 1900;
  return FromTm(tm);
}

std::string StripQuotes(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return std::string(etag);
}

Result<std::string> DecodeUrlEncoded(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%') {
      int hi = i + 2 < text.size() ? HexValue(text[i + 1]) : -1;
      int lo = hi >= 0 ? HexValue(text[i + 2]) : -1;
      if (lo < 0) {
        return InternalError("bad %-escape in url-encoded listing value");
      }
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string_view ChecksumUpperName(ChecksumAlgorithm algorithm) {
  switch (algorithm) {
    case ChecksumAlgorithm::kCrc32c:
      return "CRC32C";
    case ChecksumAlgorithm::kCrc64Nvme:
      return "CRC64NVME";
    case ChecksumAlgorithm::kSha256:
      return "SHA256";
    case ChecksumAlgorithm::kNone:
      break;
  }
  return "";
}

std::string_view ChecksumLowerName(ChecksumAlgorithm algorithm) {
  switch (algorithm) {
    case ChecksumAlgorithm::kCrc32c:
      return "crc32c";
    case ChecksumAlgorithm::kCrc64Nvme:
      return "crc64nvme";
    case ChecksumAlgorithm::kSha256:
      return "sha256";
    case ChecksumAlgorithm::kNone:
      break;
  }
  return "none";
}

Result<ChecksumAlgorithm> ParseChecksumAlgorithm(std::string_view name) {
  for (auto alg : {ChecksumAlgorithm::kNone, ChecksumAlgorithm::kCrc32c,
                   ChecksumAlgorithm::kCrc64Nvme, ChecksumAlgorithm::kSha256}) {
    if (ChecksumLowerName(alg) == name) return alg;
  }
  std::string msg = "unknown checksum algorithm \"";
  msg += name;
  msg += "\" (expected crc32c, crc64nvme, sha256 or none)";
  return InvalidArgumentError(std::move(msg));
}

namespace {

Status ParseListEntries(const pugi::xml_node& root, bool url_encoded,
                        std::string_view what, ListResult* out) {
  auto decode = [&](std::string raw, std::string* dst) -> Status {
    if (!url_encoded) {
      *dst = std::move(raw);
      return Status::OK();
    }
    STRATA_ASSIGN_OR_RETURN(*dst, DecodeUrlEncoded(raw));
    return Status::OK();
  };
  for (pugi::xml_node c : root.children("Contents")) {
    ObjectInfo info;
    STRATA_RETURN_IF_ERROR(decode(Text(c, "Key"), &info.key));
    info.size = c.child("Size").text().as_ullong();
    info.etag = StripQuotes(Text(c, "ETag"));
    info.storage_class = Text(c, "StorageClass");
    if (auto t = ParseIso8601(Text(c, "LastModified"))) info.last_modified = *t;
    out->objects.push_back(std::move(info));
  }
  for (pugi::xml_node p : root.children("CommonPrefixes")) {
    std::string prefix;
    STRATA_RETURN_IF_ERROR(decode(Text(p, "Prefix"), &prefix));
    out->common_prefixes.push_back(std::move(prefix));
  }
  (void)what;
  return Status::OK();
}

}  // namespace

Result<ListResult> ParseListResult(std::string_view body,
                                   std::string_view what) {
  pugi::xml_document doc;
  STRATA_ASSIGN_OR_RETURN(pugi::xml_node root,
                          LoadRoot(doc, body, "ListBucketResult", what));
  ListResult out;
  bool url_encoded = Text(root, "EncodingType") == "url";
  Status st = ParseListEntries(root, url_encoded, what, &out);
  if (!st.ok()) return Malformed(what, st.message());
  std::string truncated = Text(root, "IsTruncated");
  out.truncated = truncated == "true" || truncated == "True";
  out.next_continuation_token = Text(root, "NextContinuationToken");
  if (out.truncated && out.next_continuation_token.empty()) {
    return Malformed(what, "truncated listing without NextContinuationToken");
  }
  return out;
}

Result<std::string> ParseUploadId(std::string_view body,
                                  std::string_view what) {
  pugi::xml_document doc;
  STRATA_ASSIGN_OR_RETURN(
      pugi::xml_node root,
      LoadRoot(doc, body, "InitiateMultipartUploadResult", what));
  std::string id = Text(root, "UploadId");
  if (id.empty()) return Malformed(what, "no UploadId");
  return id;
}

Result<std::string> ParseResultEtag(std::string_view body,
                                    std::string_view what) {
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size())) {
    return Malformed(what, "not XML");
  }
  pugi::xml_node root = doc.first_child();
  while (root && root.type() != pugi::node_element) root = root.next_sibling();
  if (!root || !root.child("ETag")) return Malformed(what, "no ETag");
  return StripQuotes(Text(root, "ETag"));
}

std::string ParseResultChecksum(std::string_view body,
                                ChecksumAlgorithm algorithm) {
  if (algorithm == ChecksumAlgorithm::kNone) return std::string();
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size())) return std::string();
  pugi::xml_node root = doc.first_child();
  while (root && root.type() != pugi::node_element) root = root.next_sibling();
  if (!root) return std::string();
  std::string name = "Checksum";
  name += ChecksumUpperName(algorithm);
  return root.child(name.c_str()).text().as_string();
}

Result<std::vector<DeleteError>> ParseDeleteResult(std::string_view body,
                                                   std::string_view what) {
  pugi::xml_document doc;
  STRATA_ASSIGN_OR_RETURN(pugi::xml_node root,
                          LoadRoot(doc, body, "DeleteResult", what));
  std::vector<DeleteError> errors;
  for (pugi::xml_node e : root.children("Error")) {
    errors.push_back(
        DeleteError{Text(e, "Key"), Text(e, "Code"), Text(e, "Message")});
  }
  return errors;
}

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\r':
        out += "&#13;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

namespace {
constexpr std::string_view kXmlns =
    " xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"";
}  // namespace

std::string BuildDeleteXml(std::span<const std::string> keys) {
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Delete";
  xml += kXmlns;
  xml += "><Quiet>true</Quiet>";
  for (const std::string& key : keys) {
    xml += "<Object><Key>";
    xml += XmlEscape(key);
    xml += "</Key></Object>";
  }
  xml += "</Delete>";
  return xml;
}

std::string BuildCompleteXml(std::span<const CompletedPart> parts,
                             ChecksumAlgorithm checksum) {
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CompleteMultipartUpload";
  xml += kXmlns;
  xml += ">";
  std::string element = "Checksum";
  element += ChecksumUpperName(checksum);
  for (const CompletedPart& part : parts) {
    xml += "<Part><PartNumber>";
    xml += std::to_string(part.part_number);
    xml += "</PartNumber><ETag>&quot;";
    xml += XmlEscape(StripQuotes(part.etag));
    xml += "&quot;</ETag>";
    if (checksum != ChecksumAlgorithm::kNone && !part.checksum.empty()) {
      xml += "<" + element + ">";
      xml += XmlEscape(part.checksum);
      xml += "</" + element + ">";
    }
    xml += "</Part>";
  }
  xml += "</CompleteMultipartUpload>";
  return xml;
}

std::string BuildCreateBucketXml(std::string_view region) {
  if (region.empty() || region == "us-east-1") return "";
  std::string xml = "<CreateBucketConfiguration";
  xml += kXmlns;
  xml += "><LocationConstraint>";
  xml += XmlEscape(region);
  xml += "</LocationConstraint></CreateBucketConfiguration>";
  return xml;
}

}  // namespace strata::s3
