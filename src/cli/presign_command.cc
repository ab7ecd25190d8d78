// `strata presign URI [--expires SECONDS] [--method GET|PUT]`: prints a
// presigned URL for an S3 (or gs://) object, signed with the credentials
// the default chain finds. Anyone holding the URL may GET (or PUT) that
// one object until it expires; nothing is sent to the server.

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "cli/command.h"
#include "cli/object_store_flags.h"
#include "strata/fs/registry.h"
#include "strata/s3/client.h"
#include "strata/s3/uri_options.h"

namespace strata::cli {
namespace {

struct PresignOptions {
  std::string uri;
  int64_t expires = 3600;
  std::string method = "GET";
};

Task<Status> RunPresign(PresignOptions options) {
  STRATA_CO_ASSIGN_OR_RETURN(
      fs::Uri uri, fs::Uri::Parse(ApplyObjectStoreFlags(options.uri)));
  if (uri.scheme != "s3" && uri.scheme != "s3a" && uri.scheme != "gs") {
    co_return InvalidArgumentError(
        "presign needs an s3://, s3a:// or gs:// "
        "URI, not " +
        options.uri);
  }
  std::string key = uri.path.size() > 1 ? uri.path.substr(1) : "";
  if (uri.authority.empty() || key.empty()) {
    co_return InvalidArgumentError("presign needs a bucket and a key: " +
                                   options.uri);
  }
  STRATA_CO_ASSIGN_OR_RETURN(s3::ClientOptions client_options,
                             s3::ClientOptionsFromUri(uri));
  STRATA_CO_ASSIGN_OR_RETURN(std::shared_ptr<s3::Client> client,
                             s3::Client::Create(client_options));
  STRATA_CO_ASSIGN_OR_RETURN(
      std::string url,
      co_await client->Presign(options.method, uri.authority, key,
                               std::chrono::seconds(options.expires)));
  std::printf("%s\n", url.c_str());
  co_return Status::OK();
}

}  // namespace

void AddPresignCommand(CLI::App& app, Invocation* invocation) {
  auto presign = std::make_shared<PresignOptions>();
  CLI::App* cmd = app.add_subcommand(
      "presign", "Print a presigned URL for an S3 object (GET or PUT)");
  cmd->add_option("--expires", presign->expires,
                  "Seconds the URL stays valid (1..604800, default 3600)")
      ->check(CLI::Range(int64_t{1}, int64_t{604800}));
  cmd->add_option("--method", presign->method, "GET (default) or PUT")
      ->check(CLI::IsMember({"GET", "PUT"}));
  cmd->add_option("URI", presign->uri, "s3://bucket/key")->required();
  cmd->callback([presign, invocation] {
    invocation->run = [presign](runtime::Runtime& rt) {
      return rt.BlockOn(RunPresign(*presign));
    };
  });
}

}  // namespace strata::cli
