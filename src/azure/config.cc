// Connection-string parsing and configuration resolution (see config.h).
#include "strata/azure/config.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <utility>

#include "strata/stream/hash.h"

namespace strata::azure {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

std::string StripSlash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

std::string StripQuestion(std::string_view s) {
  s = Trim(s);
  if (!s.empty() && s.front() == '?') s.remove_prefix(1);
  return std::string(s);
}

void ApplyDevelopmentStorage(ConnectionString& cs) {
  cs.protocol = "http";
  cs.account_name = std::string(kDevAccountName);
  cs.account_key = std::string(kDevAccountKey);
  cs.blob_endpoint = "http://127.0.0.1:10000/devstoreaccount1";
}

Status SetField(ConnectionString& cs, std::string_view key,
                std::string_view value) {
  std::string k = Lower(key);
  std::string v(value);
  if (k == "defaultendpointsprotocol") {
    std::string p = Lower(v);
    if (p != "http" && p != "https") {
      return InvalidArgumentError(
          "azure connection string: DefaultEndpointsProtocol must be http or "
          "https, got '" +
          v + "'");
    }
    cs.protocol = p;
  } else if (k == "accountname") {
    cs.account_name = v;
  } else if (k == "accountkey") {
    cs.account_key = v;
  } else if (k == "sharedaccesssignature") {
    cs.sas_token = StripQuestion(v);
  } else if (k == "blobendpoint") {
    cs.blob_endpoint = StripSlash(v);
  } else if (k == "endpointsuffix") {
    cs.endpoint_suffix = v;
  } else if (k == "usedevelopmentstorage" && Lower(v) == "true") {
    ApplyDevelopmentStorage(cs);
  }
  return Status::OK();
}

bool IsHttpUrl(std::string_view url) {
  return (url.starts_with("http://") && url.size() > 7) ||
         (url.starts_with("https://") && url.size() > 8);
}

Status CheckKey(std::string_view key, std::string_view field) {
  if (key.empty()) return Status::OK();
  if (!stream::FromBase64(key).ok()) {
    return InvalidArgumentError("azure " + std::string(field) +
                                ": account key is not valid base64");
  }
  return Status::OK();
}

Status CheckEndpoint(std::string_view endpoint, std::string_view field) {
  if (!IsHttpUrl(endpoint)) {
    return InvalidArgumentError(
        "azure " + std::string(field) +
        ": endpoint must be an http:// or https:// URL, got '" +
        std::string(endpoint) + "'");
  }
  return Status::OK();
}

Result<Config> FromConnectionString(std::string_view text,
                                    std::string_view field) {
  Result<ConnectionString> cs = ParseConnectionString(text);
  if (!cs.ok()) return cs.status().WithContext(field);
  Config c;
  c.account = cs->account_name;
  c.key = cs->account_key;
  c.sas_token = cs->sas_token;
  if (!cs->blob_endpoint.empty()) {
    c.endpoint = cs->blob_endpoint;
  } else if (!c.account.empty()) {
    std::string suffix =
        cs->endpoint_suffix.empty() ? "core.windows.net" : cs->endpoint_suffix;
    std::string proto = cs->protocol.empty() ? "https" : cs->protocol;
    c.endpoint = proto + "://" + c.account + ".blob." + suffix;
  }
  if (c.account.empty()) {
    return InvalidArgumentError("azure " + std::string(field) +
                                ": AccountName is missing");
  }
  if (c.key.empty() && c.sas_token.empty()) {
    return InvalidArgumentError(
        "azure " + std::string(field) +
        ": neither AccountKey nor SharedAccessSignature is set");
  }
  STRATA_RETURN_IF_ERROR(CheckKey(c.key, std::string(field) + " AccountKey"));
  STRATA_RETURN_IF_ERROR(
      CheckEndpoint(c.endpoint, std::string(field) + " BlobEndpoint"));
  return c;
}

}  // namespace

Result<ConnectionString> ParseConnectionString(std::string_view text) {
  ConnectionString cs;
  while (!text.empty()) {
    size_t semi = text.find(';');
    std::string_view seg = Trim(text.substr(0, semi));
    text = semi == std::string_view::npos ? "" : text.substr(semi + 1);
    if (seg.empty()) continue;
    size_t eq = seg.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return InvalidArgumentError("azure connection string: segment '" +
                                  std::string(seg) + "' is not Key=Value");
    }
    STRATA_RETURN_IF_ERROR(
        SetField(cs, Trim(seg.substr(0, eq)), Trim(seg.substr(eq + 1))));
  }
  return cs;
}

EnvGetter ProcessEnv() {
  return [](const char* name) -> std::optional<std::string> {
    const char* v = std::getenv(name);
    if (v == nullptr || *v == '\0') return std::nullopt;
    return std::string(v);
  };
}

namespace {

Result<Config> FromExplicit(const Settings& s, const EnvGetter& env) {
  Config c;
  c.account = s.account;
  c.key = s.key;
  c.sas_token = StripQuestion(s.sas_token);
  if (s.use_environment && c.account.empty()) {
    c.account = env("AZURE_STORAGE_ACCOUNT").value_or("");
  }
  if (s.use_environment && c.key.empty() && c.sas_token.empty()) {
    c.key = env("AZURE_STORAGE_KEY").value_or("");
    if (c.key.empty()) {
      c.sas_token = StripQuestion(env("AZURE_STORAGE_SAS_TOKEN").value_or(""));
    }
  }
  if (c.account.empty()) {
    return InvalidArgumentError(
        "azure: no account (set the account option, "
        "AZURE_STORAGE_CONNECTION_STRING or AZURE_STORAGE_ACCOUNT)");
  }
  if (c.key.empty() && c.sas_token.empty()) {
    return InvalidArgumentError(
        "azure: account '" + c.account +
        "' has no credentials (set key or sas_token, AZURE_STORAGE_KEY or "
        "AZURE_STORAGE_SAS_TOKEN)");
  }
  STRATA_RETURN_IF_ERROR(CheckKey(c.key, "key"));
  c.endpoint = "https://" + c.account + ".blob.core.windows.net";
  return c;
}

}  // namespace

Result<Config> ResolveConfig(const Settings& settings, const EnvGetter& env) {
  Result<Config> config = InvalidArgumentError("azure: unresolved");
  if (!settings.connection_string.empty()) {
    config =
        FromConnectionString(settings.connection_string, "connection_string");
  } else if (settings.account.empty() && settings.use_environment &&
             env("AZURE_STORAGE_CONNECTION_STRING").has_value()) {
    config = FromConnectionString(*env("AZURE_STORAGE_CONNECTION_STRING"),
                                  "AZURE_STORAGE_CONNECTION_STRING");
  } else {
    config = FromExplicit(settings, env);
  }
  if (!config.ok()) return config.status();
  if (!settings.endpoint.empty()) {
    STRATA_RETURN_IF_ERROR(CheckEndpoint(settings.endpoint, "endpoint"));
    config->endpoint = StripSlash(settings.endpoint);
  }
  if (!settings.key.empty() && !settings.connection_string.empty()) {
    // explicit key wins over the connection string's
    config->key = settings.key;
    STRATA_RETURN_IF_ERROR(CheckKey(config->key, "key"));
  }
  return config;
}

}  // namespace strata::azure
