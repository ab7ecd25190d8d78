// RocksDB MetaStore specifics: persistence across reopen, exclusive
// opening, refusing foreign databases and non-directories, and corruption
// reported as kDataLoss rather than a crash. Also the value codec.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <rocksdb/options.h>

#include <fstream>
#include <memory>
#include <string>

#include "vfs/meta_store_test_util.h"
#include "vfs/rocksdb_meta_store_codec.h"

namespace strata::vfs::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

namespace codec = rocksdb_codec;

class RocksDbMetaStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    path_ = dir_.path() + "/meta";
    auto rt = runtime::Runtime::Create();
    ASSERT_THAT(rt, IsOk());
    rt_ = std::move(rt).value();
  }

  Result<std::shared_ptr<MetaStore>> Open(
      RocksDbMetaStoreOptions options = RocksDbMetaStoreOptions()) {
    return OpenRocksDbMetaStore(path_, options);
  }
  StoreDriver Driver(const std::shared_ptr<MetaStore>& store) {
    return StoreDriver(rt_.get(), store.get());
  }

  // Writes raw RocksDB keys, bypassing the store (which must be closed).
  void WriteRaw(const std::string& path, const std::string& key,
                const std::string& value) {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, path, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), key, value).ok());
    ASSERT_TRUE(db->Close().ok());
  }

  ScratchDir dir_;
  std::string path_;
  std::unique_ptr<runtime::Runtime> rt_;
};

TEST_F(RocksDbMetaStoreTest, ValuesAndRevisionsSurviveReopen) {
  {
    auto store = Open();
    ASSERT_THAT(store, IsOk());
    StoreDriver db = Driver(*store);
    ASSERT_THAT(db.Put("a", "1"), IsOk());
    ASSERT_THAT(db.Put("b", "2"), IsOk());
    ASSERT_THAT(db.Delete("a"), IsOk());
    ASSERT_THAT(db.Put("c", "3"), IsOk());
  }
  auto store = Open();
  ASSERT_THAT(store, IsOk());
  StoreDriver db = Driver(*store);
  EXPECT_EQ(db.Revision().value_or(0), 4u);
  EXPECT_EQ(db.ValueOf("a"), "<absent>");
  EXPECT_EQ(db.ValueOf("b"), "2");
  EXPECT_EQ(db.Get("b").value()->mod_revision, 2u);
  EXPECT_EQ(db.Get("c").value()->mod_revision, 4u);
  // Revisions continue from where they were.
  EXPECT_EQ(db.Put("d", "4").value_or(0), 5u);
  EXPECT_THAT(KeysOf(db.Scan("").value()), ElementsAre("b", "c", "d"));
}

TEST_F(RocksDbMetaStoreTest, SyncWritesAndNoBlockCacheWork) {
  RocksDbMetaStoreOptions options;
  options.sync_writes = true;
  options.block_cache_bytes = 0;
  {
    auto store = Open(options);
    ASSERT_THAT(store, IsOk());
    ASSERT_THAT(Driver(*store).Put("k", "v"), IsOk());
  }
  auto store = Open(options);
  ASSERT_THAT(store, IsOk());
  EXPECT_EQ(Driver(*store).ValueOf("k"), "v");
}

TEST_F(RocksDbMetaStoreTest, CreatesMissingParentDirectories) {
  path_ = dir_.path() + "/deep/er/meta";
  auto store = Open();
  ASSERT_THAT(store, IsOk());
  EXPECT_EQ((*store)->name(), "rocksdb");
  EXPECT_EQ(Driver(*store).Revision().value_or(99), 0u);
}

TEST_F(RocksDbMetaStoreTest, SecondOpenWhileOpenIsUnavailable) {
  auto opened = Open();
  ASSERT_THAT(opened, IsOk());
  std::shared_ptr<MetaStore> first = std::move(opened).value();
  auto second = Open();
  ASSERT_THAT(second, StatusIs(StatusCode::kUnavailable));
  EXPECT_THAT(std::string(second.status().message()), HasSubstr(path_));
  EXPECT_THAT(std::string(second.status().message()),
              HasSubstr("held by another process"));
  // The first store still works, and once closed the path opens again.
  ASSERT_THAT(Driver(first).Put("k", "v"), IsOk());
  first.reset();
  auto third = Open();
  ASSERT_THAT(third, IsOk());
  EXPECT_EQ(Driver(*third).ValueOf("k"), "v");
}

TEST_F(RocksDbMetaStoreTest, ForeignRocksDbIsInvalidArgument) {
  WriteRaw(path_, "hello", "world");
  auto store = Open();
  ASSERT_THAT(store, StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(store.status().message()), HasSubstr(path_));
  EXPECT_THAT(std::string(store.status().message()),
              HasSubstr("not a strata metadata store"));
}

TEST_F(RocksDbMetaStoreTest, UnknownFormatMarkerIsInvalidArgument) {
  WriteRaw(path_, std::string(codec::kFormatKey), "strata-meta-store 99");
  auto store = Open();
  ASSERT_THAT(store, StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(store.status().message()), HasSubstr(path_));
}

TEST_F(RocksDbMetaStoreTest, RegularFileIsRefusedByName) {
  path_ = dir_.path() + "/a-file";
  std::ofstream(path_) << "not a database";
  auto store = Open();
  ASSERT_THAT(store, StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(store.status().message()), HasSubstr(path_));
  EXPECT_THAT(std::string(store.status().message()),
              HasSubstr("not a directory"));
}

TEST_F(RocksDbMetaStoreTest, EmptyPathIsInvalidArgument) {
  path_ = "";
  EXPECT_THAT(Open(), StatusIs(StatusCode::kInvalidArgument));
}

TEST_F(RocksDbMetaStoreTest, ShortStoredValueIsDataLossNotACrash) {
  {
    auto store = Open();
    ASSERT_THAT(store, IsOk());
    ASSERT_THAT(Driver(*store).Put("good", "v"), IsOk());
  }
  WriteRaw(path_, codec::DataKey("bad"), "abc");  // < 8-byte header
  auto store = Open();
  ASSERT_THAT(store, IsOk());
  StoreDriver db = Driver(*store);
  auto got = db.Get("bad");
  ASSERT_THAT(got, StatusIs(StatusCode::kDataLoss));
  EXPECT_THAT(std::string(got.status().message()), HasSubstr("'bad'"));
  EXPECT_THAT(db.Scan(""), StatusIs(StatusCode::kDataLoss));
  Txn txn;
  TxnCompare c;
  c.key = "bad";
  txn.compares.push_back(c);
  txn.ops.push_back(TxnOp::Put("other", "v"));
  EXPECT_THAT(db.Commit(txn), StatusIs(StatusCode::kDataLoss));
  EXPECT_EQ(db.ValueOf("other"), "<absent>");
  // Healthy keys still read, and the bad one can be overwritten.
  EXPECT_EQ(db.ValueOf("good"), "v");
  ASSERT_THAT(db.Put("bad", "fixed"), IsOk());
  EXPECT_EQ(db.ValueOf("bad"), "fixed");
}

TEST_F(RocksDbMetaStoreTest, CorruptRevisionIsDataLossAtOpen) {
  { ASSERT_THAT(Open(), IsOk()); }
  WriteRaw(path_, std::string(codec::kRevisionKey), "xyz");
  auto store = Open();
  ASSERT_THAT(store, StatusIs(StatusCode::kDataLoss));
  EXPECT_THAT(std::string(store.status().message()), HasSubstr(path_));
}

TEST_F(RocksDbMetaStoreTest, UserKeysCannotCollideWithReservedKeys) {
  {
    auto store = Open();
    ASSERT_THAT(store, IsOk());
    StoreDriver db = Driver(*store);
    ASSERT_THAT(db.Put("r", "user r"), IsOk());
    ASSERT_THAT(db.Put("v", "user v"), IsOk());
    EXPECT_THAT(KeysOf(db.Scan("").value()), ElementsAre("r", "v"));
  }
  auto again = Open();
  ASSERT_THAT(again, IsOk());
  StoreDriver db2 = Driver(*again);
  EXPECT_EQ(db2.Revision().value_or(0), 2u);
  EXPECT_EQ(db2.ValueOf("v"), "user v");
}

TEST(RocksDbMetaStoreCodecTest, RevisionRoundTripsLittleEndian) {
  const std::string enc = codec::EncodeRevision(0x0102030405060708ull);
  ASSERT_EQ(enc.size(), 8u);
  EXPECT_EQ(enc[0], '\x08');
  EXPECT_EQ(enc[7], '\x01');
  EXPECT_EQ(codec::DecodeRevision(enc, "x").value_or(0), 0x0102030405060708ull);
  const uint64_t max = ~uint64_t{0};
  EXPECT_EQ(codec::DecodeRevision(codec::EncodeRevision(max), "x").value_or(0),
            max);
  EXPECT_THAT(codec::DecodeRevision("1234567", "what"),
              StatusIs(StatusCode::kDataLoss));
  EXPECT_THAT(codec::DecodeRevision("123456789", "what"),
              StatusIs(StatusCode::kDataLoss));
}

TEST(RocksDbMetaStoreCodecTest, ValueRoundTripsAndShortValuesFail) {
  auto kv = codec::DecodeValue("key", codec::EncodeValue(42, "payload"));
  ASSERT_THAT(kv, IsOk());
  EXPECT_EQ(kv->key, "key");
  EXPECT_EQ(kv->value, "payload");
  EXPECT_EQ(kv->mod_revision, 42u);
  auto empty = codec::DecodeValue("k", codec::EncodeValue(7, ""));
  ASSERT_THAT(empty, IsOk());
  EXPECT_EQ(empty->value, "");
  for (size_t n = 0; n < 8; ++n) {
    auto bad = codec::DecodeValue("some/key", std::string(n, 'x'));
    ASSERT_THAT(bad, StatusIs(StatusCode::kDataLoss)) << n;
    EXPECT_THAT(std::string(bad.status().message()), HasSubstr("'some/key'"));
  }
  EXPECT_EQ(codec::DataKey("abc"), "kabc");
}

}  // namespace
}  // namespace strata::vfs::testing
