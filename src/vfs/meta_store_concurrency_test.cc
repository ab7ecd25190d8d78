// The MetaStore conformance suite, part 2: concurrent callers. Compare-and-
// set increments from many threads and coroutines must never lose an update,
// concurrent writes get distinct revisions, and scans see whole transactions.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "strata/runtime/runtime.h"
#include "vfs/meta_store_test_util.h"

namespace strata::vfs::testing {
namespace {

// Adds one to the decimal counter at `key`, `times` times, each by read then
// compare-and-set, retrying on conflict. Returns the number of conflicts.
Task<Result<int>> CasIncrement(std::shared_ptr<MetaStore> store,
                               std::string key, int times) {
  int conflicts = 0;
  for (int done = 0; done < times;) {
    Result<std::optional<KeyValue>> kv = co_await store->Get(key);
    if (!kv.ok()) co_return kv.status();
    TxnCompare compare;
    compare.key = key;
    int64_t n = 0;
    if (kv->has_value()) {
      compare.mod_revision = (*kv)->mod_revision;
      n = std::strtoll((*kv)->value.c_str(), nullptr, 10);
    }
    Txn txn;
    txn.compares.push_back(compare);
    txn.ops.push_back(TxnOp::Put(key, std::to_string(n + 1)));
    Result<TxnResult> r = co_await store->Commit(std::move(txn));
    if (!r.ok()) co_return r.status();
    if (r->succeeded) {
      ++done;
    } else {
      ++conflicts;
    }
  }
  co_return conflicts;
}

// Puts `count` distinct keys "<tag>/<i>" and returns the revisions given.
Task<Result<std::vector<uint64_t>>> PutMany(std::shared_ptr<MetaStore> store,
                                            std::string tag, int count) {
  std::vector<uint64_t> revisions;
  for (int i = 0; i < count; ++i) {
    Result<uint64_t> rev =
        co_await store->Put(tag + "/" + std::to_string(i), "v");
    if (!rev.ok()) co_return rev.status();
    revisions.push_back(*rev);
  }
  co_return revisions;
}

TEST_P(MetaStoreConformanceTest, CasIncrementsFromManyThreadsLoseNothing) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 200;
  std::string skip;
  // A second runtime: the threads run on four reactor threads in all.
  auto wide = MakeTestRuntime(GetParam().mode, &skip);
  ASSERT_THAT(wide, IsOk());
  std::vector<Status> errors(kThreads);
  std::atomic<int> conflicts{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      runtime::Runtime& rt = t % 2 == 0 ? this->rt() : **wide;
      Result<int> r = rt.BlockOn(CasIncrement(store_, "counter", kPerThread));
      if (r.ok()) {
        conflicts += *r;
      } else {
        errors[t] = r.status();
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (const Status& st : errors) EXPECT_THAT(st, IsOk());
  EXPECT_EQ(db().ValueOf("counter"), std::to_string(kThreads * kPerThread));
  // Only successful commits advance the revision.
  EXPECT_EQ(db().Revision().value_or(0),
            static_cast<uint64_t>(kThreads * kPerThread));
  EXPECT_EQ(db().Get("counter").value()->mod_revision,
            static_cast<uint64_t>(kThreads * kPerThread));
  RecordProperty("conflicts", conflicts.load());
}

TEST_P(MetaStoreConformanceTest, CasIncrementsFromManyCoroutinesLoseNothing) {
  constexpr int kTasks = 32;
  constexpr int kPerTask = 25;
  std::vector<runtime::JoinHandle<Result<int>>> handles;
  for (int i = 0; i < kTasks; ++i) {
    handles.push_back(rt().Spawn(CasIncrement(store_, "c", kPerTask)));
  }
  for (auto& h : handles) EXPECT_THAT(h.Join(), IsOk());
  EXPECT_EQ(db().ValueOf("c"), std::to_string(kTasks * kPerTask));
}

TEST_P(MetaStoreConformanceTest, ConcurrentPutsGetDistinctRevisions) {
  constexpr int kWriters = 4;
  constexpr int kPerWriter = 100;
  std::vector<runtime::JoinHandle<Result<std::vector<uint64_t>>>> handles;
  for (int i = 0; i < kWriters; ++i) {
    handles.push_back(
        rt().Spawn(PutMany(store_, "w" + std::to_string(i), kPerWriter)));
  }
  std::vector<uint64_t> all;
  for (auto& h : handles) {
    auto revs = h.Join();
    ASSERT_THAT(revs, IsOk());
    EXPECT_TRUE(std::is_sorted(revs->begin(), revs->end()));
    all.insert(all.end(), revs->begin(), revs->end());
  }
  std::sort(all.begin(), all.end());
  ASSERT_EQ(all.size(), static_cast<size_t>(kWriters * kPerWriter));
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i], i + 1);
  EXPECT_EQ(db().Scan("").value().size(), all.size());
}

// Writes pair/a and pair/b (same value) in one transaction per round, or
// deletes both, so a consistent reader sees none or both, equal.
void WritePairs(runtime::Runtime* rt, MetaStore* store, int rounds) {
  StoreDriver db(rt, store);
  for (int i = 0; i < rounds; ++i) {
    Txn txn;
    if (i % 5 == 4) {
      txn.ops.push_back(TxnOp::Delete("pair/a"));
      txn.ops.push_back(TxnOp::Delete("pair/b"));
    } else {
      txn.ops.push_back(TxnOp::Put("pair/a", std::to_string(i)));
      txn.ops.push_back(TxnOp::Put("pair/b", std::to_string(i)));
    }
    ASSERT_THAT(db.Commit(std::move(txn)), IsOk());
  }
}

TEST_P(MetaStoreConformanceTest, ScansAndGetsSeeWholeTransactions) {
  std::atomic<bool> done{false};
  std::thread writer([&] {
    WritePairs(&rt(), store_.get(), 300);
    done = true;
  });
  int scans = 0;
  uint64_t last_revision = 0;
  while (!done.load() || scans == 0) {
    auto scan = db().Scan("pair/");
    ASSERT_THAT(scan, IsOk());
    ++scans;
    if (scan->empty()) continue;
    ASSERT_EQ(scan->size(), 2u);
    EXPECT_EQ((*scan)[0].value, (*scan)[1].value);
    EXPECT_EQ((*scan)[0].mod_revision, (*scan)[1].mod_revision);
    // Revisions seen by one reader never go backwards.
    EXPECT_GE((*scan)[0].mod_revision, last_revision);
    last_revision = (*scan)[0].mod_revision;
  }
  writer.join();
  EXPECT_EQ(db().Revision().value_or(0), 300u);
}

}  // namespace
}  // namespace strata::vfs::testing
