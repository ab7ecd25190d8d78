// `strata cat [--offset N] [--length N] URI`: a file's bytes (or a range of
// them) to standard output, streamed through two 1 MiB buffers: the next
// chunk is read while the current one is written.

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <utility>

#include "cli/command.h"
#include "cli/location.h"
#include "cli/units.h"
#include "strata/core/buffer.h"
#include "strata/core/when_all.h"
#include "strata/fs/file.h"
#include "strata/runtime/io.h"

namespace strata::cli {
namespace {

constexpr size_t kChunkSize = size_t{1} << 20;

struct CatOptions {
  std::string uri;
  uint64_t offset = 0;
  uint64_t length = std::numeric_limits<uint64_t>::max();
};

// Blocking write of all of `data` to `fd`; 0 or -errno.
int64_t WriteAllBlocking(int fd, fs::ConstBytes data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return -errno;
    data = data.subspan(static_cast<size_t>(n));
  }
  return 0;
}

// Writes to stdout on the runtime's worker pool, so a slow reader of the
// pipe never stalls the reactor.
Task<Status> WriteStdout(fs::ConstBytes data) {
  if (data.empty()) co_return Status::OK();
  // A named closure: GCC 12 destroys closure/aggregate prvalues passed to a
  // coroutine inside a co_await twice.
  auto write = [data] { return WriteAllBlocking(STDOUT_FILENO, data); };
  int64_t r = co_await runtime::RunBlocking(std::move(write));
  if (r < 0) {
    co_return ErrnoToStatus(static_cast<int>(-r), "write to standard output");
  }
  co_return Status::OK();
}

// Reads up to min(kChunkSize, remaining) bytes at `offset` into `buffer`.
Task<Result<size_t>> ReadChunk(fs::File& file, Buffer& buffer, uint64_t offset,
                               uint64_t remaining) {
  size_t want = static_cast<size_t>(std::min<uint64_t>(kChunkSize, remaining));
  if (want == 0) co_return size_t{0};
  co_return co_await file.ReadAt(buffer.span().first(want), offset);
}

// Copies [offset, offset + length) of `file` to stdout.
Task<Status> Stream(fs::File& file, uint64_t offset, uint64_t length) {
  Buffer buffers[2] = {Buffer::Allocate(kChunkSize),
                       Buffer::Allocate(kChunkSize)};
  STRATA_CO_ASSIGN_OR_RETURN(
      size_t n, co_await ReadChunk(file, buffers[0], offset, length));
  for (int cur = 0; n > 0; cur ^= 1) {
    offset += n;
    length -= n;
    auto [next, written] =
        co_await WhenAll(ReadChunk(file, buffers[cur ^ 1], offset, length),
                         WriteStdout(buffers[cur].const_span().first(n)));
    STRATA_CO_RETURN_IF_ERROR(written);
    if (!next.ok()) co_return next.status();
    n = *next;
  }
  co_return Status::OK();
}

Task<Status> RunCat(CatOptions options) {
  STRATA_CO_ASSIGN_OR_RETURN(Location location, ResolveLocation(options.uri));
  auto file =
      co_await location.fs->Open(location.path(), fs::OpenOptions::ReadOnly());
  if (!file.ok()) co_return Annotate(file.status(), location);
  Status status = co_await Stream(**file, options.offset, options.length);
  Status closed = co_await (*file)->Close();
  if (status.ok()) status = closed;
  co_return Annotate(status, location);
}

}  // namespace

void AddCatCommand(CLI::App& app, Invocation* invocation) {
  auto cat = std::make_shared<CatOptions>();
  CLI::App* cmd =
      app.add_subcommand("cat", "Write a file's bytes to standard output");
  const CLI::Validator not_negative(CheckNotNegative, "UINT");
  cmd->add_option("--offset", cat->offset, "First byte to print (default 0)")
      ->check(not_negative);
  cmd->add_option("--length", cat->length,
                  "Bytes to print at most (default: to the end)")
      ->check(not_negative);
  cmd->add_option("URI", cat->uri, "Path or URI of a file")->required();
  cmd->callback([cat, invocation] {
    invocation->run = [cat](runtime::Runtime& rt) {
      return rt.BlockOn(RunCat(*cat));
    };
  });
}

}  // namespace strata::cli
