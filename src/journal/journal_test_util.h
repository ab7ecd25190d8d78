// Shared helpers for the journal tests: a runtime, a scratch directory, and
// coroutines that append / read whole journals.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "strata/journal/journal.h"
#include "strata/runtime/runtime.h"

namespace strata::journal::testing {

using Bytes = std::vector<std::byte>;

inline Bytes MakePayload(size_t size, uint64_t seed) {
  Bytes b(size);
  for (size_t i = 0; i < size; ++i) {
    b[i] = static_cast<std::byte>((seed * 131 + i * 7 + (seed >> 8)) & 0xff);
  }
  return b;
}

struct ReadBack {
  Status status;
  std::vector<Record> records;
};

inline Task<ReadBack> ReadAll(Journal* journal, Lsn from) {
  ReadBack out;
  auto stream = journal->Read(from);
  while (auto r = co_await stream.Next()) {
    if (!r->ok()) {
      out.status = r->status();
      break;
    }
    out.records.push_back(std::move(**r));
  }
  co_return out;
}

inline Task<Result<std::vector<Lsn>>> AppendAll(Journal* journal,
                                                std::vector<Bytes> records,
                                                bool sync_each) {
  std::vector<Lsn> lsns;
  for (const Bytes& r : records) {
    STRATA_CO_ASSIGN_OR_RETURN(Lsn lsn, co_await journal->Append(r));
    if (sync_each)
      STRATA_CO_RETURN_IF_ERROR(co_await journal->SyncThrough(lsn));
    lsns.push_back(lsn);
  }
  co_return lsns;
}

class JournalTestBase : public ::testing::Test {
 protected:
  void SetUp() override {
    runtime::RuntimeOptions options;
    options.reactor_threads = 2;
    auto rt = runtime::Runtime::Create(options);
    ASSERT_TRUE(rt.ok()) << rt.status().ToString();
    rt_ = std::move(rt).value();
    char tmpl[] = "/tmp/strata-journal-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    dir_ = root_ + "/wal";
  }
  void TearDown() override {
    rt_.reset();
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }

  template <typename T>
  T Run(Task<T> task) {
    return rt_->BlockOn(std::move(task));
  }

  Result<std::unique_ptr<Journal>> OpenJournal(JournalOptions options) {
    return Run(Journal::Open(dir_, options));
  }

  std::vector<std::string> SegmentFiles() const {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(dir_)) {
      out.push_back(e.path().filename().string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  std::unique_ptr<runtime::Runtime> rt_;
  std::string root_;
  std::string dir_;
};

}  // namespace strata::journal::testing
