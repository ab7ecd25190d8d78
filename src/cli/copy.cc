// Streaming file and tree copies over the File/FileSystem interfaces.

#include "cli/copy.h"

#include <atomic>
#include <string>
#include <utility>
#include <vector>

#include "strata/core/buffer.h"
#include "strata/core/when_all.h"
#include "strata/fs/file.h"
#include "strata/fs/file_system.h"
#include "strata/runtime/runtime.h"
#include "strata/runtime/semaphore.h"

namespace strata::cli {
namespace {

constexpr size_t kChunkSize = size_t{1} << 20;

Task<Result<size_t>> ReadChunk(fs::File& in, Buffer& buffer, uint64_t offset,
                               const Location& from) {
  auto n = co_await in.ReadAt(buffer.span(), offset);
  if (!n.ok()) co_return Annotate(n.status(), from);
  co_return *n;
}

Task<Status> WriteChunk(fs::File& out, fs::ConstBytes data,
                        const Location& to) {
  if (data.empty()) co_return Status::OK();
  co_return Annotate(co_await out.Write(data), to);
}

// Moves every byte of `in` to `out`, overlapping each write with the next
// read.
Task<Status> Pump(fs::File& in, fs::File& out, const Location& from,
                  const Location& to, Progress* progress) {
  Buffer buffers[2] = {Buffer::Allocate(kChunkSize, fs::kDirectIoAlignment),
                       Buffer::Allocate(kChunkSize, fs::kDirectIoAlignment)};
  uint64_t offset = 0;
  STRATA_CO_ASSIGN_OR_RETURN(size_t n,
                             co_await ReadChunk(in, buffers[0], 0, from));
  for (int cur = 0; n > 0; cur ^= 1) {
    offset += n;
    auto [next, written] = co_await WhenAll(
        ReadChunk(in, buffers[cur ^ 1], offset, from),
        WriteChunk(out, buffers[cur].const_span().first(n), to));
    STRATA_CO_RETURN_IF_ERROR(written);
    if (!next.ok()) co_return next.status();
    progress->Add(n);
    n = *next;
  }
  co_return Status::OK();
}

// Abandons a failed destination so it cannot pass for a complete copy.
// Abort() already removes a file this copy created; a file it overwrote was
// truncated at open, so where files are rewritable in place it is removed
// too. (On object stores an aborted upload leaves the old object intact.)
// An appended-to file is never removed: it held the user's data first.
Task<void> Discard(fs::File& out, const Location& to, CopyMode mode) {
  (co_await out.Abort()).IgnoreError();
  if (mode == CopyMode::kReplace && to.fs->capabilities().positional_write) {
    (co_await to.fs->Remove(to.path())).IgnoreError();
  }
}

Task<Result<std::vector<fs::FileInfo>>> ListTree(const Location& dir) {
  fs::ListOptions options;
  options.recursive = true;
  fs::ListStream stream = dir.fs->List(dir.path(), options);
  std::vector<fs::FileInfo> entries;
  while (auto page = co_await stream.Next()) {
    if (!page->ok()) co_return Annotate(page->status(), dir);
    for (fs::FileInfo& info : **page) entries.push_back(std::move(info));
  }
  co_return entries;
}

// Creates `to` and every directory of the listing below it, parents first
// (listings are sorted, so a directory precedes its contents).
Task<Status> MakeDirectories(const Location& from, const Location& to,
                             const std::vector<fs::FileInfo>& entries) {
  STRATA_CO_RETURN_IF_ERROR(
      Annotate(co_await to.fs->CreateDir(to.path(), true), to));
  for (const fs::FileInfo& info : entries) {
    if (!info.is_dir) continue;
    Location dir = to.Child(RelativePath(from.path(), info.path));
    STRATA_CO_RETURN_IF_ERROR(
        Annotate(co_await dir.fs->CreateDir(dir.path(), true), dir));
  }
  co_return Status::OK();
}

// State shared by the file copies of one tree.
struct TreeCopy {
  Location from;
  Location to;
  Progress* progress;
  CopyMode mode;
  std::atomic<bool> failed{false};
};

Task<Status> CopyTreeFile(TreeCopy* tree, std::string relative,
                          runtime::Semaphore::Permit permit) {
  Status status =
      co_await CopyFile(tree->from.Child(relative), tree->to.Child(relative),
                        tree->progress, tree->mode);
  if (!status.ok()) tree->failed.store(true);
  permit.Release();
  co_return status;
}

// Copies the listing's files with at most `jobs` in flight.
Task<Status> CopyFiles(TreeCopy* tree, const std::vector<fs::FileInfo>& entries,
                       size_t jobs) {
  runtime::Runtime* rt = runtime::Runtime::Current();
  if (rt == nullptr) co_return InternalError("cp: not on a runtime thread");
  runtime::Semaphore slots(jobs);
  std::vector<JoinHandle<Status>> running;
  for (const fs::FileInfo& info : entries) {
    if (info.is_dir) continue;
    runtime::Semaphore::Permit permit = co_await slots.Acquire();
    if (tree->failed.load()) break;
    running.push_back(rt->Spawn(CopyTreeFile(
        tree, RelativePath(tree->from.path(), info.path), std::move(permit))));
  }
  Status first;
  for (JoinHandle<Status>& handle : running) {
    Status status = co_await handle;
    if (first.ok()) first = std::move(status);
  }
  co_return first;
}

fs::OpenOptions DestinationOptions(CopyMode mode) {
  switch (mode) {
    case CopyMode::kNoClobber:
      return fs::OpenOptions::CreateNew();
    case CopyMode::kAppend:
      return fs::OpenOptions::Append();
    case CopyMode::kReplace:
      break;
  }
  return fs::OpenOptions::Overwrite();
}

}  // namespace

Task<Status> CopyFile(Location from, Location to, Progress* progress,
                      CopyMode mode) {
  auto in = co_await from.fs->Open(from.path(), fs::OpenOptions::ReadOnly());
  if (!in.ok()) co_return Annotate(in.status(), from);
  fs::OpenOptions out_options = DestinationOptions(mode);
  auto out = co_await to.fs->Open(to.path(), out_options);
  if (!out.ok()) {
    (co_await (*in)->Close()).IgnoreError();
    if (out.status().code() == StatusCode::kAlreadyExists) {
      co_return AlreadyExistsError(to.Display() + " already exists (" +
                                   std::string(out.status().message()) + ")");
    }
    co_return Annotate(out.status(), to);
  }
  Status status = co_await Pump(**in, **out, from, to, progress);
  if (status.ok()) status = Annotate(co_await (*out)->Close(), to);
  Status closed = Annotate(co_await (*in)->Close(), from);
  if (!status.ok()) {
    co_await Discard(**out, to, mode);
    co_return status;
  }
  co_return closed;
}

Task<Status> CopyTree(Location from, Location to, size_t jobs,
                      Progress* progress, CopyMode mode) {
  STRATA_CO_ASSIGN_OR_RETURN(std::vector<fs::FileInfo> entries,
                             co_await ListTree(from));
  for (const fs::FileInfo& info : entries) {
    if (!info.is_dir) progress->AddTotal(info.size);
  }
  STRATA_CO_RETURN_IF_ERROR(co_await MakeDirectories(from, to, entries));
  TreeCopy tree{std::move(from), std::move(to), progress, mode};
  co_return co_await CopyFiles(&tree, entries, jobs);
}

}  // namespace strata::cli
