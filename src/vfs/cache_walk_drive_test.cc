// CacheWalk's two drivers: DriveWalkNow (TryGetNow, on the calling thread)
// gives the same steps and verdicts as DriveWalk (Gets, coroutine) over the
// memory and RocksDB stores, gives up over a store without TryGetNow, and both
// return the store's read errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vfs/cache_walk.h"
#include "vfs/cache_walk_test_util.h"
#include "vfs/meta_store_test_util.h"
#include "vfs/schema.h"

namespace strata::vfs::testing {
namespace {

using internal::CacheWalk;
using internal::DriveWalk;
using internal::DriveWalkNow;
using internal::Found;
using internal::VerdictInputs;
using internal::WalkStep;
using schema::DentKey;
using schema::DirKey;
using schema::DirState;
using schema::Entry;
using ::testing::HasSubstr;

// Forwards to another store without answering TryGetNow (like a remote
// store); reads fail with kUnavailable naming the key when `fail_reads`.
class ForwardingStore : public MetaStore {
 public:
  explicit ForwardingStore(std::shared_ptr<MetaStore> inner)
      : inner_(std::move(inner)) {}
  bool fail_reads = false;

  std::string_view name() const override { return "forwarding"; }
  Task<Result<std::optional<KeyValue>>> Get(std::string key) override {
    if (fail_reads) return FailedGet(std::move(key));
    return inner_->Get(std::move(key));
  }
  Task<Result<uint64_t>> Put(std::string key, std::string value) override {
    return inner_->Put(std::move(key), std::move(value));
  }
  Task<Result<bool>> Delete(std::string key) override {
    return inner_->Delete(std::move(key));
  }
  Task<Result<std::vector<KeyValue>>> Scan(std::string prefix,
                                           ScanOptions options) override {
    return inner_->Scan(std::move(prefix), std::move(options));
  }
  Task<Result<TxnResult>> Commit(Txn txn) override {
    return inner_->Commit(std::move(txn));
  }
  Task<Result<uint64_t>> Revision() override { return inner_->Revision(); }

  static Status ReadError(std::string_view key) {
    return UnavailableError("injected read failure: " + std::string(key));
  }

 protected:
  static Task<Result<std::optional<KeyValue>>> FailedGet(std::string key) {
    co_return ReadError(key);
  }
  std::shared_ptr<MetaStore> inner_;
};

// A ForwardingStore that does answer TryGetNow (failing like Get).
class LocalForwardingStore final : public ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  std::optional<Result<std::optional<KeyValue>>> TryGetNow(
      std::string_view key) override {
    if (fail_reads) return Result<std::optional<KeyValue>>(ReadError(key));
    return inner_->TryGetNow(key);
  }
};

void ExpectSameSteps(const std::vector<WalkStep>& a,
                     const std::vector<WalkStep>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].key, b[i].key);
    EXPECT_EQ(a[i].parent, b[i].parent);
    EXPECT_EQ(a[i].mod_revision, b[i].mod_revision);
    EXPECT_EQ(a[i].entry, b[i].entry);
  }
}

void ExpectSameVerdict(const Result<std::optional<Found>>& a,
                       const Result<std::optional<Found>>& b) {
  ASSERT_EQ(a.ok(), b.ok());
  if (!a.ok()) {
    EXPECT_EQ(a.status().ToString(), b.status().ToString());
    return;
  }
  ASSERT_EQ(a->has_value(), b->has_value());
  if (!a->has_value()) return;
  EXPECT_EQ((*a)->entry, (*b)->entry);
  EXPECT_EQ((*a)->parent, (*b)->parent);
  EXPECT_EQ((*a)->key, (*b)->key);
  EXPECT_EQ((*a)->mod_revision, (*b)->mod_revision);
}

class CacheWalkDriveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string skip;
    auto rt = MakeTestRuntime(std::nullopt, &skip);
    ASSERT_THAT(rt, IsOk());
    rt_ = std::move(rt).value();
  }
  void TearDown() override {
    store_.reset();
    rt_.reset();
  }

  void PutEntry(uint64_t parent, const std::string& name, const Entry& e) {
    ASSERT_THAT(rt_->BlockOn(
                    store_->Put(DentKey(parent, name), schema::EncodeEntry(e))),
                IsOk());
  }
  void PutListed(uint64_t ino, int64_t listed_ns) {
    DirState state;
    state.listed_ns = listed_ns;
    ASSERT_THAT(
        rt_->BlockOn(store_->Put(DirKey(ino), schema::EncodeDirState(state))),
        IsOk());
  }
  // /a/b/c as in PutTree, b stale but listed, /a/f a file, /bad corrupt.
  void Populate() {
    PutEntry(kRoot, "a", Dir(2, kNow));
    PutEntry(2, "b", Dir(3, 0));
    PutEntry(3, "c", File(4, 7, kNow));
    PutEntry(2, "f", File(5, 1, kNow));
    PutListed(2, kNow - kSecond);
    PutListed(3, kNow - kSecond);
    ASSERT_THAT(rt_->BlockOn(store_->Put(DentKey(kRoot, "bad"), "")), IsOk());
  }

  // Runs the same walk with both drivers and expects the same outcome.
  void ExpectDriversAgree(std::vector<std::string> comps, bool judged) {
    SCOPED_TRACE(comps.empty() ? std::string("<root>") : comps.back());
    std::optional<VerdictInputs> in;
    if (judged) in = Judged(kMinute, "/vpath");
    CacheWalk slow(kRoot, comps, in);
    CacheWalk fast(kRoot, comps, in);
    Status slow_st = rt_->BlockOn(DriveWalk(store_.get(), &slow));
    std::optional<Status> fast_st = DriveWalkNow(*store_, fast);
    ASSERT_TRUE(fast_st.has_value()) << "a local store answers now";
    EXPECT_EQ(slow_st.code(), fast_st->code());
    EXPECT_EQ(slow_st.ToString(), fast_st->ToString());
    EXPECT_EQ(slow.next_key(), nullptr);
    EXPECT_EQ(fast.next_key(), nullptr);
    ExpectSameSteps(slow.steps(), fast.steps());
    ExpectSameVerdict(slow.TakeVerdict(), fast.TakeVerdict());
  }
  void ExpectDriversAgreeEverywhere() {
    using V = std::vector<std::string>;
    for (const V& comps : {V{"a", "b", "c"}, V{"a", "b"}, V{"a", "f", "x"},
                           V{"a", "b", "missing"}, V{"a", "x", "y"},
                           V{"nothing"}, V{"bad", "x"}, V{}}) {
      ExpectDriversAgree(comps, true);
      ExpectDriversAgree(comps, false);
    }
  }

  std::unique_ptr<runtime::Runtime> rt_;
  std::shared_ptr<MetaStore> store_;
};

TEST_F(CacheWalkDriveTest, DriveWalkNowMatchesDriveWalkOverMemory) {
  store_ = NewMemoryMetaStore();
  Populate();
  ExpectDriversAgreeEverywhere();
  // And the answers are the expected ones.
  CacheWalk walk(kRoot, {"a", "b", "c"}, Judged(kMinute, "/a/b/c"));
  ASSERT_THAT(*DriveWalkNow(*store_, walk), IsOk());
  auto found = walk.TakeVerdict();
  ASSERT_THAT(found, IsOk());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->entry.ino, 4u);
  CacheWalk bad(kRoot, {"bad"}, Judged(kMinute, "/bad"));
  EXPECT_THAT(*DriveWalkNow(*store_, bad), StatusIs(StatusCode::kDataLoss));
}

TEST_F(CacheWalkDriveTest, DriveWalkNowMatchesDriveWalkOverRocksDb) {
  ScratchDir dir;
  ASSERT_FALSE(dir.path().empty());
  auto store = OpenRocksDbMetaStore(dir.path() + "/meta");
  ASSERT_THAT(store, IsOk());
  store_ = std::move(store).value();
  Populate();
  ExpectDriversAgreeEverywhere();
  store_.reset();  // before the scratch dir goes
}

TEST_F(CacheWalkDriveTest, DriveWalkNowGivesUpOverAStoreThatWouldWait) {
  auto inner = NewMemoryMetaStore();
  store_ = inner;
  Populate();
  auto remote = std::make_shared<ForwardingStore>(inner);
  EXPECT_FALSE(remote->TryGetNow(DentKey(kRoot, "a")).has_value())
      << "the default TryGetNow";
  CacheWalk walk(kRoot, {"a", "b", "c"}, Judged(kMinute, "/a/b/c"));
  EXPECT_FALSE(DriveWalkNow(*remote, walk).has_value());
  ASSERT_NE(walk.next_key(), nullptr) << "unfinished";
  EXPECT_EQ(*walk.next_key(), DentKey(kRoot, "a"));
  // The coroutine driver finishes the same walk.
  ASSERT_THAT(rt_->BlockOn(DriveWalk(remote.get(), &walk)), IsOk());
  auto found = walk.TakeVerdict();
  ASSERT_THAT(found, IsOk());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->entry.ino, 4u);
}

TEST_F(CacheWalkDriveTest, DriversReturnTheStoresReadError) {
  auto inner = NewMemoryMetaStore();
  store_ = inner;
  Populate();
  auto local = std::make_shared<LocalForwardingStore>(inner);
  local->fail_reads = true;
  CacheWalk slow(kRoot, {"a", "b"}, Judged(kMinute, "/a/b"));
  Status st = rt_->BlockOn(DriveWalk(local.get(), &slow));
  EXPECT_THAT(st, StatusIs(StatusCode::kUnavailable));
  EXPECT_THAT(st.ToString(), HasSubstr(DentKey(kRoot, "a")));
  CacheWalk fast(kRoot, {"a", "b"}, Judged(kMinute, "/a/b"));
  std::optional<Status> now = DriveWalkNow(*local, fast);
  ASSERT_TRUE(now.has_value());
  EXPECT_THAT(*now, StatusIs(StatusCode::kUnavailable));
  EXPECT_THAT(now->ToString(), HasSubstr(DentKey(kRoot, "a")));
}

}  // namespace
}  // namespace strata::vfs::testing