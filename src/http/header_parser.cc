// ResponseHeaderParser: status line and header lines from curl.

#include "http/header_parser.h"

#include <string>

namespace strata::http {
namespace {

constexpr size_t kMaxHeaders = 1000;
constexpr size_t kMaxValue = 64 << 10;

std::string_view TrimWs(std::string_view s) {
  auto ws = [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  };
  while (!s.empty() && ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && ws(s.back())) s.remove_suffix(1);
  return s;
}

std::string LowerAscii(std::string_view s) {
  std::string r(s);
  for (char& c : r) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return r;
}

}  // namespace

void ResponseHeaderParser::OnLine(std::string_view line) {
  if (complete_) return;  // trailers
  if (line.substr(0, 5) == "HTTP/") {
    OnStatusLine(line);
    return;
  }
  if (TrimWs(line).empty()) {
    if (in_head_ && status_ >= 200) complete_ = true;
    in_head_ = false;
    return;
  }
  if (in_head_) OnHeaderLine(line);
}

void ResponseHeaderParser::OnStatusLine(std::string_view line) {
  // A new block (after 1xx or a redirect) replaces the previous one.
  headers_.clear();
  in_head_ = true;
  status_ = 0;
  size_t sp = line.find(' ');
  if (sp == std::string_view::npos) return;
  std::string_view rest = line.substr(sp + 1);
  int code = 0;
  size_t digits = 0;
  while (digits < rest.size() && digits < 3 && rest[digits] >= '0' &&
         rest[digits] <= '9') {
    code = code * 10 + (rest[digits] - '0');
    ++digits;
  }
  if (digits == 3) status_ = code;
}

void ResponseHeaderParser::OnHeaderLine(std::string_view line) {
  if ((line.front() == ' ' || line.front() == '\t')) {
    if (!headers_.empty()) {  // obsolete folding: continue the last value
      std::string& v = headers_.back().second;
      std::string_view more = TrimWs(line);
      if (v.size() + more.size() < kMaxValue) v.append(" ").append(more);
    }
    return;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return;
  if (headers_.size() >= kMaxHeaders) return;
  std::string_view name = TrimWs(line.substr(0, colon));
  std::string_view value = TrimWs(line.substr(colon + 1));
  if (name.empty()) return;
  headers_.emplace_back(LowerAscii(name), std::string(value));
}

}  // namespace strata::http
