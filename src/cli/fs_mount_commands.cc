// `strata fs mount|unmount|mounts`: the server's mount table.
//
// `mounts` prints a table with the columns MOUNT POINT, TYPE, URI and
// OPTIONS (k=v, comma-separated, sorted; secrets arrive already redacted
// from the server), or with --json an array of objects
// {path, type, uri, options, readonly, shared, sync_interval_ms}.

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/fs_commands.h"

namespace strata::cli {
namespace {

struct MountOptions {
  std::vector<std::string> options;  // KEY=VALUE
  bool readonly = false;
  std::string path;
  std::string uri;
};

struct MountsOptions {
  bool json = false;
};

// CLI11 check of one -o value.
std::string CheckKeyValue(const std::string& value) {
  size_t eq = value.find('=');
  if (eq == std::string::npos || eq == 0) {
    return "expected KEY=VALUE, got '" + value + "'";
  }
  return "";
}

Status RunMount(FsClient& client, const MountOptions& options) {
  strata::v1::MountRequest request;
  request.set_path(options.path);
  request.set_uri(options.uri);
  request.set_readonly(options.readonly);
  for (const std::string& kv : options.options) {
    size_t eq = kv.find('=');
    (*request.mutable_options())[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  strata::v1::MountResponse response;
  auto context = FsClient::UnaryContext();
  return client.Check(client.mounts().Mount(context.get(), request, &response),
                      options.path);
}

Status RunUnmount(FsClient& client, const std::string& path) {
  strata::v1::UnmountRequest request;
  request.set_path(path);
  strata::v1::UnmountResponse response;
  auto context = FsClient::UnaryContext();
  return client.Check(
      client.mounts().Unmount(context.get(), request, &response), path);
}

// The options sorted by key (the proto map has no order).
std::map<std::string, std::string> SortedOptions(
    const strata::v1::MountInfo& mount) {
  std::map<std::string, std::string> sorted(mount.options().begin(),
                                            mount.options().end());
  if (mount.readonly() && !sorted.contains("readonly")) {
    sorted["readonly"] = "true";
  }
  return sorted;
}

std::string JoinOptions(const strata::v1::MountInfo& mount) {
  std::string out;
  for (const auto& [key, value] : SortedOptions(mount)) {
    if (!out.empty()) out += ',';
    out += key + "=" + value;
  }
  return out.empty() ? "-" : out;
}

void PrintMountsJson(const strata::v1::ListMountsResponse& response) {
  nlohmann::ordered_json array = nlohmann::ordered_json::array();
  for (const strata::v1::MountInfo& mount : response.mounts()) {
    nlohmann::ordered_json j;
    j["path"] = mount.path();
    j["type"] = mount.type();
    j["uri"] = mount.uri();
    nlohmann::ordered_json options = nlohmann::ordered_json::object();
    for (const auto& [key, value] : SortedOptions(mount)) options[key] = value;
    j["options"] = options;
    j["readonly"] = mount.readonly();
    j["shared"] = mount.shared();
    j["sync_interval_ms"] = mount.sync_interval_ms();
    array.push_back(std::move(j));
  }
  fmt::print("{}\n", array.dump());
}

void PrintMountsTable(const strata::v1::ListMountsResponse& response) {
  std::vector<std::vector<std::string>> rows = {
      {"MOUNT POINT", "TYPE", "URI", "OPTIONS"}};
  for (const strata::v1::MountInfo& mount : response.mounts()) {
    rows.push_back(
        {mount.path(), mount.type(), mount.uri(), JoinOptions(mount)});
  }
  size_t widths[3] = {0, 0, 0};
  for (const auto& row : rows) {
    for (size_t c = 0; c < 3; ++c)
      widths[c] = std::max(widths[c], row[c].size());
  }
  for (const auto& row : rows) {
    fmt::print("{:<{}}  {:<{}}  {:<{}}  {}\n", row[0], widths[0], row[1],
               widths[1], row[2], widths[2], row[3]);
  }
}

Status RunMounts(FsClient& client, const MountsOptions& options) {
  strata::v1::ListMountsRequest request;
  strata::v1::ListMountsResponse response;
  auto context = FsClient::UnaryContext();
  STRATA_RETURN_IF_ERROR(client.Check(
      client.mounts().ListMounts(context.get(), request, &response),
      "list mounts"));
  if (options.json) {
    PrintMountsJson(response);
  } else {
    PrintMountsTable(response);
  }
  return Status::OK();
}

}  // namespace

void AddFsMountCommands(CLI::App& fs, const FsGlobals& globals,
                        Invocation* invocation) {
  auto mount = std::make_shared<MountOptions>();
  CLI::App* mount_cmd =
      fs.add_subcommand("mount", "Mount a backend URI at a virtual path");
  mount_cmd
      ->add_option("-o,--option", mount->options,
                   "Mount option KEY=VALUE (readonly, shared, sync_interval, "
                   "endpoint, region, credentials, ...); repeatable")
      ->check(CLI::Validator(CheckKeyValue, "KEY=VALUE"))
      ->allow_extra_args(false);
  mount_cmd->add_flag("--readonly", mount->readonly, "Refuse writes");
  mount_cmd->add_option("PATH", mount->path, "Mount point")->required();
  mount_cmd
      ->add_option("URI", mount->uri,
                   "Backend URI (file://, mem://, "
                   "s3://, az://, gs://)")
      ->required();
  mount_cmd->callback([mount, globals, invocation] {
    SetFsRun(invocation, globals,
             [mount](FsClient& c) { return RunMount(c, *mount); });
  });

  auto unmount_path = std::make_shared<std::string>();
  CLI::App* unmount_cmd = fs.add_subcommand("unmount", "Remove a mount");
  unmount_cmd->add_option("PATH", *unmount_path, "Mount point")->required();
  unmount_cmd->callback([unmount_path, globals, invocation] {
    SetFsRun(invocation, globals, [unmount_path](FsClient& c) {
      return RunUnmount(c, *unmount_path);
    });
  });

  auto mounts = std::make_shared<MountsOptions>();
  CLI::App* mounts_cmd = fs.add_subcommand("mounts", "List the mount table");
  mounts_cmd->add_flag("--json", mounts->json, "Print a JSON array");
  mounts_cmd->callback([mounts, globals, invocation] {
    SetFsRun(invocation, globals,
             [mounts](FsClient& c) { return RunMounts(c, *mounts); });
  });
}

}  // namespace strata::cli
