// Input, staged output and the copy loop of the `strata stream` commands.

#include "cli/stream_io.h"

#include <unistd.h>

#include <string>
#include <string_view>
#include <utility>

#include "strata/core/buffer.h"
#include "strata/fs/file_system.h"

namespace strata::cli {
namespace {

// ".<name>.strata-tmp-<pid>" in OUT's directory.
std::string StagingPath(const std::string& path) {
  std::string_view name = fs::BaseName(path);
  std::string dir = path.substr(0, path.size() - name.size());
  std::string staged = dir;
  staged += '.';
  staged += name;
  staged += ".strata-tmp-";
  staged += std::to_string(::getpid());
  return staged;
}

}  // namespace

Task<Result<std::unique_ptr<fs::File>>> OpenInput(const Location& location) {
  auto file =
      co_await location.fs->Open(location.path(), fs::OpenOptions::ReadOnly());
  if (!file.ok()) co_return Annotate(file.status(), location);
  co_return std::move(*file);
}

Task<Result<StagedOutput>> StagedOutput::Open(Location out) {
  if (fs::BaseName(out.path()).empty()) {
    co_return InvalidArgumentError("output " + out.Display() +
                                   " must name a file");
  }
  StagedOutput staged;
  staged.staging_path_ = out.fs->capabilities().atomic_rename
                             ? StagingPath(out.path())
                             : out.path();
  auto file =
      co_await out.fs->Open(staged.staging_path_, fs::OpenOptions::Overwrite());
  if (!file.ok()) co_return Annotate(file.status(), out);
  staged.file_ = std::move(*file);
  staged.out_ = std::move(out);
  co_return staged;
}

Task<Status> StagedOutput::Commit() {
  if (staging_path_ == out_.path()) co_return Status::OK();
  Status renamed = co_await out_.fs->Rename(staging_path_, out_.path());
  if (!renamed.ok()) {
    (co_await out_.fs->Remove(staging_path_)).IgnoreError();
    co_return Annotate(renamed, out_);
  }
  co_return Status::OK();
}

Task<void> StagedOutput::Discard() {
  // Abort already removed a file the open created; this catches backends
  // that keep partial bytes (an overwritten local OUT without staging).
  if (staging_path_ != out_.path() ||
      out_.fs->capabilities().positional_write) {
    (co_await out_.fs->Remove(staging_path_)).IgnoreError();
  }
}

Task<Status> FinishOutput(fs::File& top, StagedOutput& staged, Status status) {
  if (status.ok()) {
    status = Annotate(co_await top.Close(), staged.location());
    if (status.ok()) co_return co_await staged.Commit();
  }
  (co_await top.Abort()).IgnoreError();
  co_await staged.Discard();
  co_return status;
}

Task<Status> PumpAll(fs::File& in, fs::File& out, const Location& in_name,
                     const Location& out_name) {
  Buffer buffer = Buffer::Allocate(kStreamChunkSize);
  for (uint64_t offset = 0;;) {
    auto n = co_await in.ReadAt(buffer.span(), offset);
    if (!n.ok()) co_return Annotate(n.status(), in_name);
    if (*n == 0) co_return Status::OK();
    STRATA_CO_RETURN_IF_ERROR(
        Annotate(co_await out.Write(buffer.const_span().first(*n)), out_name));
    offset += *n;
    if (*n < buffer.size()) co_return Status::OK();
  }
}

Task<Status> PumpToOutput(fs::File& in, const Location& in_name,
                          const Location& out) {
  STRATA_CO_ASSIGN_OR_RETURN(StagedOutput staged,
                             co_await StagedOutput::Open(out));
  std::unique_ptr<fs::File> file = staged.TakeFile();
  Status status = co_await PumpAll(in, *file, in_name, out);
  co_return co_await FinishOutput(*file, staged, std::move(status));
}

}  // namespace strata::cli
