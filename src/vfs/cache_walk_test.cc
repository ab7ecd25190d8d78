// CacheWalk, the metadata-cache half of a lookup, driven by hand: phase 1
// steps, phase 2 verdicts under every sync interval, and corrupt records.
// (Its drivers, DriveWalk and DriveWalkNow, are in cache_walk_drive_test.cc.)
#include "vfs/cache_walk.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "vfs/cache_walk_test_util.h"
#include "vfs/meta_store_test_util.h"
#include "vfs/schema.h"

namespace strata::vfs::testing {
namespace {

using internal::CacheWalk;
using internal::Found;
using internal::IsFresh;
using internal::VerdictInputs;
using internal::WalkStep;
using schema::DentKey;
using schema::DirKey;
using schema::DirState;
using schema::Entry;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A hand-fed key space: what each read of the walk returns.
class HandFedKeys {
 public:
  // Puts `value` at `key` with a fresh mod_revision; returns it.
  uint64_t Put(const std::string& key, std::string value) {
    KeyValue kv;
    kv.key = key;
    kv.value = std::move(value);
    kv.mod_revision = ++revision_;
    kvs_[key] = kv;
    return revision_;
  }
  uint64_t PutEntry(uint64_t parent, const std::string& name, const Entry& e) {
    return Put(DentKey(parent, name), schema::EncodeEntry(e));
  }
  uint64_t PutListed(uint64_t ino, int64_t listed_ns) {
    DirState state;
    state.listed_ns = listed_ns;
    return Put(DirKey(ino), schema::EncodeDirState(state));
  }

  // Feeds `walk` until it is done, recording the keys read; the first
  // Feed error is returned.
  Status Run(CacheWalk& walk) {
    for (int guard = 0; guard < 100; ++guard) {
      const std::string* key = walk.next_key();
      if (key == nullptr) return Status::OK();
      read_.push_back(*key);
      auto it = kvs_.find(*key);
      std::optional<KeyValue> kv;
      if (it != kvs_.end()) kv = it->second;
      Status st = walk.Feed(kv);
      if (!st.ok()) return st;
    }
    return InternalError("walk did not finish after 100 reads");
  }

  const std::vector<std::string>& read() const { return read_; }
  bool ReadAnyDirKey() const {
    for (const std::string& k : read_) {
      if (k.starts_with(schema::kDirPrefix)) return true;
    }
    return false;
  }

 private:
  std::map<std::string, KeyValue> kvs_;
  std::vector<std::string> read_;
  uint64_t revision_ = 0;
};

// Runs a judged walk of `comps` and returns its verdict.
Result<std::optional<Found>> Verdict(HandFedKeys& keys,
                                     std::vector<std::string> comps,
                                     VerdictInputs in) {
  CacheWalk walk(kRoot, std::move(comps), std::move(in));
  Status st = keys.Run(walk);
  if (!st.ok()) return st;
  return walk.TakeVerdict();
}

// The tree used by most tests: /a (dir 2) / b (dir 3) / c (file 4, 7 bytes),
// and /a/f (file 5) all synced at `synced`.
struct Tree {
  uint64_t rev_a = 0, rev_b = 0, rev_c = 0, rev_f = 0;
};
Tree PutTree(HandFedKeys& keys, int64_t synced) {
  Tree t;
  t.rev_a = keys.PutEntry(kRoot, "a", Dir(2, synced));
  t.rev_b = keys.PutEntry(2, "b", Dir(3, synced));
  t.rev_c = keys.PutEntry(3, "c", File(4, 7, synced));
  t.rev_f = keys.PutEntry(2, "f", File(5, 1, synced));
  return t;
}

// ---- IsFresh ---------------------------------------------------------------

TEST(CacheWalkTest, IsFreshBoundaries) {
  EXPECT_TRUE(IsFresh(kNow - 59 * kSecond, kMinute, kNow));
  EXPECT_FALSE(IsFresh(kNow - 60 * kSecond, kMinute, kNow)) << "exclusive";
  EXPECT_FALSE(IsFresh(kNow - 61 * kSecond, kMinute, kNow));
  EXPECT_TRUE(IsFresh(kNow, kMinute, kNow));
  EXPECT_FALSE(IsFresh(kNow, std::chrono::milliseconds(0), kNow)) << "always";
  EXPECT_TRUE(IsFresh(0, std::chrono::milliseconds(-1), kNow)) << "never";
}

// ---- phase 1: steps ---------------------------------------------------------

TEST(CacheWalkTest, NoVerdictInputsGivesStepsOnly) {
  HandFedKeys keys;
  Tree t = PutTree(keys, 0);  // ancient entries: irrelevant without a verdict
  CacheWalk walk(kRoot, {"a", "b", "c"}, std::nullopt);
  ASSERT_THAT(keys.Run(walk), IsOk());
  EXPECT_THAT(keys.read(), ElementsAre(DentKey(kRoot, "a"), DentKey(2, "b"),
                                       DentKey(3, "c")));
  EXPECT_EQ(walk.next_key(), nullptr);
  const std::vector<WalkStep>& steps = walk.steps();
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(steps[0].parent, kRoot);
  EXPECT_EQ(steps[1].parent, 2u);
  EXPECT_EQ(steps[2].parent, 3u);
  EXPECT_EQ(steps[0].mod_revision, t.rev_a);
  EXPECT_EQ(steps[2].mod_revision, t.rev_c);
  ASSERT_TRUE(steps[2].entry.has_value());
  EXPECT_EQ(*steps[2].entry, File(4, 7, 0));
  auto verdict = walk.TakeVerdict();
  ASSERT_THAT(verdict, IsOk());
  EXPECT_FALSE(verdict->has_value());
}

TEST(CacheWalkTest, FirstKeyIsTheRootEntryBeforeAnyFeed) {
  CacheWalk walk(kRoot, {"a", "b"}, std::nullopt);
  ASSERT_NE(walk.next_key(), nullptr);
  EXPECT_EQ(*walk.next_key(), DentKey(kRoot, "a"));
  ASSERT_THAT(walk.Feed(std::nullopt), IsOk());
  EXPECT_EQ(walk.next_key(), nullptr) << "absent: the walk stops";
}

TEST(CacheWalkTest, StopsAtAbsentEntry) {
  HandFedKeys keys;
  PutTree(keys, kNow);
  CacheWalk walk(kRoot, {"a", "x", "y", "z"}, std::nullopt);
  ASSERT_THAT(keys.Run(walk), IsOk());
  EXPECT_THAT(keys.read(), ElementsAre(DentKey(kRoot, "a"), DentKey(2, "x")));
  ASSERT_EQ(walk.steps().size(), 2u);
  EXPECT_FALSE(walk.steps()[1].entry.has_value());
  EXPECT_EQ(walk.steps()[1].mod_revision, 0u);
  EXPECT_EQ(walk.steps()[1].parent, 2u);
  EXPECT_EQ(walk.steps()[1].key, DentKey(2, "x"));
}

TEST(CacheWalkTest, StopsAtAFile) {
  HandFedKeys keys;
  PutTree(keys, kNow);
  CacheWalk walk(kRoot, {"a", "f", "below"}, std::nullopt);
  ASSERT_THAT(keys.Run(walk), IsOk());
  EXPECT_THAT(keys.read(), ElementsAre(DentKey(kRoot, "a"), DentKey(2, "f")));
  ASSERT_EQ(walk.steps().size(), 2u);
  ASSERT_TRUE(walk.steps()[1].entry.has_value());
  EXPECT_FALSE(walk.steps()[1].entry->dir);
}

TEST(CacheWalkTest, NoComponentsReadsNothing) {
  CacheWalk plain(kRoot, {}, std::nullopt);
  EXPECT_EQ(plain.next_key(), nullptr);
  EXPECT_TRUE(plain.steps().empty());
  CacheWalk judged(kRoot, {}, Judged(kMinute, "/"));
  EXPECT_EQ(judged.next_key(), nullptr);
  auto verdict = judged.TakeVerdict();
  ASSERT_THAT(verdict, IsOk());
  EXPECT_FALSE(verdict->has_value());
}

// ---- phase 2: verdicts ------------------------------------------------------

TEST(CacheWalkTest, FreshEntriesAreFound) {
  HandFedKeys keys;
  Tree t = PutTree(keys, kNow - kSecond);
  auto found = Verdict(keys, {"a", "b", "c"}, Judged(kMinute, "/a/b/c"));
  ASSERT_THAT(found, IsOk());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->entry, File(4, 7, kNow - kSecond));
  EXPECT_EQ((*found)->parent, 3u);
  EXPECT_EQ((*found)->key, DentKey(3, "c"));
  EXPECT_EQ((*found)->mod_revision, t.rev_c);
  EXPECT_FALSE(keys.ReadAnyDirKey()) << "fresh entries need no listing";
}

TEST(CacheWalkTest, FreshDirectoryIsFound) {
  HandFedKeys keys;
  Tree t = PutTree(keys, kNow - kSecond);
  auto found = Verdict(keys, {"a", "b"}, Judged(kMinute, "/a/b"));
  ASSERT_THAT(found, IsOk());
  ASSERT_TRUE(found->has_value());
  EXPECT_TRUE((*found)->entry.dir);
  EXPECT_EQ((*found)->entry.ino, 3u);
  EXPECT_EQ((*found)->parent, 2u);
  EXPECT_EQ((*found)->key, DentKey(2, "b"));
  EXPECT_EQ((*found)->mod_revision, t.rev_b);
}

TEST(CacheWalkTest, StaleEntryWithFreshListingIsFound) {
  HandFedKeys keys;
  const int64_t stale = kNow - 120 * kSecond;
  keys.PutEntry(kRoot, "a", Dir(2, kNow));
  keys.PutEntry(2, "b", Dir(3, stale));
  const uint64_t rev_c = keys.PutEntry(3, "c", File(4, 7, kNow));
  keys.PutListed(2, kNow - kSecond);  // vouches for b
  keys.PutListed(3, stale);           // not needed: c is fresh
  auto found = Verdict(keys, {"a", "b", "c"}, Judged(kMinute, "/a/b/c"));
  ASSERT_THAT(found, IsOk());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->entry.ino, 4u);
  EXPECT_EQ((*found)->mod_revision, rev_c);
  EXPECT_THAT(keys.read(), ElementsAre(DentKey(kRoot, "a"), DentKey(2, "b"),
                                       DentKey(3, "c"), DirKey(2)));
}

TEST(CacheWalkTest, AllStaleEntriesVouchedByFreshListings) {
  HandFedKeys keys;
  PutTree(keys, 0);
  for (uint64_t ino : {kRoot, uint64_t{2}, uint64_t{3}}) {
    keys.PutListed(ino, kNow - kSecond);
  }
  auto found = Verdict(keys, {"a", "b", "c"}, Judged(kMinute, "/a/b/c"));
  ASSERT_THAT(found, IsOk());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->entry.ino, 4u);
  EXPECT_EQ((*found)->entry.synced_ns, 0) << "the entry as stored";
  EXPECT_THAT(keys.read(),
              ElementsAre(DentKey(kRoot, "a"), DentKey(2, "b"), DentKey(3, "c"),
                          DirKey(kRoot), DirKey(2), DirKey(3)));
}

TEST(CacheWalkTest, StaleEntryWithoutFreshListingAsksTheBackend) {
  for (int variant = 0; variant < 3; ++variant) {
    HandFedKeys keys;
    PutTree(keys, kNow - kSecond);
    keys.PutEntry(3, "c", File(4, 7, kNow - 61 * kSecond));
    if (variant == 1) keys.PutListed(3, kNow - 61 * kSecond);  // stale
    if (variant == 2) keys.PutListed(3, 0);  // generation only, never listed
    auto verdict = Verdict(keys, {"a", "b", "c"}, Judged(kMinute, "/a/b/c"));
    ASSERT_THAT(verdict, IsOk()) << variant;
    EXPECT_FALSE(verdict->has_value()) << variant;
    EXPECT_EQ(keys.read().back(), DirKey(3)) << variant;
  }
}

TEST(CacheWalkTest, AbsentEntryWithFreshListingIsNotFound) {
  HandFedKeys keys;
  PutTree(keys, kNow - kSecond);
  keys.PutListed(3, kNow - kSecond);
  auto verdict =
      Verdict(keys, {"a", "b", "missing"}, Judged(kMinute, "/m/a/b/missing"));
  EXPECT_THAT(verdict, StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(verdict.status().ToString(), HasSubstr("/m/a/b/missing"));
  // An absent directory on the way: its parent's listing decides too.
  keys.PutListed(2, kNow - kSecond);
  verdict =
      Verdict(keys, {"a", "gone", "x", "y"}, Judged(kMinute, "/a/gone/x/y"));
  EXPECT_THAT(verdict, StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(verdict.status().ToString(), HasSubstr("/a/gone/x/y"));
}

TEST(CacheWalkTest, AbsentEntryWithoutFreshListingAsksTheBackend) {
  HandFedKeys keys;
  PutTree(keys, kNow - kSecond);
  auto verdict = Verdict(keys, {"a", "b", "missing"}, Judged(kMinute, "/x"));
  ASSERT_THAT(verdict, IsOk());
  EXPECT_FALSE(verdict->has_value()) << "no dir/ record";
  keys.PutListed(3, kNow - 2 * kMinute.count() * 1'000'000);
  verdict = Verdict(keys, {"a", "b", "missing"}, Judged(kMinute, "/x"));
  ASSERT_THAT(verdict, IsOk());
  EXPECT_FALSE(verdict->has_value()) << "stale dir/ record";
}

TEST(CacheWalkTest, FileInTheMiddleIsNotFound) {
  HandFedKeys keys;
  PutTree(keys, kNow - kSecond);
  auto verdict =
      Verdict(keys, {"a", "f", "below"}, Judged(kMinute, "/a/f/below"));
  EXPECT_THAT(verdict, StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(verdict.status().ToString(), HasSubstr("/a/f/below"));
  EXPECT_FALSE(keys.ReadAnyDirKey());
  // A stale file vouched for by its parent's listing: the same answer.
  HandFedKeys stale;
  PutTree(stale, kNow - kSecond);
  stale.PutEntry(2, "f", File(5, 1, 0));
  stale.PutListed(2, kNow - kSecond);
  verdict = Verdict(stale, {"a", "f", "below"}, Judged(kMinute, "/a/f/below"));
  EXPECT_THAT(verdict, StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(verdict.status().ToString(), HasSubstr("/a/f/below"));
}

TEST(CacheWalkTest, IntervalZeroNeverReadsListingsAndAsksTheBackend) {
  HandFedKeys keys;
  PutTree(keys, kNow);
  for (uint64_t ino : {kRoot, uint64_t{2}, uint64_t{3}}) {
    keys.PutListed(ino, kNow);
  }
  const std::chrono::milliseconds always(0);
  for (std::vector<std::string> comps :
       {std::vector<std::string>{"a", "b", "c"},
        std::vector<std::string>{"a", "b", "missing"},
        std::vector<std::string>{"a", "f", "below"}}) {
    auto verdict = Verdict(keys, comps, Judged(always, "/p"));
    ASSERT_THAT(verdict, IsOk()) << comps.back();
    EXPECT_FALSE(verdict->has_value()) << comps.back();
  }
  EXPECT_FALSE(keys.ReadAnyDirKey());
}

TEST(CacheWalkTest, NegativeIntervalTrustsEntriesForever) {
  HandFedKeys keys;
  Tree t = PutTree(keys, 1);  // synced in 1970
  const std::chrono::milliseconds never(-1);
  auto found = Verdict(keys, {"a", "b", "c"}, Judged(never, "/a/b/c"));
  ASSERT_THAT(found, IsOk());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->mod_revision, t.rev_c);
  EXPECT_FALSE(keys.ReadAnyDirKey());
  // Absent: only a directory that was listed once can deny it.
  auto unknown = Verdict(keys, {"a", "b", "missing"}, Judged(never, "/n"));
  ASSERT_THAT(unknown, IsOk());
  EXPECT_FALSE(unknown->has_value());
  keys.PutListed(3, 1);
  auto denied = Verdict(keys, {"a", "b", "missing"}, Judged(never, "/n"));
  EXPECT_THAT(denied, StatusIs(StatusCode::kNotFound));
}

TEST(CacheWalkTest, StaleEntryUnderRootZeroAsksTheBackend) {
  HandFedKeys keys;
  keys.PutEntry(0, "a", File(9, 1, 0));
  keys.PutListed(0, kNow);
  CacheWalk walk(0, {"a"}, Judged(kMinute, "/a"));
  ASSERT_THAT(keys.Run(walk), IsOk());
  auto verdict = walk.TakeVerdict();
  ASSERT_THAT(verdict, IsOk());
  EXPECT_FALSE(verdict->has_value());
  EXPECT_FALSE(keys.ReadAnyDirKey()) << "parent 0 has no listing";
}

// ---- corrupt records --------------------------------------------------------

// Values that `decodes` rejects (whatever the encoding), at least one.
template <typename Decode>
std::vector<std::string> CorruptValues(const std::string& valid,
                                       Decode decodes) {
  std::vector<std::string> candidates = {"",
                                         "{not json",
                                         "\xff\xfe\xfd garbage",
                                         "[]",
                                         valid.substr(0, valid.size() / 2),
                                         valid + "\xff\xff"};
  std::vector<std::string> corrupt;
  for (std::string& c : candidates) {
    if (!decodes("k", c).ok()) corrupt.push_back(std::move(c));
  }
  EXPECT_FALSE(corrupt.empty());
  return corrupt;
}

TEST(CacheWalkTest, CorruptEntryIsDataLossNamingTheKey) {
  const std::string valid = schema::EncodeEntry(File(4, 7, kNow));
  for (const std::string& bad : CorruptValues(valid, schema::DecodeEntry)) {
    HandFedKeys keys;
    PutTree(keys, kNow);
    keys.Put(DentKey(2, "b"), bad);
    CacheWalk walk(kRoot, {"a", "b", "c"}, Judged(kMinute, "/a/b/c"));
    Status st = keys.Run(walk);
    EXPECT_THAT(st, StatusIs(StatusCode::kDataLoss));
    EXPECT_THAT(st.ToString(), HasSubstr(DentKey(2, "b")));
    EXPECT_EQ(walk.next_key(), nullptr) << "the walk is over";
    EXPECT_EQ(keys.read().back(), DentKey(2, "b"));
    EXPECT_THAT(walk.TakeVerdict(), StatusIs(StatusCode::kDataLoss));
  }
}

TEST(CacheWalkTest, CorruptDirRecordIsDataLossNamingTheKey) {
  DirState listed;
  listed.listed_ns = kNow;
  const std::string valid = schema::EncodeDirState(listed);
  for (const std::string& bad : CorruptValues(valid, schema::DecodeDirState)) {
    HandFedKeys keys;
    PutTree(keys, 0);  // stale: the listing is read
    keys.Put(DirKey(kRoot), bad);
    CacheWalk walk(kRoot, {"a", "b"}, Judged(kMinute, "/a/b"));
    Status st = keys.Run(walk);
    EXPECT_THAT(st, StatusIs(StatusCode::kDataLoss));
    EXPECT_THAT(st.ToString(), HasSubstr(DirKey(kRoot)));
    EXPECT_EQ(walk.next_key(), nullptr);
    EXPECT_THAT(walk.TakeVerdict(), StatusIs(StatusCode::kDataLoss));
  }
}

}  // namespace
}  // namespace strata::vfs::testing
