// Writes a file to an in-memory file system, reads it back and prints the
// runtime kind: the smallest complete use of strata's public API.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "strata/fs/registry.h"
#include "strata/runtime/runtime.h"

using strata::Result;
using strata::Status;
using strata::Task;
namespace fs = strata::fs;

Task<Result<std::string>> RoundTrip(std::string uri, std::string text) {
  STRATA_CO_ASSIGN_OR_RETURN(auto ref, fs::OpenFileSystem(uri));
  STRATA_CO_ASSIGN_OR_RETURN(
      auto out, co_await ref.fs->Open(ref.path, fs::OpenOptions::Overwrite()));
  STRATA_CO_RETURN_IF_ERROR(
      co_await out->Write(std::as_bytes(std::span(text))));
  STRATA_CO_RETURN_IF_ERROR(co_await out->Close());

  STRATA_CO_ASSIGN_OR_RETURN(
      auto in, co_await ref.fs->Open(ref.path, fs::OpenOptions::ReadOnly()));
  std::string back(text.size(), '\0');
  STRATA_CO_ASSIGN_OR_RETURN(
      size_t n,
      co_await in->ReadAt(std::as_writable_bytes(std::span(back)), 0));
  back.resize(n);
  STRATA_CO_RETURN_IF_ERROR(co_await in->Close());
  co_return back;
}

int main() {
  auto rt = strata::Runtime::Create();
  if (!rt.ok()) {
    std::fprintf(stderr, "consumer: %s\n", rt.status().ToString().c_str());
    return 1;
  }
  auto back = (*rt)->BlockOn(RoundTrip("mem://example/hello.txt", "hello"));
  if (!back.ok() || *back != "hello") {
    std::fprintf(stderr, "consumer: %s\n", back.status().ToString().c_str());
    return 1;
  }
  std::printf(
      "consumer: read back '%s' on the %s runtime\n", back->c_str(),
      std::string(strata::runtime::RuntimeKindName((*rt)->kind())).c_str());
  return 0;
}
