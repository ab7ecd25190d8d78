// Azure Blob Storage configuration: account, credentials and endpoint, from
// explicit values or the standard environment variables.
//
// Sources, first match wins:
// 1. explicit `connection_string`, else explicit account/key/sas/endpoint;
// 2. AZURE_STORAGE_CONNECTION_STRING;
// 3. AZURE_STORAGE_ACCOUNT with AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN.
// An explicit `endpoint` overrides whatever the source gives. Without an
// endpoint the blob endpoint is
// <DefaultEndpointsProtocol>://<account>.blob.<EndpointSuffix>
// (https and core.windows.net by default); a connection string's
// BlobEndpoint (e.g. Azurite's http://127.0.0.1:10000/devstoreaccount1)
// replaces it.
//
// Errors are kInvalidArgument naming the offending field or variable.
//
// Thread-safety: pure functions over values.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "strata/core/result.h"

namespace strata::azure {

// The fields of a storage connection string that matter to the blob service.
struct ConnectionString {
  ConnectionString() {}
  std::string protocol;         // DefaultEndpointsProtocol ("https" if unset)
  std::string account_name;     // AccountName
  std::string account_key;      // AccountKey (base64)
  std::string sas_token;        // SharedAccessSignature (without '?')
  std::string blob_endpoint;    // BlobEndpoint (no trailing '/')
  std::string endpoint_suffix;  // EndpointSuffix ("core.windows.net" if unset)
};

// Parses "Key=Value;Key=Value;..." (keys case-insensitive; values may contain
// '='; unknown keys are ignored; UseDevelopmentStorage=true selects Azurite's
// defaults). kInvalidArgument names a malformed segment or a bad protocol.
Result<ConnectionString> ParseConnectionString(std::string_view text);

// Azurite's well-known development account and key.
inline constexpr std::string_view kDevAccountName = "devstoreaccount1";
inline constexpr std::string_view kDevAccountKey =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/"
    "K1SZFPTOtr/KBHBeksoGMGw==";

// Explicit settings (all optional; see the source order above).
struct Settings {
  Settings() {}
  std::string connection_string;
  std::string account;
  std::string key;        // base64 account key (SharedKey)
  std::string sas_token;  // with or without the leading '?'
  std::string endpoint;   // "http(s)://host[:port][/path]"
  // Read the AZURE_STORAGE_* variables when the explicit values are missing.
  bool use_environment = true;
};

// The resolved configuration.
struct Config {
  std::string account;
  std::string key;        // base64; empty when SAS or anonymous
  std::string sas_token;  // without '?'; empty when SharedKey or anonymous
  std::string endpoint;   // blob endpoint, no trailing '/'
};

// Reads an environment variable (nullopt when unset); tests inject one.
using EnvGetter = std::function<std::optional<std::string>(const char*)>;
EnvGetter ProcessEnv();

Result<Config> ResolveConfig(const Settings& settings,
                             const EnvGetter& env = ProcessEnv());

}  // namespace strata::azure
