// libFuzzer target for the S3 response decoders: error documents, listings,
// multipart/copy results, delete results, dates, url-encoded values,
// Content-Range, part checksums and response headers → ObjectInfo.
//
// Byte 0 selects nothing special; the whole input goes to every decoder.
// Invariant: no crash, no sanitizer report; parsed listings never report
// truncation without a continuation token.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "s3/client_impl.h"
#include "s3/s3_errors.h"
#include "s3/s3_xml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace strata::s3;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  ErrorDocument doc;
  ParseErrorDocument(in, &doc);
  (void)IsErrorDocument(in);
  (void)MapS3Error(static_cast<int>(size % 600), in, "FUZZ s3://b/k");
  auto list = ParseListResult(in, "LIST");
  if (list.ok() && list->truncated && list->next_continuation_token.empty()) {
    std::abort();
  }
  (void)ParseUploadId(in, "MPU").ok();
  (void)ParseResultEtag(in, "COPY").ok();
  (void)ParseDeleteResult(in, "DEL").ok();
  (void)ParseIso8601(in);
  (void)ParseHttpDate(in);
  (void)DecodeUrlEncoded(in).ok();
  (void)ParseContentRangeTotal(in);
  if (auto range = ParseContentRange(in)) {
    if (range->first > range->last || range->last >= range->total) {
      std::abort();
    }
  }
  (void)ParseResultChecksum(in, ChecksumAlgorithm::kCrc32c);
  strata::http::Response resp;
  size_t cut = in.find('\n');
  std::string_view name = in.substr(0, cut);
  std::string_view value =
      cut == std::string_view::npos ? "" : in.substr(cut + 1);
  resp.headers.emplace_back(std::string(name), std::string(value));
  resp.headers.emplace_back("x-goog-hash", std::string(in));
  resp.headers.emplace_back("last-modified", std::string(in));
  resp.headers.emplace_back("content-length", std::string(in));
  ObjectInfo info = InfoFromHeaders(resp, "k");
  (void)VerifyChecksums(info, {}, "GET").ok();
  return 0;
}
