// The S3 XML documents the client reads and writes: ListObjectsV2 results,
// InitiateMultipartUpload/CompleteMultipartUpload/Copy results, DeleteObjects
// results; and the request bodies for DeleteObjects, CompleteMultipartUpload
// and CreateBucket. Plus the date formats S3 uses (ISO 8601 in XML, RFC 1123
// in headers) and `encoding-type=url` key decoding.
//
// Parsers are safe on arbitrary input (fuzzed by s3_xml_fuzz.cc): malformed
// documents are kInternal errors naming `what`, never crashes.
//
// Thread-safety: stateless functions.
#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "strata/core/result.h"
#include "strata/s3/client.h"

namespace strata::s3 {

// "2009-10-12T17:50:30.000Z" (fraction optional, 'Z' or no zone).
std::optional<std::chrono::system_clock::time_point> ParseIso8601(
    std::string_view text);
// "Sun, 06 Nov 1994 08:49:37 GMT".
std::optional<std::chrono::system_clock::time_point> ParseHttpDate(
    std::string_view text);

// Removes one pair of surrounding double quotes ("\"abc\"" → "abc").
std::string StripQuotes(std::string_view etag);

// Decodes a value of an `encoding-type=url` listing: '+' is a space and
// %XX an escaped byte (as botocore's unquote_plus). kInternal when bad.
Result<std::string> DecodeUrlEncoded(std::string_view text);

// ListBucketResult (ListObjectsV2). Keys and prefixes are decoded when the
// document says <EncodingType>url</EncodingType>.
Result<ListResult> ParseListResult(std::string_view body,
                                   std::string_view what);

// <InitiateMultipartUploadResult><UploadId>.
Result<std::string> ParseUploadId(std::string_view body, std::string_view what);

// ETag (quotes stripped) of CompleteMultipartUploadResult, CopyObjectResult
// or CopyPartResult; kInternal when the element is missing.
Result<std::string> ParseResultEtag(std::string_view body,
                                    std::string_view what);

// The Checksum<ALG> element (base64) of a CopyPartResult or
// CompleteMultipartUploadResult; "" when absent, unparsable or kNone.
std::string ParseResultChecksum(std::string_view body,
                                ChecksumAlgorithm algorithm);

// One per-key failure of a DeleteObjects call.
struct DeleteError {
  std::string key;
  std::string code;
  std::string message;
};
Result<std::vector<DeleteError>> ParseDeleteResult(std::string_view body,
                                                   std::string_view what);

// Escapes &, <, >, " and ' for element text.
std::string XmlEscape(std::string_view text);

// <Delete><Quiet>true</Quiet><Object><Key>..</Key></Object>...</Delete>
std::string BuildDeleteXml(std::span<const std::string> keys);
// <CompleteMultipartUpload> with quoted ETags and, when `checksum` is not
// kNone, each part's Checksum<ALG> element.
std::string BuildCompleteXml(std::span<const CompletedPart> parts,
                             ChecksumAlgorithm checksum);
// <CreateBucketConfiguration><LocationConstraint>region...; empty for
// us-east-1 (which takes no constraint).
std::string BuildCreateBucketXml(std::string_view region);

// "CRC32C", "CRC64NVME", "SHA256" (x-amz-sdk-checksum-algorithm and the
// XML element suffix); "crc32c", ... (the x-amz-checksum-<name> header).
std::string_view ChecksumUpperName(ChecksumAlgorithm algorithm);
std::string_view ChecksumLowerName(ChecksumAlgorithm algorithm);

}  // namespace strata::s3
