// Global object-store flags of the `strata` tool (--endpoint, --region,
// --path-style, --profile) and the object-store scheme registration.
//
// The flags are given once on the command line (before or after the
// subcommand) and apply to every s3://, s3a://, gs:// and az:// URI the
// command touches, by adding them as URI query parameters (which the
// backends' URI factories read) unless the URI sets that parameter itself.
// Credentials come from the backends' standard chains (AWS_* / ~/.aws,
// AZURE_STORAGE_*), never from flags, so they do not end up in shell
// history.
//
// Thread-safety: the flags are written while parsing (main thread) and only
// read afterwards.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <string_view>

#include "strata/core/status.h"

namespace strata::cli {

struct ObjectStoreFlags {
  std::string endpoint;  // "http://127.0.0.1:7480"
  std::string region;
  bool path_style = false;
  std::string profile;
};

// The process-wide flags.
ObjectStoreFlags& GlobalObjectStoreFlags();

// Adds --endpoint, --region, --path-style and --profile to `app`.
void AddObjectStoreFlags(CLI::App& app);

// `uri` with the global flags added as query parameters where it is an
// object-store URI; other URIs are returned unchanged.
std::string ApplyObjectStoreFlags(std::string_view uri);

// `uri` prepared as the destination of `cp`: S3 writes skip the per-file
// "is there a directory at this key?" LIST (`dir_check=false`, as Arrow's
// S3 output streams do), since cp resolves its targets itself. Other URIs
// are returned unchanged.
std::string ForCopyDestination(std::string_view uri);

// True for s3, s3a, gs and az.
bool IsObjectStoreScheme(std::string_view scheme);

// Registers s3://, s3a://, gs:// and az:// with the fs registry.
Status RegisterObjectStoreSchemes();

}  // namespace strata::cli
