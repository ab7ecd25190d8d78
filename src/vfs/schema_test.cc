// Metadata schema: key layout, record round trips, corrupt records, schema
// version and inode allocation.
#include "vfs/schema.h"

#include <set>
#include <string>
#include <vector>

#include "strata/core/when_all.h"
#include "vfs/namespace_test_util.h"

namespace strata::vfs::testing {
namespace {

using schema::DecodeDirState;
using schema::DecodeEntry;
using schema::DirState;
using schema::Entry;

TEST(NamespaceSchemaTest, KeysAreFixedWidthHex) {
  EXPECT_EQ(schema::DentKey(0x2a, "name"), "dent/000000000000002a/name");
  EXPECT_EQ(schema::DentPrefix(1), "dent/0000000000000001/");
  EXPECT_EQ(schema::DirKey(0xffffffffffffffffULL), "dir/ffffffffffffffff");
  // Byte order is numeric order.
  EXPECT_LT(schema::DentPrefix(9), schema::DentPrefix(10));
  EXPECT_LT(schema::DirKey(0xff), schema::DirKey(0x100));
}

TEST(NamespaceSchemaTest, EntryRoundTrips) {
  Entry e;
  e.ino = 42;
  e.dir = false;
  e.size = 4096;
  e.mtime_ns = 1790000000123456789;
  e.etag = "\"9b2cf535\"";
  e.synced_ns = 1790000000200000000;
  auto back = DecodeEntry("k", schema::EncodeEntry(e));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, e);
  e.dir = true;
  e.etag.clear();
  back = DecodeEntry("k", schema::EncodeEntry(e));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, e);
}

TEST(NamespaceSchemaTest, EntriesAreBinaryAndCompact) {
  Entry e;
  e.ino = 42;
  e.size = 4096;
  e.mtime_ns = -5;  // before the epoch: zigzag keeps it short
  e.etag = std::string("\xff\x00\x01", 3);  // opaque bytes, kept exactly
  e.synced_ns = 1790000000200000000;
  const std::string encoded = schema::EncodeEntry(e);
  EXPECT_EQ(encoded[0], '\x01');
  EXPECT_LT(encoded.size(), 24u);
  auto back = DecodeEntry("k", encoded);
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, e);
  e.ino = UINT64_MAX;
  e.size = UINT64_MAX;
  e.mtime_ns = INT64_MIN;
  e.synced_ns = INT64_MAX;
  back = DecodeEntry("k", schema::EncodeEntry(e));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, e);
}

TEST(NamespaceSchemaTest, CorruptBinaryRecordsAreDataLossNamingTheKey) {
  Entry e;
  e.ino = 300;
  e.etag = "abc";
  const std::string good = schema::EncodeEntry(e);
  std::vector<std::string> bad;
  for (size_t n = 1; n < good.size(); ++n) bad.push_back(good.substr(0, n));
  bad.push_back(good + "x");                      // trailing bytes
  bad.push_back(std::string("\x01\x00\x00", 3));  // truncated after flags
  std::string flags = good;
  flags[3] = '\x02';  // unknown flag bit
  bad.push_back(flags);
  bad.push_back("\x01" + std::string(10, '\xff') + "\x01");  // varint > 64 bits
  bad.push_back(
      std::string("\x01\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02", 11));
  std::string long_etag = good;
  long_etag[long_etag.size() - 4] = '\x7f';  // etag longer than the rest
  bad.push_back(long_etag);
  bad.push_back(schema::EncodeDirState(DirState()));  // the wrong record kind
  for (const std::string& value : bad) {
    auto got = DecodeEntry("dent/0000000000000001/x", value);
    EXPECT_THAT(got, StatusIs(StatusCode::kDataLoss))
        << ::testing::PrintToString(value);
    EXPECT_THAT(Message(got.status()), HasSubstr("dent/0000000000000001/x"));
  }
  const std::string dir = schema::EncodeDirState(DirState());
  for (const std::string& value :
       {dir.substr(0, 1), dir + "x", good, std::string("\x02\x80", 2)}) {
    EXPECT_THAT(DecodeDirState("dir/1", value), StatusIs(StatusCode::kDataLoss))
        << ::testing::PrintToString(value);
  }
}

TEST(NamespaceSchemaTest, BinaryEntryWithInodeZeroIsDataLoss) {
  // tag, ino 0, flags, size 0, mtime 0, synced 0, etag length 0
  auto e = DecodeEntry("dent/0000000000000001/z",
                       std::string("\x01\x00\x00\x00\x00\x00\x00", 7));
  EXPECT_THAT(e, StatusIs(StatusCode::kDataLoss));
  EXPECT_THAT(Message(e.status()), HasSubstr("ino 0"));
  Entry ok;
  ok.ino = 1;
  std::string one = schema::EncodeEntry(ok);
  EXPECT_EQ(one, std::string("\x01\x01\x00\x00\x00\x00\x00", 7));
  EXPECT_THAT(DecodeEntry("k", one), IsOk());
}

TEST(NamespaceSchemaTest, NonMinimalVarintsAreDataLoss) {
  // listed = 0 written as two bytes.
  EXPECT_THAT(DecodeDirState("dir/1", std::string("\x02\x80\x00", 3)),
              StatusIs(StatusCode::kDataLoss));
  // ino = 1 written as two bytes.
  EXPECT_THAT(
      DecodeEntry("k", std::string("\x01\x81\x00\x00\x00\x00\x00\x00", 8)),
      StatusIs(StatusCode::kDataLoss));
  // A zero varint is one zero byte, which is fine.
  EXPECT_THAT(DecodeDirState("dir/1", std::string("\x02\x00", 2)), IsOk());
}

TEST(NamespaceSchemaTest, EntryIgnoresUnknownFieldsAndDefaultsMissingOnes) {
  auto e = DecodeEntry("k", R"({"ino":7,"future":[1,2],"dir":true})");
  ASSERT_THAT(e, IsOk());
  EXPECT_EQ(e->ino, 7u);
  EXPECT_TRUE(e->dir);
  EXPECT_EQ(e->size, 0u);
  EXPECT_TRUE(e->etag.empty());
}

TEST(NamespaceSchemaTest, CorruptEntriesAreDataLossNamingTheKey) {
  for (const char* bad :
       {"", "{", "null", "[]", "42", R"({"dir":false})", R"({"ino":0})",
        R"({"ino":-1})", R"({"ino":1.5})", R"({"ino":"1"})",
        R"({"ino":1,"dir":"yes"})", R"({"ino":1,"size":-1})",
        R"({"ino":1,"mtime":"x"})", R"({"ino":1,"etag":5})",
        R"({"ino":1,"synced":18446744073709551615})", "\xff\xfe"}) {
    auto e = DecodeEntry("dent/0000000000000001/x", bad);
    EXPECT_THAT(e, StatusIs(StatusCode::kDataLoss)) << bad;
    EXPECT_THAT(Message(e.status()), HasSubstr("dent/0000000000000001/x"));
  }
}

TEST(NamespaceSchemaTest, DirStateRoundTripsAndRejectsGarbage) {
  DirState s;
  s.listed_ns = 123456789;
  auto back = DecodeDirState("dir/1", schema::EncodeDirState(s));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, s);
  EXPECT_THAT(DecodeDirState("dir/1", "{}"), IsOk());
  for (const char* bad : {"", "[]", R"({"listed":"soon"})", "{\"listed\":"}) {
    EXPECT_THAT(DecodeDirState("dir/1", bad), StatusIs(StatusCode::kDataLoss))
        << bad;
  }
}

TEST(NamespaceSchemaTest, EntryInfoConversions) {
  fs::FileInfo info;
  info.path = "/ignored";
  info.size = 9;
  info.mtime = schema::FromUnixNanos(1700000000000000123);
  info.etag = "e";
  Entry e = schema::InfoToEntry(info);
  EXPECT_EQ(e.size, 9u);
  EXPECT_EQ(e.mtime_ns, 1700000000000000123);
  fs::FileInfo again = schema::EntryToInfo(e, "/v");
  EXPECT_EQ(again.path, "/v");
  EXPECT_EQ(again.size, 9u);
  EXPECT_EQ(again.mtime, info.mtime);
  EXPECT_EQ(again.etag, "e");
  Entry other = e;
  EXPECT_TRUE(schema::SameObject(e, other));
  other.etag = "f";
  EXPECT_FALSE(schema::SameObject(e, other));
}

class NamespaceSchemaStoreTest : public NamespaceFixture {};

TEST_F(NamespaceSchemaStoreTest, VersionIsWrittenOnceAndNewerIsRefused) {
  ASSERT_THAT(Run(schema::EnsureSchemaVersion(store_)), IsOk());
  ASSERT_THAT(Run(schema::EnsureSchemaVersion(store_)), IsOk());
  auto kv = Run(store_->Get(std::string(schema::kVersionKey)));
  ASSERT_THAT(kv, IsOk());
  ASSERT_TRUE(kv->has_value());
  EXPECT_EQ((*kv)->value, R"({"version":2})");
  ASSERT_THAT(Run(store_->Put("meta/version", R"({"version":3})")), IsOk());
  EXPECT_THAT(Run(schema::EnsureSchemaVersion(store_)),
              StatusIs(StatusCode::kFailedPrecondition));
  NamespaceOptions options;
  options.root_uri = root_uri_;
  EXPECT_THAT(Run(Namespace::Create(store_, options)),
              StatusIs(StatusCode::kFailedPrecondition));
  ASSERT_THAT(Run(store_->Put("meta/version", "garbage")), IsOk());
  EXPECT_THAT(Run(schema::EnsureSchemaVersion(store_)),
              StatusIs(StatusCode::kDataLoss));
}

TEST_F(NamespaceSchemaStoreTest, VersionOneStoreIsReadAndUpgraded) {
  // A version-1 store: JSON entry and directory records.
  ASSERT_THAT(Run(store_->Put("meta/version", R"({"version":1})")), IsOk());
  ASSERT_THAT(Run(store_->Put(schema::DentKey(1, "old"),
                              R"({"ino":9,"dir":false,"size":3})")),
              IsOk());
  ASSERT_THAT(Run(schema::EnsureSchemaVersion(store_)), IsOk());
  auto kv = Run(store_->Get(std::string(schema::kVersionKey)));
  ASSERT_THAT(kv, IsOk());
  ASSERT_TRUE(kv->has_value());
  EXPECT_EQ((*kv)->value, R"({"version":2})");
  auto old = Run(store_->Get(schema::DentKey(1, "old")));
  ASSERT_THAT(old, IsOk());
  ASSERT_TRUE(old->has_value());
  auto e = DecodeEntry((*old)->key, (*old)->value);
  ASSERT_THAT(e, IsOk());
  EXPECT_EQ(e->ino, 9u);
  EXPECT_EQ(e->size, 3u);
}

Task<Result<std::vector<uint64_t>>> AllocateMany(schema::InodeAllocator* a,
                                                 int n) {
  std::vector<uint64_t> out;
  for (int i = 0; i < n; ++i) {
    auto ino = co_await a->Allocate();
    if (!ino.ok()) co_return ino.status();
    out.push_back(*ino);
  }
  co_return out;
}

TEST_F(NamespaceSchemaStoreTest, InodesAreUniqueAcrossAllocators) {
  schema::InodeAllocator a(store_);
  schema::InodeAllocator b(store_);
  std::vector<Task<Result<std::vector<uint64_t>>>> tasks;
  for (int i = 0; i < 4; ++i) {
    tasks.push_back(AllocateMany(i % 2 ? &a : &b, 150));
  }
  auto results = Run(WhenAll(std::move(tasks)));
  std::set<uint64_t> seen;
  for (const auto& r : results) {
    ASSERT_THAT(r, IsOk());
    for (uint64_t ino : *r) {
      EXPECT_NE(ino, 0u);
      EXPECT_TRUE(seen.insert(ino).second) << ino;
    }
  }
  EXPECT_EQ(seen.size(), 600u);
  // A restarted allocator continues after every reserved block.
  schema::InodeAllocator c(store_);
  auto next = Run(c.Allocate());
  ASSERT_THAT(next, IsOk());
  EXPECT_GT(*next, *seen.rbegin());
  ASSERT_THAT(Run(store_->Put("meta/next_ino", R"({"next":"many"})")), IsOk());
  schema::InodeAllocator d(store_);
  EXPECT_THAT(Run(d.Allocate()), StatusIs(StatusCode::kDataLoss));
}

Task<Result<uint64_t>> AllocateOne(schema::InodeAllocator* a) {
  co_return co_await a->Allocate();
}

TEST_F(NamespaceSchemaStoreTest, ConcurrentAllocationsReserveOneBlock) {
  auto knobs = std::make_shared<KnobMetaStore>(store_);
  knobs->suspend_gets = true;  // every reservation waits in its Get
  schema::InodeAllocator a(knobs);
  std::vector<Task<Result<uint64_t>>> tasks;
  for (size_t i = 0; i < schema::kInoBlock; ++i) {
    tasks.push_back(AllocateOne(&a));
  }
  std::set<uint64_t> seen;
  for (const auto& r : Run(WhenAll(std::move(tasks)))) {
    ASSERT_THAT(r, IsOk());
    EXPECT_TRUE(seen.insert(*r).second) << *r;
  }
  EXPECT_EQ(seen.size(), schema::kInoBlock);
  auto next = Run(store_->Get(std::string(schema::kNextInoKey)));
  ASSERT_THAT(next, IsOk());
  ASSERT_TRUE(next->has_value());
  EXPECT_EQ((*next)->value,
            "{\"next\":" +
                std::to_string(schema::kFirstIno + schema::kInoBlock) + "}");
}

}  // namespace
}  // namespace strata::vfs::testing
