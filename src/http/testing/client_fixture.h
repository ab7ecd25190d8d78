// Shared fixture for the http::Client tests: a runtime per test (io_uring
// and poll, 2 reactor threads), a client, and blocking helpers.
//
// Thread-safety: test code; one test thread.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "http/testing/test_server.h"
#include "strata/http/client.h"
#include "strata/runtime/runtime.h"

namespace strata::http::testing {

inline ConstBytes AsBytes(const std::string& s) {
  return ConstBytes(reinterpret_cast<const std::byte*>(s.data()), s.size());
}
inline MutableBytes AsMutable(std::string& s) {
  return MutableBytes(reinterpret_cast<std::byte*>(s.data()), s.size());
}

// Deterministic, position-dependent bytes.
std::string Pattern(size_t n, uint32_t seed = 1);

// A BodySource over a string that hands out at most `max_read` bytes per
// Read(); size() is reported only when `known_size`.
class StringSource final : public BodySource {
 public:
  StringSource(std::string data, bool known_size, size_t max_read = 7777)
      : data_(std::move(data)), known_(known_size), max_read_(max_read) {}
  std::optional<uint64_t> size() const override {
    if (!known_) return std::nullopt;
    return data_.size();
  }
  Task<Result<size_t>> Read(MutableBytes dst) override;
  Status Rewind() override {
    pos_ = 0;
    ++rewinds_;
    return Status::OK();
  }
  int rewinds() const { return rewinds_; }

 private:
  std::string data_;
  bool known_;
  size_t max_read_;
  size_t pos_ = 0;
  int rewinds_ = 0;
};

// Opens `request` and reads the whole body `chunk` bytes at a time.
Task<Result<std::string>> OpenAndRead(Client* client, Request request,
                                      size_t chunk);

class ClientTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override;
  void TearDown() override;

  void MakeClient(ClientOptions options = ClientOptions());
  Result<Response> Send(Request request) {
    return rt_->BlockOn(client_->Send(std::move(request)));
  }
  Result<std::string> Fetch(Request request, size_t chunk) {
    return rt_->BlockOn(OpenAndRead(client_.get(), std::move(request), chunk));
  }
  Request Get(const TestServer& server, const std::string& path) {
    Request r;
    r.url = server.url() + path;
    return r;
  }

  std::unique_ptr<Runtime> rt_;
  std::shared_ptr<Client> client_;
};

std::string RuntimeName(const ::testing::TestParamInfo<bool>& info);

}  // namespace strata::http::testing
