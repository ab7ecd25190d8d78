// `strata fs mkdir|rm|mv|cp`: changing the namespace. They print nothing on
// success; mv adds a note on stderr when the server had to copy and delete
// ("note: SRC → DST was a copy followed by a delete (not atomic)").

#include <cstdio>
#include <memory>
#include <string>

#include "cli/fs_commands.h"

namespace strata::cli {
namespace {

struct MkdirOptions {
  std::string path;
  bool parents = false;
};

struct RmOptions {
  std::string path;
  bool recursive = false;
};

struct TwoPathOptions {
  std::string src;
  std::string dst;
  bool recursive = false;
};

Status RunMkdir(FsClient& client, const MkdirOptions& options) {
  strata::v1::MkdirRequest request;
  request.set_path(options.path);
  request.set_parents(options.parents);
  strata::v1::MkdirResponse response;
  auto context = FsClient::UnaryContext();
  return client.Check(client.files().Mkdir(context.get(), request, &response),
                      options.path);
}

Status RunRm(FsClient& client, const RmOptions& options) {
  strata::v1::DeleteRequest request;
  request.set_path(options.path);
  request.set_recursive(options.recursive);
  strata::v1::DeleteResponse response;
  // A recursive delete may walk a large tree: no unary deadline.
  auto context =
      options.recursive ? FsClient::StreamContext() : FsClient::UnaryContext();
  return client.Check(client.files().Delete(context.get(), request, &response),
                      options.path);
}

Status RunMv(FsClient& client, const TwoPathOptions& options) {
  strata::v1::RenameRequest request;
  request.set_src(options.src);
  request.set_dst(options.dst);
  strata::v1::RenameResponse response;
  // Across mounts this copies the data: no unary deadline.
  auto context = FsClient::StreamContext();
  STRATA_RETURN_IF_ERROR(
      client.Check(client.files().Rename(context.get(), request, &response),
                   "mv " + options.src + " " + options.dst));
  if (!response.atomic()) {
    std::fflush(stdout);
    std::fprintf(stderr,
                 "note: %s \u2192 %s was a copy followed by a delete (not "
                 "atomic)\n",
                 options.src.c_str(), options.dst.c_str());
  }
  return Status::OK();
}

Status RunCp(FsClient& client, const TwoPathOptions& options) {
  strata::v1::CopyRequest request;
  request.set_src(options.src);
  request.set_dst(options.dst);
  request.set_recursive(options.recursive);
  strata::v1::CopyResponse response;
  auto context = FsClient::StreamContext();
  return client.Check(client.files().Copy(context.get(), request, &response),
                      "cp " + options.src + " " + options.dst);
}

void AddTwoPathOptions(CLI::App* cmd, TwoPathOptions* options) {
  cmd->add_option("SRC", options->src, "Source path")->required();
  cmd->add_option("DST", options->dst, "Destination path")->required();
}

}  // namespace

void AddFsEditCommands(CLI::App& fs, const FsGlobals& globals,
                       Invocation* invocation) {
  auto mkdir = std::make_shared<MkdirOptions>();
  CLI::App* mkdir_cmd = fs.add_subcommand("mkdir", "Create a directory");
  mkdir_cmd->add_flag("-p,--parents", mkdir->parents,
                      "Create parents; an existing directory is fine");
  mkdir_cmd->add_option("PATH", mkdir->path, "Virtual path")->required();
  mkdir_cmd->callback([mkdir, globals, invocation] {
    SetFsRun(invocation, globals,
             [mkdir](FsClient& c) { return RunMkdir(c, *mkdir); });
  });

  auto rm = std::make_shared<RmOptions>();
  CLI::App* rm_cmd = fs.add_subcommand("rm", "Remove a file or directory");
  rm_cmd->add_flag("-r,--recursive", rm->recursive,
                   "Remove a directory and everything below it");
  rm_cmd->add_option("PATH", rm->path, "Virtual path")->required();
  rm_cmd->callback([rm, globals, invocation] {
    SetFsRun(invocation, globals, [rm](FsClient& c) { return RunRm(c, *rm); });
  });

  auto mv = std::make_shared<TwoPathOptions>();
  CLI::App* mv_cmd = fs.add_subcommand("mv", "Move a file or directory");
  AddTwoPathOptions(mv_cmd, mv.get());
  mv_cmd->callback([mv, globals, invocation] {
    SetFsRun(invocation, globals, [mv](FsClient& c) { return RunMv(c, *mv); });
  });

  auto cp = std::make_shared<TwoPathOptions>();
  CLI::App* cp_cmd = fs.add_subcommand("cp", "Copy a file");
  cp_cmd->add_flag("-r,--recursive", cp->recursive, "Copy a directory tree");
  AddTwoPathOptions(cp_cmd, cp.get());
  cp_cmd->callback([cp, globals, invocation] {
    SetFsRun(invocation, globals, [cp](FsClient& c) { return RunCp(c, *cp); });
  });
}

}  // namespace strata::cli
