// Azure Blob wire formats: the XML documents (List Blobs, Get Block List,
// Put Block List, <Error>) and the RFC 1123 dates in headers and listings.
//
// The parsers take untrusted bytes from the network: they never crash on
// arbitrary input (fuzzed by wire_fuzz.cc), and fail with kInvalidArgument
// (not retryable) on documents they cannot read.
//
// Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "strata/azure/client.h"
#include "strata/core/result.h"

namespace strata::azure::wire {

// <EnumerationResults> of List Blobs: <Blob> entries (Name, Properties:
// Content-Length, Etag, Last-Modified, Content-Type, BlobType; Metadata) and
// <BlobPrefix><Name>, plus <NextMarker>.
Result<ListResult> ParseListBlobs(std::string_view xml);

// <BlockList><CommittedBlocks><Block><Name>/<Size>.
Result<std::vector<BlockInfo>> ParseBlockList(std::string_view xml);

// The Put Block List body for `blocks`.
std::string BlockListXml(const std::vector<BlockRef>& blocks);

// <Error><Code>X</Code><Message>..</Message></Error> → {"X", "..."};
// empty strings when the body is not such a document.
struct ErrorDoc {
  std::string code;
  std::string message;
};
ErrorDoc ParseError(std::string_view xml);

// "Sun, 06 Nov 1994 08:49:37 GMT" → time; nullopt if malformed.
std::optional<std::chrono::system_clock::time_point> ParseHttpDate(
    std::string_view text);

// "BlockBlob" / "AppendBlob" / "PageBlob" (kBlock for anything else).
BlobType ParseBlobType(std::string_view text);

}  // namespace strata::azure::wire
