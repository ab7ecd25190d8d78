// Test helpers shared by the MetaStore tests: a scratch directory removed at
// destruction, a runtime fixture that honours STRATA_IO_URING, and blocking
// wrappers over the coroutine API.
//
// Thread-safety: a fixture belongs to its test thread; the blocking wrappers
// may be called from any thread (Runtime::BlockOn is thread-safe).
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cerrno>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fs/testing/conformance.h"
#include "strata/runtime/runtime.h"
#include "strata/vfs/meta_store.h"

namespace strata::vfs::testing {

using fs::conformance::IsOk;
using fs::conformance::StatusIs;

// A fresh directory under $TMPDIR (or /tmp), removed with its contents.
class ScratchDir {
 public:
  ScratchDir() {
    const char* tmp = std::getenv("TMPDIR");
    std::string tmpl =
        std::string(tmp != nullptr ? tmp : "/tmp") + "/strata-meta-XXXXXX";
    if (::mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  // Empty if the directory could not be created.
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Creates a runtime in `mode` (unset: from STRATA_IO_URING). Sets `skip` to
// the reason when io_uring is asked for but unavailable or switched off.
inline Result<std::unique_ptr<runtime::Runtime>> MakeTestRuntime(
    std::optional<runtime::IoUringMode> mode, std::string* skip) {
  if (mode == runtime::IoUringMode::kOn) {
    auto env = runtime::IoUringModeFromEnv();
    if (env.ok() && *env == runtime::IoUringMode::kOff) {
      *skip = "STRATA_IO_URING=off disables the io_uring runtime";
      return UnavailableError(*skip);
    }
  }
  runtime::RuntimeOptions options;
  options.reactor_threads = 2;
  options.io_uring = mode;
  auto rt = runtime::Runtime::Create(options);
  if (!rt.ok() && mode == runtime::IoUringMode::kOn &&
      rt.status().code() == StatusCode::kUnavailable) {
    *skip = "io_uring unavailable: " + rt.status().ToString();
  }
  return rt;
}

// Blocking calls on a store, for test bodies.
class StoreDriver {
 public:
  StoreDriver(runtime::Runtime* rt, MetaStore* store)
      : rt_(rt), store_(store) {}

  Result<std::optional<KeyValue>> Get(std::string key) {
    return rt_->BlockOn(store_->Get(std::move(key)));
  }
  Result<uint64_t> Put(std::string key, std::string value) {
    return rt_->BlockOn(store_->Put(std::move(key), std::move(value)));
  }
  Result<bool> Delete(std::string key) {
    return rt_->BlockOn(store_->Delete(std::move(key)));
  }
  Result<std::vector<KeyValue>> Scan(std::string prefix,
                                     ScanOptions options = ScanOptions()) {
    return rt_->BlockOn(store_->Scan(std::move(prefix), std::move(options)));
  }
  Result<TxnResult> Commit(Txn txn) {
    return rt_->BlockOn(store_->Commit(std::move(txn)));
  }
  Result<uint64_t> Revision() { return rt_->BlockOn(store_->Revision()); }

  // The value of `key`, or "<absent>" / "<error: ...>".
  std::string ValueOf(std::string key) {
    auto kv = Get(std::move(key));
    if (!kv.ok()) return "<error: " + kv.status().ToString() + ">";
    return kv->has_value() ? (*kv)->value : "<absent>";
  }

 private:
  runtime::Runtime* rt_;
  MetaStore* store_;
};

// One configuration of the conformance suite: a backend and a runtime kind.
struct MetaStoreParam {
  std::string name;     // test name suffix, e.g. "rocksdb_poll"
  std::string backend;  // "memory" or "rocksdb"
  runtime::IoUringMode mode = runtime::IoUringMode::kOff;
};

// The MetaStore conformance fixture: a runtime of the param's kind and a
// fresh, empty store of the param's backend for every test. TEST_Ps live in
// meta_store_test.cc, meta_store_concurrency_test.cc and
// meta_store_try_get_test.cc.
class MetaStoreConformanceTest
    : public ::testing::TestWithParam<MetaStoreParam> {
 protected:
  void SetUp() override {
    std::string skip;
    auto rt = MakeTestRuntime(GetParam().mode, &skip);
    if (!skip.empty()) GTEST_SKIP() << skip;
    ASSERT_THAT(rt, IsOk());
    rt_ = std::move(rt).value();
    if (GetParam().backend == "memory") {
      store_ = NewMemoryMetaStore();
    } else {
      ASSERT_FALSE(dir_.path().empty()) << "mkdtemp failed";
      auto store = OpenRocksDbMetaStore(dir_.path() + "/meta");
      ASSERT_THAT(store, IsOk());
      store_ = std::move(store).value();
    }
    db_.emplace(rt_.get(), store_.get());
  }
  void TearDown() override {
    db_.reset();
    store_.reset();  // before the runtime, like a real owner would
    rt_.reset();
  }

  runtime::Runtime& rt() { return *rt_; }
  StoreDriver& db() { return *db_; }

  ScratchDir dir_;
  std::unique_ptr<runtime::Runtime> rt_;
  std::shared_ptr<MetaStore> store_;
  std::optional<StoreDriver> db_;
};

struct MetaStoreParamName {
  std::string operator()(
      const ::testing::TestParamInfo<MetaStoreParam>& info) const {
    return info.param.name;
  }
};

// Keys of a scan result, in order.
inline std::vector<std::string> KeysOf(const std::vector<KeyValue>& kvs) {
  std::vector<std::string> keys;
  for (const KeyValue& kv : kvs) keys.push_back(kv.key);
  return keys;
}

}  // namespace strata::vfs::testing
