// MountTable: persistence in the MetaStore (reload, ids, corrupt records),
// secrets, the default opener's query parameters, and concurrent mounts.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "strata/core/when_all.h"
#include "strata/vfs/mount_table.h"
#include "vfs/mount_record.h"
#include "vfs/mount_table_test_util.h"

namespace strata::vfs {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::MountTableFixture;
using ::testing::Pair;
using testing::StatusIs;

class MountTableStoreTest : public MountTableFixture {
 protected:
  // A fresh bucket on the opener's fake object store: mem:// and file://
  // refuse backend options, so mounts that carry some go there.
  static std::string Bucket() {
    return "s3://" + testing::UniqueName("mtbucket") + "/p";
  }
  testing::CountingOpener opener_;
};

TEST_F(MountTableStoreTest, ReopeningKeepsEveryMount) {
  OpenOrDie(opener_.AsOpener());
  MountOptions options;
  options.shared = true;
  options.sync_interval = std::chrono::seconds(30);
  options.backend["region"] = "eu-west-1";
  ASSERT_TRUE(Mount("/data", Bucket(), options).ok());
  ASSERT_TRUE(Mount("/data/raw", MemDir()).ok());
  std::vector<MountPoint> before = table_->List();
  table_.reset();

  root_uri_ = MemDir();  // a stored root wins over a new root_uri
  OpenOrDie(opener_.AsOpener());
  std::vector<MountPoint> after = table_->List();
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i].path, before[i].path);
    EXPECT_EQ(after[i].uri, before[i].uri);
    EXPECT_EQ(after[i].id, before[i].id);
    EXPECT_EQ(after[i].root_ino, before[i].root_ino);
    EXPECT_EQ(after[i].options.ToPairs(), before[i].options.ToPairs());
  }
  EXPECT_TRUE(after[1].options.shared);
  EXPECT_EQ(after[1].options.sync_interval, std::chrono::seconds(30));
  EXPECT_EQ(table_->Resolve("/data/raw/f")->mount->path, "/data/raw");
}

TEST_F(MountTableStoreTest, IdsAreNeverReused) {
  OpenOrDie();
  auto a = Mount("/a", MemDir());
  auto b = Mount("/b", MemDir());
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(Unmount("/b").ok());
  auto c = Mount("/c", MemDir());
  ASSERT_TRUE(c.ok());
  EXPECT_GT(c->id, b->id);
  table_.reset();
  OpenOrDie();
  EXPECT_THAT(MountPaths(), ElementsAre("/", "/a", "/c"));
  ASSERT_TRUE(Unmount("/c").ok());
  auto d = Mount("/b", MemDir());
  ASSERT_TRUE(d.ok());
  EXPECT_GT(d->id, c->id);
}

TEST_F(MountTableStoreTest, UnmountIsPersisted) {
  OpenOrDie();
  ASSERT_TRUE(Mount("/a", MemDir()).ok());
  ASSERT_TRUE(Unmount("/a").ok());
  table_.reset();
  OpenOrDie();
  EXPECT_THAT(MountPaths(), ElementsAre("/"));
  auto kv = rt_->BlockOn(store_->Get(mount_record::Key("/a")));
  ASSERT_TRUE(kv.ok());
  EXPECT_FALSE(kv->has_value());
}

TEST_F(MountTableStoreTest, TheRecordFollowsTheDocumentedFormat) {
  OpenOrDie(opener_.AsOpener());
  MountOptions options;
  options.backend["secret_access_key"] = "s3cr3t";
  options.sync_interval = kSyncNever;
  ASSERT_TRUE(Mount("/data", Bucket(), options).ok());
  auto kv = rt_->BlockOn(store_->Get("mount//data"));
  ASSERT_TRUE(kv.ok() && kv->has_value());
  const std::string& json = (*kv)->value;
  for (const char* field :
       {"\"id\":2", "\"path\":\"/data\"", "\"uri\":\"s3://",
        "\"secret_access_key\":\"s3cr3t\"", "\"readonly\":false",
        "\"shared\":false", "\"sync_interval_ms\":-1", "\"root_ino\":101",
        "\"created_unix_nanos\":"}) {
    EXPECT_THAT(json, HasSubstr(field));
  }
}

TEST_F(MountTableStoreTest, CorruptRecordsAreDataLoss) {
  for (
      const std::string& bad :
      {std::string("not json"), std::string("[1,2]"), std::string("{}"),
       std::string(R"({"id":2,"path":"/other","uri":"mem://x/","root_ino":5})"),
       std::string(R"({"id":"2","path":"/x","uri":"mem://x/","root_ino":5})"),
       std::string(R"({"id":2,"path":"/x","uri":"mem://x/","root_ino":-5})"),
       std::string(R"({"id":2,"path":"/x","uri":"","root_ino":5})"),
       std::string(
           R"({"id":2,"path":"/x","uri":"mem://x/","root_ino":5,"readonly":1})"),
       std::string(
           R"({"id":2,"path":"/x","uri":"mem://x/","root_ino":5,"options":{"a":1}})"),
       std::string(
           R"({"id":2,"path":"/x","uri":"mem://x/","root_ino":5,"sync_interval_ms":-2})"),
       std::string(
           R"({"id":2,"path":"/x","uri":"mem://x/","root_ino":5,"sync_interval_ms":1.5})"),
       std::string("{\"id\":2,\"path\":\"/x\"")}) {
    store_ = NewMemoryMetaStore();
    ASSERT_TRUE(rt_->BlockOn(store_->Put("mount//x", bad)).ok());
    auto table = OpenTable();
    EXPECT_THAT(table.status(), StatusIs(StatusCode::kDataLoss, "'mount//x'"))
        << bad;
  }
}

TEST_F(MountTableStoreTest, AValidHandWrittenRecordLoads) {
  std::string dir = MemDir();
  ASSERT_TRUE(rt_->BlockOn(store_->Put("mount//x",
                                       R"({"id":7,"path":"/x","uri":")" + dir +
                                           R"(","root_ino":5,"future":1})"))
                  .ok());
  OpenOrDie();
  EXPECT_THAT(MountPaths(), ElementsAre("/", "/x"));
  auto next = Mount("/y", MemDir());
  ASSERT_TRUE(next.ok());
  EXPECT_GT(next->id, 7u);  // above every stored id
}

TEST_F(MountTableStoreTest, ACorruptIdCounterIsDataLoss) {
  OpenOrDie();
  ASSERT_TRUE(
      rt_->BlockOn(store_->Put(std::string(mount_record::kNextIdKey), "{}"))
          .ok());
  EXPECT_THAT(Mount("/a", MemDir()).status(),
              StatusIs(StatusCode::kDataLoss, "meta/next_mount_id"));
}

TEST_F(MountTableStoreTest, ListShowsSecretsOnlyThroughToPairs) {
  OpenOrDie(opener_.AsOpener());
  auto parsed = MountOptions::Parse({{"secret_access_key", "abc/+="},
                                     {"account_key", "k"},
                                     {"sas_token", "sv=1&sig=2"},
                                     {"region", "us-east-1"},
                                     {"endpoint", "http://127.0.0.1:1"}});
  ASSERT_TRUE(parsed.ok());
  ASSERT_TRUE(Mount("/s", Bucket(), *parsed).ok());
  MountPoint m = table_->List()[1];
  EXPECT_THAT(
      m.options.Redacted(),
      ElementsAre(Pair("account_key", "<redacted>"),
                  Pair("endpoint", "http://127.0.0.1:1"),
                  Pair("region", "us-east-1"), Pair("sas_token", "<redacted>"),
                  Pair("secret_access_key", "<redacted>")));
  EXPECT_EQ(m.options.backend.at("secret_access_key"), "abc/+=");
}

TEST_F(MountTableStoreTest, TheRootDirectoryIsCreatedForFileRoots) {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / testing::UniqueName("mtfile");
  root_uri_ = "file://" + (dir / "root").string();
  OpenOrDie();
  EXPECT_TRUE(std::filesystem::is_directory(dir / "root"));
  std::filesystem::create_directories(dir / "data");
  std::ofstream(dir / "plain") << "x";
  EXPECT_TRUE(Mount("/d", "file://" + (dir / "data").string()).ok());
  EXPECT_THAT(Mount("/e", "file://" + (dir / "missing").string()).status(),
              StatusIs(StatusCode::kNotFound, (dir / "missing").string()));
  EXPECT_THAT(Mount("/f", "file://" + (dir / "plain").string()).status(),
              StatusIs(StatusCode::kFailedPrecondition, "names a file"));
  EXPECT_THAT(Mount("/g", "file://" + (dir / "root" / "in").string()).status(),
              StatusIs(StatusCode::kFailedPrecondition, "mounted at /"));
  auto r = table_->Resolve("/d/x");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->backend_path, (dir / "data" / "x").string());
  table_.reset();
  std::filesystem::remove_all(dir);
}

// Options reach a registered scheme as URI query parameters, secrets with
// '/', '+', '=' intact.
std::mutex seen_mu;
std::vector<fs::Uri> seen_uris;

Result<std::shared_ptr<fs::FileSystem>> RecordingFactory(const fs::Uri& uri) {
  for (const auto& [name, value] : uri.query) {
    if (name == "bogus") {
      return InvalidArgumentError("unknown query parameter '" + name + "'");
    }
  }
  std::lock_guard lock(seen_mu);
  seen_uris.push_back(uri);
  return std::shared_ptr<fs::FileSystem>(
      fs::MemoryFileSystem::Named("mtrecording-" + uri.authority));
}

TEST_F(MountTableStoreTest, DefaultOpenerPassesOptionsAsQuery) {
  Status reg = fs::RegisterScheme("mtrecord", &RecordingFactory);
  ASSERT_TRUE(reg.ok() || reg.code() == StatusCode::kAlreadyExists);
  OpenOrDie();
  MountOptions options;
  options.backend["secret_access_key"] = "a/b+c=d&e";
  options.backend["region"] = "r1";
  options.readonly = true;
  ASSERT_TRUE(Mount("/x", "mtrecord://auth1/?region=r0", options).ok());
  {
    std::lock_guard lock(seen_mu);
    ASSERT_FALSE(seen_uris.empty());
    EXPECT_THAT(seen_uris.back().query,
                ElementsAre(Pair("region", "r1"),
                            Pair("secret_access_key", "a/b+c=d&e")));
  }
  MountOptions bad;
  bad.backend["bogus"] = "1";
  EXPECT_THAT(Mount("/y", "mtrecord://auth2/", bad).status(),
              StatusIs(StatusCode::kInvalidArgument, "bogus"));
}

Task<Status> MountStatus(MountTable* table, std::string path, std::string uri) {
  MountOptions options;
  Result<MountPoint> r = co_await table->Mount(path, uri, options);
  co_return r.status();
}

Task<std::vector<Status>> MountMany(std::vector<MountTable*> tables,
                                    std::string path, std::string uri,
                                    int per_table) {
  std::vector<Task<Status>> tasks;
  for (MountTable* table : tables) {
    for (int i = 0; i < per_table; ++i) {
      tasks.push_back(MountStatus(table, path, uri));
    }
  }
  co_return co_await WhenAll(std::move(tasks));
}

TEST_F(MountTableStoreTest, ConcurrentMountsOfOnePathOneWins) {
  OpenOrDie();
  auto second = OpenTable();  // another table on the same store
  ASSERT_TRUE(second.ok());
  std::vector<MountTable*> tables = {table_.get(), second->get()};
  std::vector<Status> results =
      rt_->BlockOn(MountMany(tables, "/same", MemDir(), 16));
  int ok = 0;
  for (const Status& st : results) {
    if (st.ok()) {
      ++ok;
    } else {
      EXPECT_EQ(st.code(), StatusCode::kAlreadyExists) << st.ToString();
    }
  }
  EXPECT_EQ(ok, 1);
  table_.reset();
  OpenOrDie();
  EXPECT_THAT(MountPaths(), ElementsAre("/", "/same"));
}

}  // namespace
}  // namespace strata::vfs
