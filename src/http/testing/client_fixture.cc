// Helpers for the http::Client tests (see client_fixture.h).
// Compiled into the test binaries only (src/http/testing).

#include "http/testing/client_fixture.h"

#include <algorithm>
#include <chrono>
#include <cstring>

#include "strata/runtime/io.h"

namespace strata::http::testing {

std::string Pattern(size_t n, uint32_t seed) {
  std::string s(n, '\0');
  uint32_t x = seed * 2654435761u + 1;
  for (size_t i = 0; i < n; ++i) {
    x = x * 1664525u + 1013904223u;
    s[i] = static_cast<char>(x >> 24);
  }
  return s;
}

Task<Result<size_t>> StringSource::Read(MutableBytes dst) {
  size_t n = std::min({dst.size(), data_.size() - pos_, max_read_});
  std::memcpy(dst.data(), data_.data() + pos_, n);
  pos_ += n;
  co_return n;
}

Task<Result<std::string>> OpenAndRead(Client* client, Request request,
                                      size_t chunk) {
  STRATA_CO_ASSIGN_OR_RETURN(std::unique_ptr<ResponseBody> body,
                             co_await client->Open(std::move(request)));
  std::string out;
  std::string buf(chunk, '\0');
  for (;;) {
    STRATA_CO_ASSIGN_OR_RETURN(size_t n, co_await body->Read(AsMutable(buf)));
    if (n == 0) break;
    out.append(buf, 0, n);
  }
  co_return out;
}

void ClientTest::SetUp() {
  const bool uring = GetParam();
  if (uring && !runtime::IoUringAvailable()) {
    GTEST_SKIP() << "io_uring is not available on this kernel";
  }
  RuntimeOptions options;
  options.reactor_threads = 2;
  options.io_uring =
      uring ? runtime::IoUringMode::kOn : runtime::IoUringMode::kOff;
  auto rt = Runtime::Create(options);
  ASSERT_TRUE(rt.ok()) << rt.status().ToString();
  rt_ = std::move(rt).value();
  MakeClient();
}

void ClientTest::TearDown() {
  client_.reset();
  // Let the reactors process the watcher cancellations the client posted
  // before the runtime shuts down (works around a poll-reactor shutdown
  // hang when a cancelled fd waiter is still registered; see the report).
  if (rt_) {
    Status s = rt_->BlockOn(runtime::SleepFor(std::chrono::milliseconds(20)));
    s.IgnoreError();
  }
  rt_.reset();
}

void ClientTest::MakeClient(ClientOptions options) {
  auto c = Client::Create(std::move(options));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  client_ = std::move(c).value();
}

std::string RuntimeName(const ::testing::TestParamInfo<bool>& info) {
  return info.param ? "IoUring" : "Poll";
}

}  // namespace strata::http::testing
