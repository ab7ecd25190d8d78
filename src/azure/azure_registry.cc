// RegisterSchemes: az:// in the URI registry, and its query parameters.
#include "azure/azure_registry.h"

#include <string>

namespace strata::azure {
namespace {

// The URI without its query: safe to put in messages.
std::string Describe(const fs::Uri& uri) {
  return uri.scheme + "://" + uri.authority + uri.path;
}

// The Settings field a query parameter sets; nullptr for an unknown name.
std::string* FieldFor(const std::string& name, Settings* s) {
  if (name == "account") return &s->account;
  if (name == "account_key" || name == "key") return &s->key;
  if (name == "sas_token" || name == "sas") return &s->sas_token;
  if (name == "connection_string") return &s->connection_string;
  if (name == "endpoint") return &s->endpoint;
  return nullptr;
}

Result<std::shared_ptr<fs::FileSystem>> FromUri(const fs::Uri& uri) {
  STRATA_ASSIGN_OR_RETURN(AzureFileSystemOptions options,
                          AzureOptionsFromUri(uri));
  return NewAzureFileSystem(std::move(options));
}

}  // namespace

Result<AzureFileSystemOptions> AzureOptionsFromUri(const fs::Uri& uri) {
  AzureFileSystemOptions options;
  Settings& s = options.client.settings;
  for (const auto& [name, value] : uri.query) {
    std::string* field = FieldFor(name, &s);
    if (field == nullptr) {
      return InvalidArgumentError(
          Describe(uri) + ": unknown query parameter '" + name +
          "' (known: account, account_key, sas_token, connection_string, "
          "endpoint; key and sas are aliases)");
    }
    if (!field->empty() && *field != value) {
      return InvalidArgumentError(Describe(uri) + ": query parameter '" + name +
                                  "' conflicts with its alias given earlier");
    }
    *field = value;
  }
  return options;
}

Status RegisterSchemes() {
  // One FileSystem serves every container: az://c/b is "/c/b" inside it.
  fs::SchemeOptions scheme_options;
  scheme_options.authority_in_path = true;
  Status st = fs::RegisterScheme("az", FromUri, scheme_options);
  if (st.code() == StatusCode::kAlreadyExists) return Status::OK();
  return st;
}

}  // namespace strata::azure
