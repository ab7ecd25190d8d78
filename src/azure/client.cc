// azure::Client: creation, request building and signing, and the retry loop.
#include <algorithm>
#include <chrono>
#include <optional>

#include "azure/client_impl.h"
#include "azure/wire.h"
#include "core/logging.h"
#include "strata/azure/shared_key.h"
#include "strata/http/retry.h"
#include "strata/runtime/io.h"

namespace strata::azure {
namespace {

std::string EncodedQuery(
    const std::vector<std::pair<std::string, std::string>>& query) {
  std::string out;
  for (const auto& [name, value] : query) {
    out += out.empty() ? '?' : '&';
    out += http::UriEncode(name);
    out += '=';
    out += http::UriEncode(value);
  }
  return out;
}

std::string HeaderValue(const http::Response& r, std::string_view name) {
  auto v = r.header(name);
  return v ? std::string(*v) : std::string();
}

// The mapped error of a non-2xx response.
Status ResponseError(const http::Response& r, const Call& call,
                     std::string_view what) {
  std::string_view body = r.body;
  if (call.response_into) {
    size_t n = std::min<size_t>(r.body_size, call.response_into->size());
    body = std::string_view(
        reinterpret_cast<const char*>(call.response_into->data()), n);
  }
  return MapAzureError(r.status, HeaderValue(r, "x-ms-error-code"), body, what,
                       HeaderValue(r, "x-ms-request-id"));
}

}  // namespace

std::string EtagOf(const http::Response& r) {
  auto v = r.header("etag");
  std::string e = v ? std::string(*v) : std::string();
  if (e.size() >= 2 && e.front() == '"' && e.back() == '"') {
    e = e.substr(1, e.size() - 2);
  }
  return e;
}

std::string NewWriteId() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int word = 0; word < 2; ++word) {
    uint64_t v = rng();
    for (int i = 0; i < 16; ++i, v >>= 4) out.push_back(kHex[v & 0xf]);
  }
  return out;
}

std::string AzUri(std::string_view container, std::string_view blob) {
  std::string out = "az://";
  out += container;
  if (!blob.empty()) {
    out += '/';
    out += blob;
  }
  return out;
}

Result<std::shared_ptr<Client>> Client::Create(ClientOptions options) {
  STRATA_ASSIGN_OR_RETURN(Config config, ResolveConfig(options.settings));
  if (options.retry.max_attempts < 1) {
    return InvalidArgumentError("azure: retry.max_attempts must be >= 1");
  }
  std::shared_ptr<http::Client> http = options.http_client;
  if (!http) {
    STRATA_ASSIGN_OR_RETURN(http, http::Client::Create(options.http));
  }
  return std::shared_ptr<Client>(
      new ClientImpl(std::move(options), std::move(config), std::move(http)));
}

ClientImpl::ClientImpl(ClientOptions options, Config config,
                       std::shared_ptr<http::Client> http)
    : options_(std::move(options)), http_(std::move(http)) {
  config_ = std::move(config);
}

std::string ClientImpl::BlobUrl(std::string_view container,
                                std::string_view blob) const {
  std::string url = config_.endpoint;
  url += '/';
  url += http::UriEncode(container);
  if (!blob.empty()) {
    url += '/';
    url += http::UriEncode(blob, /*keep_slash=*/true);
  }
  return url;
}

std::string ClientImpl::Describe(const Call& call) const {
  return call.method + " " + AzUri(call.container, call.blob);
}

Result<http::Request> ClientImpl::Build(const Call& call) const {
  http::Request req;
  req.method = call.method;
  req.url = BlobUrl(call.container, call.blob) + EncodedQuery(call.query);
  req.headers = call.headers;
  req.headers.emplace_back("x-ms-date",
                           FormatHttpDate(std::chrono::system_clock::now()));
  req.headers.emplace_back("x-ms-version", std::string(kApiVersion));
  req.body = call.body;
  req.response_into = call.response_into;
  req.stop = call.stop;
  if (!config_.key.empty()) {
    STRATA_RETURN_IF_ERROR(SignSharedKey(req, config_.account, config_.key));
  } else {
    req.url = AppendSas(req.url, config_.sas_token);
  }
  return req;
}

Task<Result<http::Response>> ClientImpl::Execute(Call call) {
  const std::string what = Describe(call);
  http::RetryState retry(options_.retry);
  for (;;) {
    if (call.stop.stop_requested())
      co_return CancelledError(what + ": cancelled");
    Result<http::Request> req = Build(call);
    if (!req.ok()) co_return req.status().WithContext(what);
    Result<http::Response> resp = co_await http_->Send(std::move(*req));
    Status st;
    if (!resp.ok()) {
      st = resp.status().WithContext(what);
      if (call.uncertain) *call.uncertain = true;
    } else if (resp->ok()) {
      co_return resp;
    } else {
      st = ResponseError(*resp, call, what);
      if (call.uncertain && resp->status >= 500) *call.uncertain = true;
    }
    std::optional<std::chrono::milliseconds> pause = retry.NextDelay(st);
    if (!pause) co_return retry.Final(st);
    Logger().debug("azure: retrying {} after {} ms: {}", what, pause->count(),
                   st.ToString());
    (co_await runtime::SleepFor(*pause)).IgnoreError();
  }
}

BlobProperties PropertiesFromHeaders(const http::Headers& headers,
                                     std::string name) {
  BlobProperties p;
  p.name = std::move(name);
  for (const auto& [key, value] : headers) {
    if (key == "content-length") {
      p.size = std::strtoull(value.c_str(), nullptr, 10);
    } else if (key == "etag") {
      p.etag = value;
      if (p.etag.size() >= 2 && p.etag.front() == '"' && p.etag.back() == '"') {
        p.etag = p.etag.substr(1, p.etag.size() - 2);
      }
    } else if (key == "content-type") {
      p.content_type = value;
    } else if (key == "content-encoding") {
      p.content_encoding = value;
    } else if (key == "content-language") {
      p.content_language = value;
    } else if (key == "content-disposition") {
      p.content_disposition = value;
    } else if (key == "cache-control") {
      p.cache_control = value;
    } else if (key == "last-modified") {
      if (auto t = wire::ParseHttpDate(value)) p.last_modified = *t;
    } else if (key == "x-ms-blob-type") {
      p.type = wire::ParseBlobType(value);
    } else if (key.starts_with("x-ms-meta-")) {
      p.metadata[key.substr(10)] = value;
    }
  }
  return p;
}

void AddPutHeaders(const PutOptions& options, http::Headers& headers) {
  const std::pair<const char*, const std::string*> content[] = {
      {"x-ms-blob-content-type", &options.content_type},
      {"x-ms-blob-content-encoding", &options.content_encoding},
      {"x-ms-blob-content-language", &options.content_language},
      {"x-ms-blob-content-disposition", &options.content_disposition},
      {"x-ms-blob-cache-control", &options.cache_control},
  };
  for (const auto& [name, value] : content) {
    if (!value->empty()) headers.emplace_back(name, *value);
  }
  for (const auto& [name, value] : options.metadata) {
    if (name == Client::kWriteIdMetadata) continue;
    headers.emplace_back("x-ms-meta-" + name, value);
  }
  if (!options.if_none_match.empty()) {
    std::string v = options.if_none_match == "*"
                        ? std::string("*")
                        : "\"" + options.if_none_match + "\"";
    headers.emplace_back("If-None-Match", std::move(v));
  }
  if (!options.if_match.empty()) {
    headers.emplace_back("If-Match", "\"" + options.if_match + "\"");
  }
}

}  // namespace strata::azure
