// Test-only: a GoogleTest fixture for S3FileSystem tests against radosgw
// (tests/integration/s3_fs_test.cc, s3_fault_test.cc). Reads
// STRATA_TEST_S3_{ENDPOINT,ACCESS_KEY,SECRET_KEY,REGION}; skips when unset
// (fails when STRATA_REQUIRE_SERVERS=1). Each test gets its own bucket,
// emptied and deleted afterwards.
//
// Thread-safety: a fixture belongs to one test thread.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <string_view>

#include "http/testing/test_server.h"
#include "strata/fs/file_system.h"
#include "strata/http/client.h"
#include "strata/runtime/runtime.h"
#include "strata/s3/client.h"
#include "strata/s3/s3_fs.h"
#include "strata/s3/sigv4.h"

namespace strata::s3::testing_env {

inline const char* Env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : nullptr;
}

inline std::string RandomBytes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string out(n, '\0');
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<char>(rng() >> 56);
  return out;
}
inline fs::ConstBytes Bytes(std::string_view s) {
  return std::as_bytes(std::span<const char>(s.data(), s.size()));
}
inline fs::MutableBytes MutBytes(std::string& s) {
  return std::as_writable_bytes(std::span<char>(s.data(), s.size()));
}

inline Task<Status> WriteAll(fs::FileSystem* fs, std::string path,
                             std::string data, fs::OpenOptions options) {
  auto file = co_await fs->Open(path, options);
  if (!file.ok()) co_return file.status();
  Status st = co_await (*file)->Write(Bytes(data));
  if (!st.ok()) {
    (co_await (*file)->Abort()).IgnoreError();
    co_return st;
  }
  co_return co_await (*file)->Close();
}

inline Task<Result<std::string>> ReadAll(fs::FileSystem* fs, std::string path) {
  auto file = co_await fs->Open(path, fs::OpenOptions::ReadOnly());
  if (!file.ok()) co_return file.status();
  auto size = co_await (*file)->Size();
  if (!size.ok()) co_return size.status();
  std::string out(*size, '\0');
  size_t pos = 0;
  while (pos < out.size()) {
    auto n = co_await (*file)->ReadAt(
        MutBytes(out).subspan(pos, std::min<size_t>(out.size() - pos, 3 << 20)),
        pos);
    if (!n.ok()) co_return n.status();
    if (*n == 0) break;
    pos += *n;
  }
  out.resize(pos);
  Status st = co_await (*file)->Close();
  if (!st.ok()) co_return st;
  co_return out;
}

inline Task<Status> EmptyAndDeleteBucket(std::shared_ptr<Client> client,
                                         std::string bucket) {
  ListOptions o;
  std::vector<std::string> keys;
  for (;;) {
    auto page = co_await client->List(bucket, o);
    if (!page.ok()) co_return page.status();
    for (auto& obj : page->objects) keys.push_back(obj.key);
    if (!page->truncated) break;
    o.continuation_token = page->next_continuation_token;
  }
  if (!keys.empty()) {
    STRATA_CO_RETURN_IF_ERROR(co_await client->DeleteMany(bucket, keys));
  }
  co_return co_await client->DeleteBucket(bucket);
}

inline Task<Result<http::Response>> SendSigned(
    std::shared_ptr<http::Client> http, http::Request request,
    Credentials creds, std::string region) {
  SigningScope scope;
  scope.region = region;
  scope.now = std::chrono::system_clock::now();
  STRATA_CO_RETURN_IF_ERROR(
      SignRequest(request, creds, scope, kEmptyPayloadSha256));
  co_return co_await http->Send(std::move(request));
}

class RgwFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!Env("STRATA_TEST_S3_ENDPOINT") || !Env("STRATA_TEST_S3_ACCESS_KEY")) {
      const char* req = Env("STRATA_REQUIRE_SERVERS");
      if (req && std::string(req) == "1") {
        FAIL() << "STRATA_TEST_S3_ENDPOINT unset and STRATA_REQUIRE_SERVERS=1";
      }
      GTEST_SKIP()
          << "STRATA_TEST_S3_ENDPOINT unset (run scripts/start-rgw.sh)";
    }
    endpoint_ = Env("STRATA_TEST_S3_ENDPOINT");
    region_ = Env("STRATA_TEST_S3_REGION") ? Env("STRATA_TEST_S3_REGION")
                                           : "us-east-1";
    creds_.access_key_id = Env("STRATA_TEST_S3_ACCESS_KEY");
    creds_.secret_access_key = Env("STRATA_TEST_S3_SECRET_KEY");
    auto rt = Runtime::Create();
    ASSERT_TRUE(rt.ok()) << rt.status().ToString();
    rt_ = std::move(rt).value();
    auto client = Client::Create(ClientOptionsFor(endpoint_));
    ASSERT_TRUE(client.ok()) << client.status().ToString();
    client_ = std::move(client).value();
    bucket_ = "strata-s3fs-" + Suffix();
    ASSERT_TRUE(Run(client_->CreateBucket(bucket_)).ok());
    auto fs = NewFs(client_);
    ASSERT_TRUE(fs.ok()) << fs.status().ToString();
    fs_ = std::move(fs).value();
  }

  void TearDown() override {
    proxied_.reset();
    proxy_.reset();
    if (client_) {
      Status st = Run(EmptyAndDeleteBucket(client_, bucket_));
      EXPECT_TRUE(st.ok()) << "cleanup of " << bucket_ << ": " << st.ToString();
    }
  }

  // Client options for `endpoint`; retries made quick for fault tests.
  ClientOptions ClientOptionsFor(const std::string& endpoint) const {
    ClientOptions o;
    o.endpoint = endpoint;
    o.region = region_;
    o.path_style = true;
    o.credentials = creds_;
    o.retry.initial_backoff = std::chrono::milliseconds(5);
    o.retry.max_backoff = std::chrono::milliseconds(50);
    o.retry.max_total = std::chrono::milliseconds(20'000);
    return o;
  }

  virtual FileSystemOptions FsOptions() const {
    FileSystemOptions o;
    o.part_size = 5 << 20;
    o.upload_concurrency = 3;
    return o;
  }

  Result<std::shared_ptr<fs::FileSystem>> NewFs(
      std::shared_ptr<Client> client) const {
    FileSystemOptions o = FsOptions();
    o.shared_client = std::move(client);
    return NewS3FileSystem(o);
  }

  // A file system whose requests pass through proxy_ (started on demand).
  Result<std::shared_ptr<fs::FileSystem>> ProxiedFs(
      std::optional<RetryOptions> retry = std::nullopt) {
    if (!proxy_) {
      std::string rest = endpoint_.substr(endpoint_.find("://") + 3);
      std::string host = rest.substr(0, rest.find(':'));
      uint16_t port =
          static_cast<uint16_t>(std::stoi(rest.substr(rest.find(':') + 1)));
      STRATA_ASSIGN_OR_RETURN(proxy_,
                              http::testing::FaultProxy::Start(host, port));
    }
    ClientOptions co = ClientOptionsFor(proxy_->url());
    if (retry) co.retry = *retry;
    STRATA_ASSIGN_OR_RETURN(proxied_client_, Client::Create(co));
    STRATA_ASSIGN_OR_RETURN(proxied_, NewFs(proxied_client_));
    return proxied_;
  }

  template <typename T>
  T Run(Task<T> task) {
    return rt_->BlockOn(std::move(task));
  }

  std::string Path(std::string_view name) const {
    return "/" + bucket_ + "/" + std::string(name);
  }
  Status WriteFs(std::string_view name, std::string data,
                 fs::OpenOptions options, fs::FileSystem* fs = nullptr) {
    return Run(
        WriteAll(fs ? fs : fs_.get(), Path(name), std::move(data), options));
  }
  std::string ReadFs(std::string_view name, fs::FileSystem* fs = nullptr) {
    auto r = Run(ReadAll(fs ? fs : fs_.get(), Path(name)));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : std::string();
  }
  Result<PutResult> PutRaw(std::string key, const std::string& data,
                           PutOptions options) {
    return Run(client_->Put(bucket_, key, Bytes(data), options));
  }
  Result<ObjectInfo> Head(std::string key) {
    GetOptions o;
    return Run(client_->Head(bucket_, key, o));
  }
  // Multipart uploads in progress in the bucket (ListMultipartUploads).
  size_t PendingUploads() {
    auto http = http::Client::Create();
    EXPECT_TRUE(http.ok());
    if (!http.ok()) return 0;
    http::Request req;
    req.url = endpoint_ + "/" + bucket_ + "?uploads";
    auto resp = Run(SendSigned(*http, req, creds_, region_));
    EXPECT_TRUE(resp.ok()) << resp.status().ToString();
    if (!resp.ok()) return 0;
    EXPECT_EQ(resp->status, 200) << resp->body;
    size_t count = 0;
    for (size_t pos = resp->body.find("<UploadId>"); pos != std::string::npos;
         pos = resp->body.find("<UploadId>", pos + 1)) {
      ++count;
    }
    return count;
  }

  static std::string Suffix() {
    std::random_device rd;
    std::string out;
    for (int i = 0; i < 10; ++i)
      out += "0123456789abcdefghijklmnopqrstuv"[rd() % 32];
    return out;
  }

  std::unique_ptr<Runtime> rt_;
  std::string endpoint_;
  std::string region_;
  Credentials creds_;
  std::shared_ptr<Client> client_;
  std::string bucket_;
  std::shared_ptr<fs::FileSystem> fs_;
  std::unique_ptr<http::testing::FaultProxy> proxy_;
  std::shared_ptr<Client> proxied_client_;
  std::shared_ptr<fs::FileSystem> proxied_;
};

}  // namespace strata::s3::testing_env
