// ResponseHeaderParser: turns the response head lines curl hands to its
// header callback (status line, "name: value" lines, the blank line) into a
// status code and lower-cased headers. Interim 1xx blocks (100 Continue) are
// discarded so only the final block remains; obsolete line folding is
// joined; lines after the final head (chunked trailers) are ignored.
// Bytes come from the network: any input is safe (fuzzed by
// header_parser_fuzz.cc).
//
// Thread-safety: a value; one thread at a time.
#pragma once

#include <string_view>

#include "strata/http/client.h"

namespace strata::http {

class ResponseHeaderParser {
 public:
  // One line as delivered by curl (usually with its trailing CRLF).
  void OnLine(std::string_view line);

  // True once the blank line ending a final (non-1xx) head was seen.
  bool complete() const { return complete_; }
  int status() const { return status_; }
  const Headers& headers() const { return headers_; }
  Headers TakeHeaders() { return std::move(headers_); }

 private:
  void OnStatusLine(std::string_view line);
  void OnHeaderLine(std::string_view line);

  bool complete_ = false;
  bool in_head_ = false;
  int status_ = 0;
  Headers headers_;
};

}  // namespace strata::http
