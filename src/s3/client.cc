// s3::Client creation, addressing, presigning and bucket operations.
#include <fmt/format.h>

#include <utility>

#include "s3/client_impl.h"
#include "s3/s3_xml.h"
#include "strata/s3/sigv4.h"

namespace strata::s3 {
namespace {

Status ValidateOptions(const ClientOptions& options) {
  if (options.retry.max_attempts < 1) {
    return InvalidArgumentError("s3: retry.max_attempts must be >= 1");
  }
  if (options.multipart_copy_part_size < Client::kMinPartSize ||
      options.multipart_copy_part_size > Client::kMaxPartSize) {
    return InvalidArgumentError(
        "s3: multipart_copy_part_size must be within 5 MiB .. 5 GiB");
  }
  if (options.copy_concurrency < 1 || options.delete_concurrency < 1) {
    return InvalidArgumentError(
        "s3: copy_concurrency and delete_concurrency must be >= 1");
  }
  if (options.encryption.mode == Encryption::Mode::kCustomerKey &&
      options.encryption.customer_key.size() != 32) {
    return InvalidArgumentError("s3: SSE-C customer_key must be 32 bytes");
  }
  if (options.flavor == Flavor::kGcs &&
      (options.checksum == ChecksumAlgorithm::kSha256 ||
       options.checksum == ChecksumAlgorithm::kCrc64Nvme)) {
    return InvalidArgumentError(
        "s3: GCS's XML API supports only crc32c checksums");
  }
  return Status::OK();
}

Result<std::shared_ptr<CredentialsProvider>> MakeCredentials(
    const ClientOptions& options, const EnvLookup& env,
    const std::shared_ptr<http::Client>& http) {
  if (options.anonymous) return std::shared_ptr<CredentialsProvider>();
  if (options.credentials) return NewStaticCredentials(*options.credentials);
  if (options.credentials_provider) return options.credentials_provider;
  ChainOptions chain = options.chain;
  if (!chain.env) chain.env = env;
  return NewDefaultCredentialChain(std::move(chain), http);
}

}  // namespace

std::string DescribeObject(Flavor flavor, std::string_view bucket,
                           std::string_view key) {
  return fmt::format("{}://{}/{}", flavor == Flavor::kGcs ? "gs" : "s3", bucket,
                     key);
}

Result<std::shared_ptr<Client>> Client::Create(ClientOptions options) {
  STRATA_RETURN_IF_ERROR(ValidateOptions(options));
  EnvLookup env = options.chain.env ? options.chain.env : ProcessEnvironment();
  STRATA_ASSIGN_OR_RETURN(ResolvedConfig config, ResolveConfig(options, env));
  std::shared_ptr<http::Client> http = options.http_client;
  if (!http) {
    STRATA_ASSIGN_OR_RETURN(http, http::Client::Create(options.http));
  }
  STRATA_ASSIGN_OR_RETURN(std::shared_ptr<CredentialsProvider> creds,
                          MakeCredentials(options, env, http));
  return std::shared_ptr<Client>(
      std::make_shared<ClientImpl>(std::move(options), std::move(config),
                                   std::move(http), std::move(creds)));
}

ClientImpl::ClientImpl(ClientOptions options, ResolvedConfig config,
                       std::shared_ptr<http::Client> http,
                       std::shared_ptr<CredentialsProvider> credentials)
    : options_(std::move(options)),
      endpoint_parsed_(std::move(config.endpoint)),
      http_(std::move(http)),
      credentials_(std::move(credentials)) {
  region_ = std::move(config.region);
  endpoint_ = endpoint_parsed_.ToString();
  path_style_ = config.path_style;
  flavor_ = options_.flavor;
  options_.http_client = nullptr;  // held in http_
}

std::string ClientImpl::ObjectUrl(std::string_view bucket,
                                  std::string_view key) const {
  return BuildUrl(endpoint_parsed_, path_style_, bucket, key);
}

std::string ClientImpl::Describe(std::string_view method,
                                 std::string_view bucket,
                                 std::string_view key) const {
  return fmt::format("{} {}", method,
                     DescribeObject(options_.flavor, bucket, key));
}

Task<Result<std::string>> ClientImpl::Presign(std::string method,
                                              std::string bucket,
                                              std::string key,
                                              std::chrono::seconds expires) {
  if (method != "GET" && method != "PUT") {
    co_return InvalidArgumentError(
        fmt::format("presign {}: method must be GET or PUT, not \"{}\"",
                    DescribeObject(options_.flavor, bucket, key), method));
  }
  STRATA_CO_ASSIGN_OR_RETURN(std::optional<Credentials> creds,
                             co_await CurrentCredentials());
  if (!creds) {
    co_return ObjectUrl(bucket, key);  // anonymous: the plain URL
  }
  SigningScope scope;
  scope.region = region_;
  scope.now = SigningNow();
  co_return PresignUrl(method, ObjectUrl(bucket, key), *creds, scope, expires);
}

Task<Status> ClientImpl::CreateBucket(std::string bucket) {
  S3Call call;
  call.method = "PUT";
  call.bucket = bucket;
  call.what = Describe("CreateBucket", bucket, "");
  std::string xml;
  if (options_.flavor != Flavor::kGcs) xml = BuildCreateBucketXml(region_);
  call.body = std::as_bytes(std::span(xml));
  if (!xml.empty())
    call.headers.emplace_back("Content-Type", "application/xml");
  auto r = co_await Execute(std::move(call));
  co_return r.status();
}

Task<Status> ClientImpl::DeleteBucket(std::string bucket) {
  S3Call call;
  call.method = "DELETE";
  call.bucket = bucket;
  call.what = Describe("DeleteBucket", bucket, "");
  auto r = co_await Execute(std::move(call));
  co_return r.status();
}

Task<Status> ClientImpl::HeadBucket(std::string bucket) {
  S3Call call;
  call.method = "HEAD";
  call.bucket = bucket;
  call.what = Describe("HeadBucket", bucket, "");
  auto r = co_await Execute(std::move(call));
  co_return r.status();
}

}  // namespace strata::s3
