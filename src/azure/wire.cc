// Azure Blob XML documents and dates (see wire.h).
#include "azure/wire.h"

#include <cctype>
#include <charconv>
#include <cstring>
#include <ctime>
#include <pugixml.hpp>

namespace strata::azure::wire {
namespace {

Status Malformed(std::string_view what, std::string_view why) {
  return InvalidArgumentError("azure: malformed " + std::string(what) +
                              " response: " + std::string(why));
}

Result<pugi::xml_document*> Load(pugi::xml_document& doc, std::string_view xml,
                                 std::string_view what) {
  pugi::xml_parse_result r = doc.load_buffer(
      xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!r) return Malformed(what, r.description());
  return &doc;
}

std::string StripQuotes(std::string s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') {
    return s.substr(1, s.size() - 2);
  }
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

bool ParseU64(std::string_view s, uint64_t& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

Result<BlobProperties> ParseBlob(const pugi::xml_node& blob) {
  BlobProperties b;
  b.name = blob.child("Name").text().as_string();
  if (b.name.empty()) return Malformed("List Blobs", "<Blob> without <Name>");
  pugi::xml_node props = blob.child("Properties");
  std::string_view len = props.child("Content-Length").text().as_string();
  if (!len.empty() && !ParseU64(len, b.size)) {
    return Malformed("List Blobs", "bad Content-Length for " + b.name);
  }
  b.etag = StripQuotes(props.child("Etag").text().as_string());
  b.content_type = props.child("Content-Type").text().as_string();
  b.type = ParseBlobType(props.child("BlobType").text().as_string());
  if (auto t = ParseHttpDate(props.child("Last-Modified").text().as_string())) {
    b.last_modified = *t;
  }
  for (pugi::xml_node m : blob.child("Metadata").children()) {
    if (m.type() == pugi::node_element) {
      b.metadata[Lower(m.name())] = m.text().as_string();
    }
  }
  return b;
}

}  // namespace

Result<ListResult> ParseListBlobs(std::string_view xml) {
  pugi::xml_document doc;
  STRATA_RETURN_IF_ERROR(Load(doc, xml, "List Blobs").status());
  pugi::xml_node root = doc.child("EnumerationResults");
  if (!root) return Malformed("List Blobs", "no <EnumerationResults>");
  ListResult out;
  for (pugi::xml_node n : root.child("Blobs").children()) {
    if (std::strcmp(n.name(), "Blob") == 0) {
      STRATA_ASSIGN_OR_RETURN(BlobProperties b, ParseBlob(n));
      out.blobs.push_back(std::move(b));
    } else if (std::strcmp(n.name(), "BlobPrefix") == 0) {
      std::string name = n.child("Name").text().as_string();
      if (name.empty()) {
        return Malformed("List Blobs", "<BlobPrefix> without <Name>");
      }
      out.prefixes.push_back(std::move(name));
    }
  }
  out.next_marker = root.child("NextMarker").text().as_string();
  return out;
}

Result<std::vector<BlockInfo>> ParseBlockList(std::string_view xml) {
  pugi::xml_document doc;
  STRATA_RETURN_IF_ERROR(Load(doc, xml, "Get Block List").status());
  pugi::xml_node root = doc.child("BlockList");
  if (!root) return Malformed("Get Block List", "no <BlockList>");
  std::vector<BlockInfo> out;
  for (pugi::xml_node n : root.child("CommittedBlocks").children("Block")) {
    BlockInfo b;
    b.id = n.child("Name").text().as_string();
    if (b.id.empty()) return Malformed("Get Block List", "<Block> without id");
    if (!ParseU64(n.child("Size").text().as_string(), b.size)) {
      return Malformed("Get Block List", "bad <Size> for block " + b.id);
    }
    out.push_back(std::move(b));
  }
  return out;
}

std::string BlockListXml(const std::vector<BlockRef>& blocks) {
  std::string out = "<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>";
  for (const BlockRef& b : blocks) {
    const char* tag = b.list == BlockRef::List::kCommitted     ? "Committed"
                      : b.list == BlockRef::List::kUncommitted ? "Uncommitted"
                                                               : "Latest";
    out += '<';
    out += tag;
    out += '>';
    out += b.id;  // base64: no XML escaping needed
    out += "</";
    out += tag;
    out += '>';
  }
  out += "</BlockList>";
  return out;
}

ErrorDoc ParseError(std::string_view xml) {
  ErrorDoc e;
  if (xml.empty()) return e;
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) return e;
  pugi::xml_node err = doc.child("Error");
  e.code = err.child("Code").text().as_string();
  e.message = err.child("Message").text().as_string();
  return e;
}

std::optional<std::chrono::system_clock::time_point> ParseHttpDate(
    std::string_view text) {
  if (text.size() < 29 || text.size() > 64) return std::nullopt;
  std::string s(text);
  std::tm tm{};
  const char* end = strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  std::time_t t = timegm(&tm);
  if (t == static_cast<std::time_t>(-1)) return std::nullopt;
  return std::chrono::system_clock::from_time_t(t);
}

BlobType ParseBlobType(std::string_view text) {
  if (text == "AppendBlob") return BlobType::kAppend;
  if (text == "PageBlob") return BlobType::kPage;
  return BlobType::kBlock;
}

}  // namespace strata::azure::wire
