// The MetaStore conformance suite, part 1: get/put/delete, revisions, scans
// and transactions, run against every store under both runtime kinds.
// (TryGetNow is in meta_store_try_get_test.cc, concurrency in
// meta_store_concurrency_test.cc.)

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vfs/meta_store_test_util.h"

namespace strata::vfs::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

MetaStoreParam Param(std::string backend, runtime::IoUringMode mode) {
  MetaStoreParam p;
  p.name =
      backend + (mode == runtime::IoUringMode::kOn ? "_io_uring" : "_poll");
  p.backend = std::move(backend);
  p.mode = mode;
  return p;
}

INSTANTIATE_TEST_SUITE_P(
    Stores, MetaStoreConformanceTest,
    ::testing::Values(Param("memory", runtime::IoUringMode::kOn),
                      Param("memory", runtime::IoUringMode::kOff),
                      Param("rocksdb", runtime::IoUringMode::kOn),
                      Param("rocksdb", runtime::IoUringMode::kOff)),
    MetaStoreParamName());

Txn PutIf(std::string key, uint64_t expected, std::string value) {
  Txn txn;
  TxnCompare c;
  c.key = key;
  c.mod_revision = expected;
  txn.compares.push_back(c);
  txn.ops.push_back(TxnOp::Put(std::move(key), std::move(value)));
  return txn;
}

// ---- get / put / delete ---------------------------------------------------

TEST_P(MetaStoreConformanceTest, NameMatchesBackend) {
  EXPECT_EQ(store_->name(), GetParam().backend);
}

TEST_P(MetaStoreConformanceTest, EmptyStoreHasRevisionZeroAndNoKeys) {
  EXPECT_EQ(db().Revision().value_or(99), 0u);
  auto kv = db().Get("missing");
  ASSERT_THAT(kv, IsOk());
  EXPECT_FALSE(kv->has_value());
  auto all = db().Scan("");
  ASSERT_THAT(all, IsOk());
  EXPECT_THAT(*all, IsEmpty());
}

TEST_P(MetaStoreConformanceTest, PutThenGetReturnsValueAndModRevision) {
  auto rev = db().Put("a", "1");
  ASSERT_THAT(rev, IsOk());
  EXPECT_EQ(*rev, 1u);
  auto kv = db().Get("a");
  ASSERT_THAT(kv, IsOk());
  ASSERT_TRUE(kv->has_value());
  EXPECT_EQ((*kv)->key, "a");
  EXPECT_EQ((*kv)->value, "1");
  EXPECT_EQ((*kv)->mod_revision, 1u);
  EXPECT_EQ(db().Revision().value_or(0), 1u);
}

TEST_P(MetaStoreConformanceTest, RevisionsIncreaseAndEachKeyKeepsItsOwn) {
  uint64_t last = 0;
  for (int i = 0; i < 5; ++i) {
    auto rev = db().Put("k" + std::to_string(i % 2), std::to_string(i));
    ASSERT_THAT(rev, IsOk());
    EXPECT_EQ(*rev, last + 1);
    last = *rev;
  }
  // k0 was last written at i=4 (rev 5), k1 at i=3 (rev 4).
  EXPECT_EQ(db().Get("k0").value()->mod_revision, 5u);
  EXPECT_EQ(db().Get("k1").value()->mod_revision, 4u);
  EXPECT_EQ(db().ValueOf("k0"), "4");
  EXPECT_EQ(db().ValueOf("k1"), "3");
  EXPECT_EQ(db().Revision().value_or(0), 5u);
}

TEST_P(MetaStoreConformanceTest, DeleteRemovesKeyAndAdvancesRevision) {
  ASSERT_THAT(db().Put("a", "1"), IsOk());
  auto existed = db().Delete("a");
  ASSERT_THAT(existed, IsOk());
  EXPECT_TRUE(*existed);
  EXPECT_EQ(db().ValueOf("a"), "<absent>");
  EXPECT_EQ(db().Revision().value_or(0), 2u);
  // Written again, it gets a fresh mod_revision.
  ASSERT_THAT(db().Put("a", "2"), IsOk());
  EXPECT_EQ(db().Get("a").value()->mod_revision, 3u);
}

TEST_P(MetaStoreConformanceTest, DeleteOfAbsentKeyDoesNotAdvanceRevision) {
  ASSERT_THAT(db().Put("a", "1"), IsOk());
  auto existed = db().Delete("b");
  ASSERT_THAT(existed, IsOk());
  EXPECT_FALSE(*existed);
  EXPECT_EQ(db().Revision().value_or(0), 1u);
  ASSERT_THAT(db().Delete("a"), IsOk());
  auto again = db().Delete("a");
  ASSERT_THAT(again, IsOk());
  EXPECT_FALSE(*again);
  EXPECT_EQ(db().Revision().value_or(0), 2u);
}

TEST_P(MetaStoreConformanceTest, BinaryKeysAndValuesRoundTrip) {
  const std::string key("dent/\x00\xff/x", 9);
  const std::string value("\x00\x01\xfe\xff\x00", 5);
  ASSERT_THAT(db().Put(key, value), IsOk());
  ASSERT_THAT(db().Put("empty-value", ""), IsOk());
  EXPECT_EQ(db().ValueOf(key), value);
  EXPECT_EQ(db().ValueOf("empty-value"), "");
  const std::string big(1 << 20, 'z');
  ASSERT_THAT(db().Put("big", big), IsOk());
  EXPECT_EQ(db().ValueOf("big"), big);
}

TEST_P(MetaStoreConformanceTest, EmptyKeysAreInvalidArgument) {
  EXPECT_THAT(db().Put("", "v"), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(db().Delete(""), StatusIs(StatusCode::kInvalidArgument));
  Txn op;
  op.ops.push_back(TxnOp::Put("", "v"));
  EXPECT_THAT(db().Commit(op), StatusIs(StatusCode::kInvalidArgument));
  Txn del;
  del.ops.push_back(TxnOp::Delete(""));
  EXPECT_THAT(db().Commit(del), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(db().Commit(PutIf("", 0, "v")),
              StatusIs(StatusCode::kInvalidArgument));
  // A bad op later in a transaction refuses the whole transaction.
  Txn mixed;
  mixed.ops.push_back(TxnOp::Put("ok", "v"));
  mixed.ops.push_back(TxnOp::Put("", "v"));
  EXPECT_THAT(db().Commit(mixed), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_EQ(db().ValueOf("ok"), "<absent>");
  EXPECT_EQ(db().Revision().value_or(99), 0u);
}

// ---- scan ---------------------------------------------------------------

void PutAll(StoreDriver& db, const std::vector<std::string>& keys) {
  for (const std::string& k : keys) {
    ASSERT_THAT(db.Put(k, "v:" + k), IsOk()) << k;
  }
}

TEST_P(MetaStoreConformanceTest, ScanByPrefixInBytewiseOrder) {
  PutAll(db(), {"b", "a/2", "ab", "a/1", "a/\xff", "a/Z", "a", "c"});
  auto scan = db().Scan("a/");
  ASSERT_THAT(scan, IsOk());
  EXPECT_THAT(KeysOf(*scan), ElementsAre("a/1", "a/2", "a/Z", "a/\xff"));
  EXPECT_EQ((*scan)[0].value, "v:a/1");
  auto all = db().Scan("");
  ASSERT_THAT(all, IsOk());
  EXPECT_THAT(KeysOf(*all),
              ElementsAre("a", "a/1", "a/2", "a/Z", "a/\xff", "ab", "b", "c"));
  auto none = db().Scan("zz");
  ASSERT_THAT(none, IsOk());
  EXPECT_THAT(*none, IsEmpty());
}

TEST_P(MetaStoreConformanceTest, ScanReportsModRevisions) {
  PutAll(db(), {"p/a", "p/b"});
  ASSERT_THAT(db().Put("p/a", "again"), IsOk());
  auto scan = db().Scan("p/");
  ASSERT_THAT(scan, IsOk());
  ASSERT_EQ(scan->size(), 2u);
  EXPECT_EQ((*scan)[0].mod_revision, 3u);
  EXPECT_EQ((*scan)[0].value, "again");
  EXPECT_EQ((*scan)[1].mod_revision, 2u);
}

TEST_P(MetaStoreConformanceTest, ScanLimitAndStartAfterPage) {
  std::vector<std::string> keys;
  for (int i = 0; i < 25; ++i) {
    keys.push_back("d/" + std::string(i < 10 ? "0" : "") + std::to_string(i));
  }
  PutAll(db(), keys);
  ASSERT_THAT(db().Put("e", "outside"), IsOk());
  std::vector<std::string> seen;
  ScanOptions options;
  options.limit = 7;
  for (int pages = 0; pages < 10; ++pages) {
    auto page = db().Scan("d/", options);
    ASSERT_THAT(page, IsOk());
    ASSERT_LE(page->size(), 7u);
    if (page->empty()) break;
    for (const KeyValue& kv : *page) seen.push_back(kv.key);
    options.start_after = page->back().key;
  }
  EXPECT_EQ(seen, keys);
}

TEST_P(MetaStoreConformanceTest, ScanStartAfterEdgeCases) {
  PutAll(db(), {"p", "p/a", "p/b", "q"});
  ScanOptions opts;
  opts.start_after = "a";  // before the prefix: from its start
  EXPECT_THAT(KeysOf(db().Scan("p/", opts).value()), ElementsAre("p/a", "p/b"));
  opts.start_after = "p/a";  // an existing key is excluded
  EXPECT_THAT(KeysOf(db().Scan("p/", opts).value()), ElementsAre("p/b"));
  opts.start_after = "p/";  // equal to the prefix
  EXPECT_THAT(KeysOf(db().Scan("p/", opts).value()), ElementsAre("p/a", "p/b"));
  opts.start_after = "p/aa";  // between keys
  EXPECT_THAT(KeysOf(db().Scan("p/", opts).value()), ElementsAre("p/b"));
  opts.start_after = "p/b";  // the last key
  EXPECT_THAT(db().Scan("p/", opts).value(), IsEmpty());
  opts.start_after = "z";  // past the prefix
  EXPECT_THAT(db().Scan("p/", opts).value(), IsEmpty());
  opts.start_after = "p";  // prefix "p" itself matches key "p"
  EXPECT_THAT(KeysOf(db().Scan("p", opts).value()), ElementsAre("p/a", "p/b"));
  ScanOptions unlimited;
  unlimited.limit = 0;
  EXPECT_EQ(db().Scan("", unlimited).value().size(), 4u);
  ScanOptions one;
  one.limit = 1;
  EXPECT_THAT(KeysOf(db().Scan("", one).value()), ElementsAre("p"));
}

// ---- transactions ---------------------------------------------------------

TEST_P(MetaStoreConformanceTest, CommitAppliesAllOpsUnderOneRevision) {
  ASSERT_THAT(db().Put("x", "0"), IsOk());
  ASSERT_THAT(db().Put("gone", "0"), IsOk());
  Txn txn;
  TxnCompare cx;
  cx.key = "x";
  cx.mod_revision = 1;
  TxnCompare cy;
  cy.key = "y";  // absent
  txn.compares = {cx, cy};
  txn.ops.push_back(TxnOp::Put("x", "1"));
  txn.ops.push_back(TxnOp::Put("y", "1"));
  txn.ops.push_back(TxnOp::Delete("gone"));
  auto r = db().Commit(txn);
  ASSERT_THAT(r, IsOk());
  EXPECT_TRUE(r->succeeded);
  EXPECT_EQ(r->revision, 3u);
  EXPECT_EQ(db().Get("x").value()->mod_revision, 3u);
  EXPECT_EQ(db().Get("y").value()->mod_revision, 3u);
  EXPECT_EQ(db().ValueOf("gone"), "<absent>");
  EXPECT_EQ(db().Revision().value_or(0), 3u);
}

TEST_P(MetaStoreConformanceTest, FailedCompareAppliesNothing) {
  ASSERT_THAT(db().Put("x", "0"), IsOk());  // rev 1
  ASSERT_THAT(db().Put("y", "0"), IsOk());  // rev 2
  Txn txn;
  TxnCompare good;
  good.key = "x";
  good.mod_revision = 1;
  TxnCompare stale;
  stale.key = "y";
  stale.mod_revision = 1;  // actually 2
  txn.compares = {good, stale};
  txn.ops.push_back(TxnOp::Put("x", "changed"));
  txn.ops.push_back(TxnOp::Delete("y"));
  txn.ops.push_back(TxnOp::Put("z", "new"));
  auto r = db().Commit(txn);
  ASSERT_THAT(r, IsOk());
  EXPECT_FALSE(r->succeeded);
  EXPECT_EQ(r->revision, 2u);
  EXPECT_EQ(db().ValueOf("x"), "0");
  EXPECT_EQ(db().ValueOf("y"), "0");
  EXPECT_EQ(db().ValueOf("z"), "<absent>");
  EXPECT_EQ(db().Revision().value_or(0), 2u);
}

TEST_P(MetaStoreConformanceTest, RevisionZeroComparesAbsence) {
  auto first = db().Commit(PutIf("lock", 0, "owner-1"));
  ASSERT_THAT(first, IsOk());
  EXPECT_TRUE(first->succeeded);
  auto second = db().Commit(PutIf("lock", 0, "owner-2"));
  ASSERT_THAT(second, IsOk());
  EXPECT_FALSE(second->succeeded);
  EXPECT_EQ(db().ValueOf("lock"), "owner-1");
  ASSERT_THAT(db().Delete("lock"), IsOk());
  auto third = db().Commit(PutIf("lock", 0, "owner-3"));
  ASSERT_THAT(third, IsOk());
  EXPECT_TRUE(third->succeeded);
  EXPECT_EQ(db().ValueOf("lock"), "owner-3");
  // A stale non-zero revision of a deleted key fails too.
  ASSERT_THAT(db().Delete("lock"), IsOk());
  auto stale = db().Commit(PutIf("lock", third->revision, "owner-4"));
  ASSERT_THAT(stale, IsOk());
  EXPECT_FALSE(stale->succeeded);
}

TEST_P(MetaStoreConformanceTest, OpsOnOneKeyApplyInOrder) {
  Txn put_then_delete;
  put_then_delete.ops.push_back(TxnOp::Put("a", "1"));
  put_then_delete.ops.push_back(TxnOp::Delete("a"));
  auto r1 = db().Commit(put_then_delete);
  ASSERT_THAT(r1, IsOk());
  EXPECT_TRUE(r1->succeeded);
  EXPECT_EQ(db().ValueOf("a"), "<absent>");
  Txn delete_then_put;
  delete_then_put.ops.push_back(TxnOp::Delete("b"));
  delete_then_put.ops.push_back(TxnOp::Put("b", "2"));
  auto r2 = db().Commit(delete_then_put);
  ASSERT_THAT(r2, IsOk());
  EXPECT_EQ(db().ValueOf("b"), "2");
  EXPECT_EQ(db().Get("b").value()->mod_revision, r2->revision);
  Txn put_put;
  put_put.ops.push_back(TxnOp::Put("c", "first"));
  put_put.ops.push_back(TxnOp::Put("c", "second"));
  ASSERT_THAT(db().Commit(put_put), IsOk());
  EXPECT_EQ(db().ValueOf("c"), "second");
  EXPECT_THAT(KeysOf(db().Scan("").value()), ElementsAre("b", "c"));
}

TEST_P(MetaStoreConformanceTest, CommitsThatChangeNothingKeepTheRevision) {
  ASSERT_THAT(db().Put("x", "0"), IsOk());
  Txn empty;
  auto r1 = db().Commit(empty);
  ASSERT_THAT(r1, IsOk());
  EXPECT_TRUE(r1->succeeded);
  EXPECT_EQ(r1->revision, 1u);
  Txn compare_only;
  TxnCompare c;
  c.key = "x";
  c.mod_revision = 1;
  compare_only.compares.push_back(c);
  auto r2 = db().Commit(compare_only);
  ASSERT_THAT(r2, IsOk());
  EXPECT_TRUE(r2->succeeded);
  EXPECT_EQ(r2->revision, 1u);
  Txn delete_absent;
  delete_absent.ops.push_back(TxnOp::Delete("nothing"));
  auto r3 = db().Commit(delete_absent);
  ASSERT_THAT(r3, IsOk());
  EXPECT_TRUE(r3->succeeded);
  EXPECT_EQ(r3->revision, 1u);
  EXPECT_EQ(db().Revision().value_or(0), 1u);
  // Mixed with a real change, the revision advances exactly once.
  delete_absent.ops.push_back(TxnOp::Put("y", "1"));
  auto r4 = db().Commit(delete_absent);
  ASSERT_THAT(r4, IsOk());
  EXPECT_EQ(r4->revision, 2u);
}

}  // namespace
}  // namespace strata::vfs::testing
