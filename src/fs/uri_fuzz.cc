// libFuzzer target for Uri::Parse and NormalizePath.
//
// Invariants checked on every input:
// - NormalizePath either fails with kInvalidArgument or returns a canonical
//   absolute path: it starts with '/', contains no "//", "/./" or "/../",
//   does not end in "/", "/." or "/.." (except the root "/"), contains no
//   NUL, and normalising it again returns it unchanged.
// - Uri::Parse either fails with kInvalidArgument or returns a lower-case,
//   well-formed scheme and a canonical path, and Parse(uri.ToString())
//   yields the same URI again.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "strata/fs/registry.h"

namespace {

using strata::StatusCode;
using strata::fs::NormalizePath;
using strata::fs::Uri;

[[noreturn]] void Fail(const char* what, std::string_view input,
                       std::string_view output) {
  std::fprintf(stderr,
               "invariant violated: %s\n  input:  '%.*s'\n  output: '%.*s'\n",
               what, static_cast<int>(input.size()), input.data(),
               static_cast<int>(output.size()), output.data());
  std::abort();
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.substr(s.size() - suffix.size()) == suffix;
}

void CheckCanonical(std::string_view input, const std::string& path) {
  if (path.empty() || path.front() != '/') Fail("not absolute", input, path);
  if (path == "/") return;
  if (path.find("//") != std::string::npos) Fail("has //", input, path);
  if (path.find("/./") != std::string::npos) Fail("has /./", input, path);
  if (path.find("/../") != std::string::npos) Fail("has /../", input, path);
  if (path.find('\0') != std::string::npos) Fail("has NUL", input, path);
  if (path.back() == '/') Fail("trailing /", input, path);
  if (EndsWith(path, "/.") || EndsWith(path, "/..")) {
    Fail("ends in a dot segment", input, path);
  }
  strata::Result<std::string> again = NormalizePath(path);
  if (!again.ok() || *again != path) Fail("not idempotent", input, path);
}

void CheckNormalize(std::string_view input) {
  strata::Result<std::string> path = NormalizePath(input);
  if (!path.ok()) {
    if (path.status().code() != StatusCode::kInvalidArgument) {
      Fail("unexpected error code", input, path.status().ToString());
    }
    return;
  }
  CheckCanonical(input, *path);
}

bool ValidScheme(const std::string& scheme) {
  if (scheme.empty() || scheme[0] < 'a' || scheme[0] > 'z') return false;
  for (char c : scheme) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
              c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

void CheckUri(std::string_view input) {
  strata::Result<Uri> uri = Uri::Parse(input);
  if (!uri.ok()) {
    if (uri.status().code() != StatusCode::kInvalidArgument) {
      Fail("unexpected error code", input, uri.status().ToString());
    }
    return;
  }
  if (!ValidScheme(uri->scheme)) Fail("bad scheme", input, uri->scheme);
  CheckCanonical(input, uri->path);
  const std::string spelled = uri->ToString();
  strata::Result<Uri> again = Uri::Parse(spelled);
  if (!again.ok()) Fail("ToString does not parse", input, spelled);
  if (again->scheme != uri->scheme || again->authority != uri->authority ||
      again->path != uri->path || again->query != uri->query) {
    Fail("ToString does not round-trip", input, spelled);
  }
  if (again->ToString() != spelled) Fail("ToString unstable", input, spelled);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  CheckNormalize(input);
  CheckUri(input);
  return 0;
}
