// A third-party backend in a few lines: "counting://name/path" is an
// in-memory store that counts the files it opens. It registers its scheme
// explicitly (no static-initialiser magic) and is then reachable through
// strata::fs::OpenFileSystem like any built-in scheme.
#include <atomic>
#include <cstdio>
#include <memory>
#include <string>

#include "strata/fs/forwarding.h"
#include "strata/fs/memory.h"
#include "strata/fs/registry.h"
#include "strata/runtime/runtime.h"

namespace fs = strata::fs;
using strata::Result;
using strata::Task;

class CountingFileSystem final : public fs::ForwardingFileSystem {
 public:
  using ForwardingFileSystem::ForwardingFileSystem;
  std::string_view name() const override { return "counting"; }
  Task<Result<std::unique_ptr<fs::File>>> Open(std::string path,
                                               fs::OpenOptions o) override {
    opens_.fetch_add(1);
    return target()->Open(std::move(path), std::move(o));
  }
  int opens() const { return opens_.load(); }

 private:
  std::atomic<int> opens_{0};
};

std::shared_ptr<CountingFileSystem> counting;

Task<strata::Status> WriteTwoFiles() {
  STRATA_CO_ASSIGN_OR_RETURN(auto a, fs::OpenFileSystem("counting://demo/a"));
  STRATA_CO_ASSIGN_OR_RETURN(auto b, fs::OpenFileSystem("counting://demo/b"));
  for (auto* ref : {&a, &b}) {
    STRATA_CO_ASSIGN_OR_RETURN(
        auto f,
        co_await ref->fs->Open(ref->path, fs::OpenOptions::Overwrite()));
    STRATA_CO_RETURN_IF_ERROR(co_await f->Close());
  }
  co_return strata::Status::OK();
}

int main() {
  counting =
      std::make_shared<CountingFileSystem>(fs::MemoryFileSystem::Create());
  strata::Status s = fs::RegisterScheme(
      "counting",
      [](const fs::Uri&) -> Result<std::shared_ptr<fs::FileSystem>> {
        return std::shared_ptr<fs::FileSystem>(counting);
      });
  if (!s.ok()) {
    std::fprintf(stderr, "custom_scheme: %s\n", s.ToString().c_str());
    return 1;
  }
  auto rt = strata::Runtime::Create();
  if (!rt.ok()) return 1;
  s = (*rt)->BlockOn(WriteTwoFiles());
  if (!s.ok() || counting->opens() != 2) {
    std::fprintf(stderr, "custom_scheme: %s (opens=%d)\n", s.ToString().c_str(),
                 counting->opens());
    return 1;
  }
  std::printf("custom_scheme: counting:// opened %d files\n",
              counting->opens());
  return 0;
}
