// libFuzzer target for ResponseHeaderParser (response head lines from the
// network). The input is split into lines at '\n' (each keeps its newline)
// and fed in order, as curl's header callback does. Invariants (abort on
// violation): no crash; a complete head has a final (>= 200) 3-digit status;
// header names are non-empty, lower-case and hold no ':'; at most 1000
// headers are kept.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/header_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  strata::http::ResponseHeaderParser parser;
  while (!in.empty()) {
    size_t eol = in.find('\n');
    size_t len = eol == std::string_view::npos ? in.size() : eol + 1;
    parser.OnLine(in.substr(0, len));
    in.remove_prefix(len);
  }
  if (parser.complete() && (parser.status() < 200 || parser.status() > 999)) {
    std::abort();
  }
  if (parser.headers().size() > 1000) std::abort();
  for (const auto& [name, value] : parser.headers()) {
    if (name.empty() || name.find(':') != std::string::npos) std::abort();
    for (char c : name) {
      if (c >= 'A' && c <= 'Z') std::abort();
    }
  }
  return 0;
}
