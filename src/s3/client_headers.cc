// Header building and parsing for S3 requests and responses: SSE,
// conditional writes, user metadata, checksums, ranges, object info.
#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <utility>

#include "s3/client_impl.h"
#include "s3/s3_xml.h"
#include "strata/stream/hash.h"

namespace strata::s3 {
namespace {

using stream::HashAlgorithm;

std::span<const std::byte> Bytes(std::string_view s) {
  return std::as_bytes(std::span(s.data(), s.size()));
}

std::string Base64Of(HashAlgorithm alg, std::span<const std::byte> data) {
  stream::Digest d = stream::HashBytes(alg, data);
  return stream::ToBase64(d);
}

std::optional<HashAlgorithm> ToHash(ChecksumAlgorithm alg) {
  switch (alg) {
    case ChecksumAlgorithm::kCrc32c:
      return HashAlgorithm::kCrc32c;
    case ChecksumAlgorithm::kCrc64Nvme:
      return HashAlgorithm::kCrc64Nvme;
    case ChecksumAlgorithm::kSha256:
      return HashAlgorithm::kSha256;
    case ChecksumAlgorithm::kNone:
      break;
  }
  return std::nullopt;
}

void AddCustomerKey(const Encryption& enc, Flavor flavor, bool copy_source,
                    http::Headers* h) {
  std::string key_b64 = stream::ToBase64(Bytes(enc.customer_key));
  if (flavor == Flavor::kGcs) {
    std::string p =
        copy_source ? "x-goog-copy-source-encryption-" : "x-goog-encryption-";
    h->emplace_back(p + "algorithm", "AES256");
    h->emplace_back(p + "key", key_b64);
    h->emplace_back(p + "key-sha256",
                    Base64Of(HashAlgorithm::kSha256, Bytes(enc.customer_key)));
    return;
  }
  std::string p = copy_source ? "x-amz-copy-source-server-side-encryption-"
                              : "x-amz-server-side-encryption-";
  h->emplace_back(p + "customer-algorithm", "AES256");
  h->emplace_back(p + "customer-key", key_b64);
  h->emplace_back(p + "customer-key-MD5",
                  Base64Of(HashAlgorithm::kMd5, Bytes(enc.customer_key)));
}

}  // namespace

Status AddEncryptionHeaders(const Encryption& enc, Flavor flavor, bool write,
                            bool copy_source, http::Headers* h) {
  switch (enc.mode) {
    case Encryption::Mode::kNone:
      return Status::OK();
    case Encryption::Mode::kCustomerKey:
      if (enc.customer_key.size() != 32) {
        return InvalidArgumentError("SSE-C customer key must be 32 bytes");
      }
      AddCustomerKey(enc, flavor, copy_source, h);
      return Status::OK();
    case Encryption::Mode::kS3:
      // GCS always encrypts at rest; there is no header for it.
      if (write && !copy_source && flavor != Flavor::kGcs) {
        h->emplace_back("x-amz-server-side-encryption", "AES256");
      }
      return Status::OK();
    case Encryption::Mode::kKms:
      if (!write || copy_source) return Status::OK();
      if (flavor == Flavor::kGcs) {
        if (enc.kms_key_id.empty()) {
          return InvalidArgumentError("GCS SSE-KMS needs kms_key_id");
        }
        h->emplace_back("x-goog-encryption-kms-key-name", enc.kms_key_id);
        return Status::OK();
      }
      h->emplace_back("x-amz-server-side-encryption", "aws:kms");
      if (!enc.kms_key_id.empty()) {
        h->emplace_back("x-amz-server-side-encryption-aws-kms-key-id",
                        enc.kms_key_id);
      }
      return Status::OK();
  }
  return Status::OK();
}

Status AddWriteHeaders(const PutOptions& options, Flavor flavor,
                       http::Headers* h) {
  if (!options.content_type.empty()) {
    h->emplace_back("Content-Type", options.content_type);
  }
  std::string_view meta =
      flavor == Flavor::kGcs ? "x-goog-meta-" : "x-amz-meta-";
  for (const auto& [name, value] : options.metadata) {
    h->emplace_back(fmt::format("{}{}", meta, name), value);
  }
  if (!options.if_none_match.empty()) {
    if (options.if_none_match != "*") {
      return InvalidArgumentError(
          "conditional write: if_none_match must be \"*\" (create-only)");
    }
    if (flavor == Flavor::kGcs) {
      h->emplace_back("x-goog-if-generation-match", "0");
    } else {
      h->emplace_back("If-None-Match", "*");
    }
  }
  if (!options.if_match.empty()) {
    if (flavor == Flavor::kGcs) {
      return UnimplementedError(
          "conditional write: GCS's XML API has no ETag If-Match for writes");
    }
    h->emplace_back("If-Match", StripQuotes(options.if_match));
  }
  return Status::OK();
}

Result<std::string> AddChecksumHeaders(ChecksumAlgorithm algorithm,
                                       Flavor flavor,
                                       std::span<const std::byte> body,
                                       http::Headers* h) {
  std::optional<HashAlgorithm> hash = ToHash(algorithm);
  if (!hash) return std::string();
  std::string value = Base64Of(*hash, body);
  if (flavor == Flavor::kGcs) {
    if (algorithm != ChecksumAlgorithm::kCrc32c) {
      return InvalidArgumentError(
          "GCS's XML API supports only crc32c checksums");
    }
    h->emplace_back("x-goog-hash", "crc32c=" + value);
    return value;
  }
  h->emplace_back(
      fmt::format("x-amz-checksum-{}", ChecksumLowerName(algorithm)), value);
  h->emplace_back("x-amz-sdk-checksum-algorithm",
                  std::string(ChecksumUpperName(algorithm)));
  return value;
}

namespace {

void ParseGoogHash(std::string_view value, ObjectInfo* info) {
  // "crc32c=AAAAAA==,md5=..." (possibly as separate headers).
  while (!value.empty()) {
    size_t comma = value.find(',');
    std::string_view item = value.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    size_t eq = item.find('=');
    if (eq != std::string_view::npos) {
      info->checksums[std::string(item.substr(0, eq))] =
          std::string(item.substr(eq + 1));
    }
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
}

void ApplyHeader(const std::string& name, const std::string& value,
                 ObjectInfo* info) {
  constexpr std::string_view kAmzMeta = "x-amz-meta-";
  constexpr std::string_view kGoogMeta = "x-goog-meta-";
  constexpr std::string_view kChecksum = "x-amz-checksum-";
  std::string_view n = name;
  if (n.starts_with(kAmzMeta)) {
    info->metadata[std::string(n.substr(kAmzMeta.size()))] = value;
  } else if (n.starts_with(kGoogMeta)) {
    info->metadata[std::string(n.substr(kGoogMeta.size()))] = value;
  } else if (n.starts_with(kChecksum) && n != "x-amz-checksum-type") {
    info->checksums[std::string(n.substr(kChecksum.size()))] = value;
  } else if (n == "x-goog-hash") {
    ParseGoogHash(value, info);
  } else if (n == "etag") {
    info->etag = StripQuotes(value);
  } else if (n == "content-type") {
    info->content_type = value;
  } else if (n == "content-length") {
    uint64_t size = 0;
    auto [p, ec] =
        std::from_chars(value.data(), value.data() + value.size(), size);
    if (ec == std::errc()) info->size = size;
  } else if (n == "last-modified") {
    if (auto t = ParseHttpDate(value)) info->last_modified = *t;
  } else if (n == "x-amz-version-id" || n == "x-goog-generation") {
    info->version_id = value;
  } else if (n == "x-amz-storage-class" || n == "x-goog-storage-class") {
    info->storage_class = value;
  }
}

}  // namespace

ObjectInfo InfoFromHeaders(const http::Response& response, std::string key) {
  ObjectInfo info;
  info.key = std::move(key);
  for (const auto& [name, value] : response.headers) {
    std::string lower = name;
    for (char& c : lower) c = static_cast<char>(std::tolower(c));
    ApplyHeader(lower, value, &info);
  }
  if (info.storage_class.empty()) info.storage_class = "STANDARD";
  return info;
}

Status VerifyChecksums(const ObjectInfo& info, std::span<const std::byte> body,
                       std::string_view what) {
  for (ChecksumAlgorithm alg :
       {ChecksumAlgorithm::kCrc32c, ChecksumAlgorithm::kCrc64Nvme,
        ChecksumAlgorithm::kSha256}) {
    auto it = info.checksums.find(std::string(ChecksumLowerName(alg)));
    // Composite checksums of multipart objects ("xxx-3") are not over the
    // whole body: skip them.
    if (it == info.checksums.end() ||
        it->second.find('-') != std::string::npos) {
      continue;
    }
    std::string actual = Base64Of(*ToHash(alg), body);
    if (actual != it->second) {
      return DataLossError(
          fmt::format("{}: {} checksum mismatch: server sent {}, body has {}",
                      what, ChecksumLowerName(alg), it->second, actual));
    }
  }
  return Status::OK();
}

Result<std::string> RangeHeader(const GetOptions& options) {
  if (options.suffix_length) {
    if (options.offset || options.length) {
      return InvalidArgumentError(
          "GET: suffix_length excludes offset and length");
    }
    if (*options.suffix_length == 0) {
      return InvalidArgumentError("GET: suffix_length must be > 0");
    }
    return fmt::format("bytes=-{}", *options.suffix_length);
  }
  uint64_t offset = options.offset.value_or(0);
  if (options.length) {
    if (*options.length == 0) {
      return InvalidArgumentError("GET: an empty range has no HTTP form");
    }
    return fmt::format("bytes={}-{}", offset, offset + *options.length - 1);
  }
  if (offset == 0) return std::string();
  return fmt::format("bytes={}-", offset);
}

std::optional<uint64_t> ParseContentRangeTotal(std::string_view value) {
  size_t slash = value.rfind('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string_view total = value.substr(slash + 1);
  uint64_t n = 0;
  auto [p, ec] = std::from_chars(total.data(), total.data() + total.size(), n);
  if (ec != std::errc() || p != total.data() + total.size())
    return std::nullopt;
  return n;
}

std::optional<ContentRange> ParseContentRange(std::string_view value) {
  constexpr std::string_view kPrefix = "bytes ";
  if (!value.starts_with(kPrefix)) return std::nullopt;
  value.remove_prefix(kPrefix.size());
  size_t dash = value.find('-');
  size_t slash = value.find('/');
  if (dash == std::string_view::npos || slash == std::string_view::npos ||
      slash < dash) {
    return std::nullopt;
  }
  auto number = [](std::string_view text) -> std::optional<uint64_t> {
    uint64_t n = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (text.empty() || ec != std::errc() || p != text.data() + text.size()) {
      return std::nullopt;
    }
    return n;
  };
  auto first = number(value.substr(0, dash));
  auto last = number(value.substr(dash + 1, slash - dash - 1));
  auto total = number(value.substr(slash + 1));
  if (!first || !last || !total || *first > *last || *last >= *total) {
    return std::nullopt;
  }
  return ContentRange{*first, *last, *total};
}

}  // namespace strata::s3
