// libFuzzer target for NormalizeVirtualPath (and ValidateName, IsWithin,
// RelativeTo on its output).
//
// Invariants checked on every input:
// - NormalizeVirtualPath either fails with kInvalidArgument or returns an
//   absolute path of at most kMaxPathBytes that contains no "//", "/./" or
//   "/../", does not end in '/' (except the root), and whose every component
//   passes ValidateName;
// - normalising the result again returns it unchanged;
// - the result is within "/" and within its own parent, and RelativeTo
//   inverts the split.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "strata/vfs/path.h"

namespace {

using strata::StatusCode;
using strata::vfs::IsWithin;
using strata::vfs::kMaxPathBytes;
using strata::vfs::NormalizeVirtualPath;
using strata::vfs::RelativeTo;
using strata::vfs::ValidateName;

[[noreturn]] void Fail(const char* what, std::string_view input,
                       std::string_view output) {
  std::fprintf(stderr,
               "invariant violated: %s\n  input:  '%.*s'\n  output: '%.*s'\n",
               what, static_cast<int>(input.size()), input.data(),
               static_cast<int>(output.size()), output.data());
  std::abort();
}

void CheckShape(std::string_view in, const std::string& out) {
  if (out.empty() || out.front() != '/') Fail("not absolute", in, out);
  if (out.size() > kMaxPathBytes) Fail("longer than kMaxPathBytes", in, out);
  if (out.size() > 1 && out.back() == '/') Fail("trailing '/'", in, out);
  for (std::string_view bad : {"//", "/./", "/../"}) {
    if (out.find(bad) != std::string::npos) Fail("not canonical", in, out);
  }
}

void CheckComponents(std::string_view in, const std::string& out) {
  if (out == "/") return;
  size_t pos = 1;
  while (pos <= out.size()) {
    size_t end = out.find('/', pos);
    if (end == std::string::npos) end = out.size();
    std::string_view name = std::string_view(out).substr(pos, end - pos);
    if (!ValidateName(name).ok()) Fail("invalid component", in, out);
    pos = end + 1;
  }
}

void CheckRelations(std::string_view in, const std::string& out) {
  if (!IsWithin(out, "/") || !IsWithin(out, out)) Fail("IsWithin", in, out);
  if (RelativeTo(out, "/") != out) Fail("RelativeTo root", in, out);
  if (RelativeTo(out, out) != "/") Fail("RelativeTo self", in, out);
  if (out == "/") return;
  const size_t slash = out.rfind('/');
  const std::string parent = slash == 0 ? "/" : out.substr(0, slash);
  if (!IsWithin(out, parent)) Fail("not within its parent", in, out);
  if (IsWithin(parent, out)) Fail("parent within child", in, out);
  const std::string rel = RelativeTo(out, parent);
  if (rel != out.substr(slash == 0 ? 0 : slash)) Fail("RelativeTo", in, out);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  auto got = NormalizeVirtualPath(in);
  if (!got.ok()) {
    if (got.status().code() != StatusCode::kInvalidArgument) {
      Fail("error other than kInvalidArgument", in, "");
    }
    return 0;
  }
  const std::string& out = *got;
  CheckShape(in, out);
  CheckComponents(in, out);
  auto again = NormalizeVirtualPath(out);
  if (!again.ok() || *again != out) Fail("not idempotent", in, out);
  CheckRelations(in, out);
  return 0;
}
