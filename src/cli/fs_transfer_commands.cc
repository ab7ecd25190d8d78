// `strata fs copy-from-local LOCAL PATH` and `strata fs copy-to-local PATH
// LOCAL`: files between the local disk and the namespace, streamed in
// 1 MiB messages, with a progress bar (on stderr) when stderr is a
// terminal.
//
// copy-from-local: the server makes the file visible only when the stream
// ends cleanly with exactly the local file's size (expected_size), so a
// failed or short upload leaves nothing (or the old file) behind.
// copy-to-local writes a temporary file next to LOCAL and renames it into
// place, so LOCAL is never half-written. A destination that is an existing
// directory receives the source's base name.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "cli/fs_commands.h"
#include "cli/fs_local_file.h"
#include "cli/progress.h"

namespace strata::cli {
namespace {

constexpr size_t kChunk = size_t{1} << 20;

struct TransferOptions {
  std::string from;
  std::string to;
};

std::string BaseName(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  return std::string(path.substr(path.rfind('/') + 1));
}

// `path`, or `path`/`name` when `path` is an existing directory.
Result<std::string> RemoteDestination(FsClient& client, const std::string& path,
                                      const std::string& name) {
  strata::v1::StatRequest request;
  request.set_path(path);
  strata::v1::StatResponse response;
  auto context = FsClient::UnaryContext();
  grpc::Status status = client.files().Stat(context.get(), request, &response);
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) return path;
  STRATA_RETURN_IF_ERROR(client.Check(status, path));
  if (!response.info().is_dir()) return path;
  std::string dir = response.info().path();
  return (dir == "/" ? "" : dir) + "/" + name;
}

// Streams the open local file `in` into a Write call for `path`.
Status Upload(FsClient& client, LocalFile& in, const std::string& path,
              Progress* progress) {
  auto context = FsClient::StreamContext();
  strata::v1::WriteResponse response;
  auto writer = client.files().Write(context.get(), &response);
  strata::v1::WriteRequest header;
  header.mutable_header()->set_path(path);
  header.mutable_header()->set_mode(strata::v1::WriteHeader::OVERWRITE);
  header.mutable_header()->set_parents(true);
  header.mutable_header()->set_expected_size(in.size());
  bool open = writer->Write(header);
  strata::v1::WriteRequest message;
  std::string* data = message.mutable_data();
  while (open) {
    data->resize(kChunk);
    Result<size_t> n = in.Read(data->data(), kChunk);
    if (!n.ok()) {
      context->TryCancel();  // the server discards the partial file
      (void)writer->Finish();
      return n.status();
    }
    if (*n == 0) break;
    data->resize(*n);
    open = writer->Write(message);
    progress->Add(*n);
  }
  if (open) writer->WritesDone();
  return client.Check(writer->Finish(), path);
}

Status RunCopyFromLocal(FsClient& client, const TransferOptions& options) {
  STRATA_ASSIGN_OR_RETURN(LocalFile in, LocalFile::OpenForRead(options.from));
  STRATA_ASSIGN_OR_RETURN(
      std::string path,
      RemoteDestination(client, options.to, BaseName(options.from)));
  Progress progress(::isatty(STDERR_FILENO) == 1);
  progress.AddTotal(in.size());
  Status status = Upload(client, in, path, &progress);
  progress.Finish();
  return status;
}

// Streams `path` into the open temporary file `out`.
Status Download(FsClient& client, const std::string& path, LocalFile& out,
                Progress* progress) {
  strata::v1::ReadRequest request;
  request.set_path(path);
  auto context = FsClient::StreamContext();
  auto reader = client.files().Read(context.get(), request);
  strata::v1::ReadResponse chunk;
  uint64_t received = 0;
  uint64_t expected = 0;
  bool first = true;
  while (reader->Read(&chunk)) {
    if (first) {
      expected = chunk.file_size();
      progress->AddTotal(expected);
      first = false;
    }
    if (Status st = out.Write(chunk.data()); !st.ok()) {
      context->TryCancel();
      (void)reader->Finish();
      return st;
    }
    received += chunk.data().size();
    progress->Add(chunk.data().size());
  }
  STRATA_RETURN_IF_ERROR(client.Check(reader->Finish(), path));
  if (received != expected) {
    return DataLossError(path + ": received " + std::to_string(received) +
                         " bytes of " + std::to_string(expected));
  }
  return Status::OK();
}

Status RunCopyToLocal(FsClient& client, const TransferOptions& options) {
  std::string local = options.to;
  std::error_code ec;
  if (std::filesystem::is_directory(local, ec)) {
    local += "/" + BaseName(options.from);
  }
  STRATA_ASSIGN_OR_RETURN(LocalFile out, LocalFile::CreateTempNextTo(local));
  Progress progress(::isatty(STDERR_FILENO) == 1);
  Status status = Download(client, options.from, out, &progress);
  progress.Finish();
  if (status.ok()) status = out.CommitAs(local);
  return status;  // a failed or uncommitted temporary file is removed
}

void AddTransferCommand(CLI::App& fs, const FsGlobals& globals,
                        Invocation* invocation, bool from_local) {
  auto options = std::make_shared<TransferOptions>();
  CLI::App* cmd =
      from_local ? fs.add_subcommand("copy-from-local",
                                     "Upload a local file to a virtual path")
                 : fs.add_subcommand("copy-to-local",
                                     "Download a virtual path to a local file");
  cmd->add_option(from_local ? "LOCAL" : "PATH", options->from, "Source")
      ->required();
  cmd->add_option(from_local ? "PATH" : "LOCAL", options->to, "Destination")
      ->required();
  cmd->callback([options, globals, invocation, from_local] {
    SetFsRun(invocation, globals, [options, from_local](FsClient& c) {
      return from_local ? RunCopyFromLocal(c, *options)
                        : RunCopyToLocal(c, *options);
    });
  });
}

}  // namespace

void AddFsTransferCommands(CLI::App& fs, const FsGlobals& globals,
                           Invocation* invocation) {
  AddTransferCommand(fs, globals, invocation, /*from_local=*/true);
  AddTransferCommand(fs, globals, invocation, /*from_local=*/false);
}

}  // namespace strata::cli
