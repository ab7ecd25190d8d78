// The MetaStore conformance suite, TryGetNow part: answers on the calling
// thread exactly as Get does (present, absent, overwritten, deleted, binary
// and empty keys), on a reactor and on a plain thread, for every store under
// both runtime kinds. (Instantiated in meta_store_test.cc.)

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "vfs/meta_store_test_util.h"

namespace strata::vfs::testing {
namespace {

// TryGetNow may answer nullopt (a remote store, e.g. etcd): the tests below
// then do not apply.
#define SKIP_UNLESS_LOCAL_READS()                               \
  if (!store_->TryGetNow("probe").has_value()) {                \
    GTEST_SKIP() << store_->name() << " does not read locally"; \
  }

void PutAll(StoreDriver& db, const std::vector<std::string>& keys) {
  for (const std::string& k : keys) {
    ASSERT_THAT(db.Put(k, "v:" + k), IsOk()) << k;
  }
}

// TryGetNow(key) answered (both stores read locally) and equals Get(key).
::testing::AssertionResult TryGetNowMatchesGet(MetaStore& store,
                                               StoreDriver& db,
                                               const std::string& key) {
  auto now = store.TryGetNow(key);
  if (!now.has_value()) {
    return ::testing::AssertionFailure() << "TryGetNow gave no answer";
  }
  auto got = db.Get(key);
  if (now->ok() != got.ok()) {
    return ::testing::AssertionFailure()
           << "TryGetNow " << now->status().ToString() << " vs Get "
           << got.status().ToString();
  }
  if (!got.ok()) {
    if (now->status().code() == got.status().code()) {
      return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << "error codes differ";
  }
  const std::optional<KeyValue>& a = now->value();
  const std::optional<KeyValue>& b = *got;
  if (a.has_value() != b.has_value()) {
    return ::testing::AssertionFailure()
           << "TryGetNow present=" << a.has_value()
           << " Get present=" << b.has_value();
  }
  if (a && (a->key != b->key || a->value != b->value ||
            a->mod_revision != b->mod_revision)) {
    return ::testing::AssertionFailure()
           << "TryGetNow {" << a->key << ", " << a->value.size() << " bytes, "
           << a->mod_revision << "} vs Get {" << b->key << ", "
           << b->value.size() << " bytes, " << b->mod_revision << "}";
  }
  return ::testing::AssertionSuccess();
}

TEST_P(MetaStoreConformanceTest, TryGetNowAnswersPresentKeyLikeGet) {
  SKIP_UNLESS_LOCAL_READS();
  ASSERT_THAT(db().Put("a", "1"), IsOk());
  ASSERT_THAT(db().Put("b", "2"), IsOk());
  auto now = store_->TryGetNow("a");
  ASSERT_TRUE(now.has_value());
  ASSERT_THAT(*now, IsOk());
  ASSERT_TRUE(now->value().has_value());
  EXPECT_EQ(now->value()->key, "a");
  EXPECT_EQ(now->value()->value, "1");
  EXPECT_EQ(now->value()->mod_revision, 1u);
  EXPECT_TRUE(TryGetNowMatchesGet(*store_, db(), "a"));
  EXPECT_TRUE(TryGetNowMatchesGet(*store_, db(), "b"));
}

TEST_P(MetaStoreConformanceTest, TryGetNowAnswersAbsentKeyWithEmptyValue) {
  SKIP_UNLESS_LOCAL_READS();
  auto empty = store_->TryGetNow("missing");
  ASSERT_TRUE(empty.has_value()) << "an empty store still answers";
  ASSERT_THAT(*empty, IsOk());
  EXPECT_FALSE(empty->value().has_value());
  PutAll(db(), {"ab", "b"});
  for (const char* key : {"a", "abc", "aa", "c", "missing"}) {
    auto now = store_->TryGetNow(key);
    ASSERT_TRUE(now.has_value()) << key;
    ASSERT_THAT(*now, IsOk()) << key;
    EXPECT_FALSE(now->value().has_value()) << key;
    EXPECT_TRUE(TryGetNowMatchesGet(*store_, db(), key)) << key;
  }
}

TEST_P(MetaStoreConformanceTest, TryGetNowSeesOverwritesDeletesAndCommits) {
  SKIP_UNLESS_LOCAL_READS();
  ASSERT_THAT(db().Put("k", "old"), IsOk());
  ASSERT_THAT(db().Put("k", "new"), IsOk());
  auto now = store_->TryGetNow("k");
  ASSERT_TRUE(now.has_value() && now->ok() && now->value().has_value());
  EXPECT_EQ(now->value()->value, "new");
  EXPECT_EQ(now->value()->mod_revision, 2u);
  ASSERT_THAT(db().Delete("k"), IsOk());
  now = store_->TryGetNow("k");
  ASSERT_TRUE(now.has_value() && now->ok());
  EXPECT_FALSE(now->value().has_value()) << "deleted";
  EXPECT_TRUE(TryGetNowMatchesGet(*store_, db(), "k"));
  Txn txn;
  txn.ops.push_back(TxnOp::Put("k", "txn"));
  txn.ops.push_back(TxnOp::Put("other", "x"));
  auto done = db().Commit(txn);
  ASSERT_THAT(done, IsOk());
  now = store_->TryGetNow("k");
  ASSERT_TRUE(now.has_value() && now->ok() && now->value().has_value());
  EXPECT_EQ(now->value()->value, "txn");
  EXPECT_EQ(now->value()->mod_revision, done->revision);
  EXPECT_TRUE(TryGetNowMatchesGet(*store_, db(), "other"));
}

TEST_P(MetaStoreConformanceTest, TryGetNowHandlesBinaryKeysAndValues) {
  SKIP_UNLESS_LOCAL_READS();
  const std::string key("dent/\x00\xff/x", 9);
  const std::string shorter("dent/\x00", 6);  // a prefix of `key`
  const std::string value("\x00\x01\xfe\xff\x00", 5);
  ASSERT_THAT(db().Put(key, value), IsOk());
  ASSERT_THAT(db().Put("empty-value", ""), IsOk());
  ASSERT_THAT(db().Put("big", std::string(1 << 20, 'z')), IsOk());
  auto now = store_->TryGetNow(key);
  ASSERT_TRUE(now.has_value() && now->ok() && now->value().has_value());
  EXPECT_EQ(now->value()->key, key);
  EXPECT_EQ(now->value()->value, value);
  auto none = store_->TryGetNow(shorter);
  ASSERT_TRUE(none.has_value() && none->ok());
  EXPECT_FALSE(none->value().has_value());
  for (const std::string& k :
       {key, shorter, std::string("empty-value"), std::string("big")}) {
    EXPECT_TRUE(TryGetNowMatchesGet(*store_, db(), k)) << k.size();
  }
  auto empty = store_->TryGetNow("empty-value");
  ASSERT_TRUE(empty.has_value() && empty->ok() && empty->value().has_value());
  EXPECT_EQ(empty->value()->value, "");
}

TEST_P(MetaStoreConformanceTest, TryGetNowOfEmptyKeyAgreesWithGet) {
  SKIP_UNLESS_LOCAL_READS();
  ASSERT_THAT(db().Put("a", "1"), IsOk());
  EXPECT_TRUE(TryGetNowMatchesGet(*store_, db(), ""));
}

Task<std::optional<Result<std::optional<KeyValue>>>> TryGetNowOnReactor(
    MetaStore* store, std::string key) {
  co_return store->TryGetNow(key);
}

TEST_P(MetaStoreConformanceTest, TryGetNowWorksOnAReactorAndAPlainThread) {
  SKIP_UNLESS_LOCAL_READS();
  ASSERT_THAT(db().Put("k", "v"), IsOk());
  auto on_reactor = rt().BlockOn(TryGetNowOnReactor(store_.get(), "k"));
  ASSERT_TRUE(on_reactor.has_value() && on_reactor->ok());
  ASSERT_TRUE(on_reactor->value().has_value());
  EXPECT_EQ(on_reactor->value()->value, "v");
  std::optional<Result<std::optional<KeyValue>>> on_thread;
  std::thread thread([&] { on_thread = store_->TryGetNow("k"); });
  thread.join();
  ASSERT_TRUE(on_thread.has_value() && on_thread->ok());
  ASSERT_TRUE(on_thread->value().has_value());
  EXPECT_EQ(on_thread->value()->value, "v");
  EXPECT_EQ(on_thread->value()->mod_revision, 1u);
}

}  // namespace
}  // namespace strata::vfs::testing
