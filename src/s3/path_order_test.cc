// Unit tests of PathOrderBuffer: hand-picked orderings around '/', the
// merging of duplicates, probing (Blocker/Resolve) and bounded memory for
// typical names. The brute-force comparison with the listing it replaced
// is in path_order_bruteforce_test.cc.
#include "s3/path_order.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace strata::s3 {
namespace {

ObjectInfo Obj(const std::string& key, uint64_t size = 0) {
  ObjectInfo o;
  o.key = key;
  o.size = size;
  o.etag = "e:" + key;
  return o;
}

// "path" for a file, "path/" for a directory.
std::vector<std::string> Names(const std::vector<fs::FileInfo>& infos) {
  std::vector<std::string> out;
  for (const fs::FileInfo& i : infos)
    out.push_back(i.path + (i.is_dir ? "/" : ""));
  return out;
}

// Feeds `keys` (rel keys or, ending in '/', common prefixes) as one page.
void FeedPage(PathOrderBuffer* b, const std::vector<std::string>& keys,
              bool recursive, bool prefixes_are_dirs = false) {
  for (const std::string& k : keys) {
    if (prefixes_are_dirs && !k.empty() && k.back() == '/') {
      b->AddPrefix(k);
    } else {
      b->AddObject(k, Obj(k), recursive);
    }
  }
  ASSERT_TRUE(b->EndPage());
}

TEST(PathOrderTest, DirectoryBeforeDashFileAcrossPages) {
  PathOrderBuffer b;
  std::vector<fs::FileInfo> out;
  FeedPage(&b, {"a", "b-x"}, false, true);
  b.Release(&out);
  EXPECT_EQ(Names(out), std::vector<std::string>({"a"}));  // b-x waits
  EXPECT_EQ(b.Blocker(), "b");
  FeedPage(&b, {"b/", "c"}, false, true);
  b.Release(&out);
  EXPECT_EQ(Names(out), std::vector<std::string>({"a", "b/", "b-x"}));
  b.Finish();
  b.Release(&out);
  EXPECT_EQ(Names(out), std::vector<std::string>({"a", "b/", "b-x", "c"}));
  EXPECT_EQ(b.size(), 0u);
}

TEST(PathOrderTest, NoWaitForDirectoriesShorterThanTheListedPrefix) {
  // Listing with prefix "a-": every key starts with "a-", so directory "a"
  // (keys "a/...") cannot come and nothing waits for it.
  PathOrderBuffer b(2);
  std::vector<fs::FileInfo> out;
  FeedPage(&b, {"a-1", "a-2"}, false, true);
  b.Release(&out);
  // "a-2" still waits for a directory "a-2" (keys "a-2/..." may follow).
  EXPECT_EQ(Names(out), std::vector<std::string>({"a-1"}));
  // Without the bound both would wait for "a".
  PathOrderBuffer unbounded;
  out.clear();
  FeedPage(&unbounded, {"a-1", "a-2"}, false, true);
  unbounded.Release(&out);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(unbounded.Blocker(), "a");
}

TEST(PathOrderTest, FileWaitsForDirectoryOfTheSameName) {
  PathOrderBuffer b;
  std::vector<fs::FileInfo> out;
  b.AddObject("d", Obj("d", 7), true);
  ASSERT_TRUE(b.EndPage());
  EXPECT_EQ(b.Release(&out), 0u);
  EXPECT_EQ(b.Blocker(), "d");
  b.AddObject("d/x", Obj("d/x", 3), true);
  ASSERT_TRUE(b.EndPage());
  b.Finish();
  b.Release(&out);
  ASSERT_EQ(Names(out), std::vector<std::string>({"d/", "d/x"}));
  // The directory keeps the file's metadata, as the collecting listing did.
  EXPECT_EQ(out[0].size, 7u);
}

TEST(PathOrderTest, RecursiveOrdersSlashBeforeDashAndDot) {
  PathOrderBuffer b;
  std::vector<fs::FileInfo> out;
  FeedPage(&b, {"a-c", "a.d"}, true);
  FeedPage(&b, {"a/b"}, true);
  b.Release(&out);
  // "a" < "a-c" < "a.d" < "a/b" as paths.
  EXPECT_EQ(Names(out), std::vector<std::string>({"a/", "a-c", "a.d"}));
  FeedPage(&b, {"a0"}, true);
  b.Finish();
  b.Release(&out);
  EXPECT_EQ(Names(out),
            std::vector<std::string>({"a/", "a-c", "a.d", "a/b", "a0"}));
}

TEST(PathOrderTest, MarkerAndImplicitDirectoryMerge) {
  PathOrderBuffer b;
  std::vector<fs::FileInfo> out;
  FeedPage(&b, {"", "d/", "d/x", "d/y/", "d/y/z"}, true);
  b.Finish();
  b.Release(&out);
  EXPECT_EQ(Names(out),
            std::vector<std::string>({"d/", "d/x", "d/y/", "d/y/z"}));
  EXPECT_TRUE(b.saw_any());
}

TEST(PathOrderTest, ParentSeenAgainAfterReleaseIsDropped) {
  PathOrderBuffer b;
  std::vector<fs::FileInfo> out;
  FeedPage(&b, {"a/b/c"}, true);
  b.Release(&out);
  EXPECT_EQ(Names(out), std::vector<std::string>({"a/", "a/b/"}));
  FeedPage(&b, {"a/b/d"}, true);
  b.Finish();
  b.Release(&out);
  EXPECT_EQ(Names(out),
            std::vector<std::string>({"a/", "a/b/", "a/b/c", "a/b/d"}));
}

TEST(PathOrderTest, OutOfOrderPageIsRejected) {
  PathOrderBuffer b;
  b.AddObject("m", Obj("m"), false);
  ASSERT_TRUE(b.EndPage());
  b.AddObject("n", Obj("n"), false);
  b.AddObject("a", Obj("a"), false);
  EXPECT_FALSE(b.EndPage());
  b.AddObject("m", Obj("m"), false);  // a key repeated across pages
  EXPECT_FALSE(b.EndPage());
  PathOrderBuffer c;  // within one page any order is accepted
  c.AddObject("n", Obj("n"), false);
  c.AddObject("a", Obj("a"), false);
  EXPECT_TRUE(c.EndPage());
}

TEST(PathOrderTest, EmptyPageChangesNothing) {
  PathOrderBuffer b;
  EXPECT_TRUE(b.EndPage());
  EXPECT_FALSE(b.saw_any());
  b.Finish();
  std::vector<fs::FileInfo> out;
  EXPECT_EQ(b.Release(&out), 0u);
}

std::string Name(const char* fmt, int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, fmt, i);
  return buf;
}

TEST(PathOrderTest, SharedStemWaitsUntilResolvedAbsent) {
  PathOrderBuffer b;
  std::vector<fs::FileInfo> out;
  for (int i = 0; i < 3000; ++i) {
    b.AddObject(Name("part-%05d", i), Obj("x"), false);
    if (i % 1000 == 999) {
      ASSERT_TRUE(b.EndPage());
    }
  }
  EXPECT_EQ(b.Release(&out), 0u);  // "part/..." might still come
  EXPECT_EQ(b.size(), 3000u);
  ASSERT_EQ(b.Blocker(), "part");
  b.Resolve("part", false);
  // The last waits for its own name: "part-02999/..." may follow.
  EXPECT_EQ(b.Release(&out), 2999u);
  EXPECT_EQ(b.Blocker(), "part-02999");
  EXPECT_EQ(out.front().path, "part-00000");
  b.Finish();
  EXPECT_EQ(b.Release(&out), 1u);
  EXPECT_EQ(out.back().path, "part-02999");
}

TEST(PathOrderTest, ResolvedPresentDirectoryIsListedOnce) {
  PathOrderBuffer b;
  std::vector<fs::FileInfo> out;
  FeedPage(&b, {"part-1", "part-2"}, false, true);
  ASSERT_EQ(b.Blocker(), "part");
  b.Resolve("part", true);
  b.Release(&out);
  EXPECT_EQ(Names(out), std::vector<std::string>({"part/", "part-1"}));
  FeedPage(&b, {"part/"}, false, true);  // the stream reaches it later
  b.Finish();
  b.Release(&out);
  EXPECT_EQ(Names(out),
            std::vector<std::string>({"part/", "part-1", "part-2"}));
}

TEST(PathOrderTest, ResolveMovesToTheNextCandidate) {
  PathOrderBuffer b;
  std::vector<fs::FileInfo> out;
  FeedPage(&b, {"a-b-c"}, false);
  ASSERT_EQ(b.Blocker(), "a");
  b.Resolve("a", false);
  ASSERT_EQ(b.Blocker(), "a-b");
  b.Resolve("a-b", false);
  ASSERT_EQ(b.Blocker(), "a-b-c");  // the file's own name
  b.Resolve("a-b-c", false);
  EXPECT_EQ(b.Blocker(), std::nullopt);
  EXPECT_EQ(b.Release(&out), 1u);
}

// S3 order: "f0000" < "f0000.d/x" < "f0000.txt" < "f0001"; path order puts
// "f0000.d" before "f0000.txt" and both wait only for "f0000/".
TEST(PathOrderTest, TypicalNamesStayBounded) {
  for (bool recursive : {false, true}) {
    PathOrderBuffer b;
    std::vector<fs::FileInfo> out;
    for (int i = 0; i < 10000; ++i) {
      std::vector<std::string> keys = {Name("f%04d", i)};
      if (i % 10 == 0) keys.push_back(Name("f%04d.d/", i));
      keys.push_back(Name("f%04d.txt", i));
      for (const std::string& k : keys) {
        if (k.back() == '/' && !recursive) {
          b.AddPrefix(k);
        } else {
          std::string key = k.back() == '/' ? k + "x" : k;
          b.AddObject(key, Obj(key), recursive);
        }
        ASSERT_TRUE(b.EndPage());  // one key per page: finest position
        b.Release(&out);
      }
    }
    b.Finish();
    b.Release(&out);
    EXPECT_LE(b.peak(), 5u) << "recursive=" << recursive;
    size_t want = 20000 + 1000 + (recursive ? 1000 : 0);
    ASSERT_EQ(out.size(), want);
    EXPECT_EQ(out[1].path, "f0000.d");
    EXPECT_TRUE(out[1].is_dir);
    for (size_t i = 1; i < out.size(); ++i) {
      ASSERT_LT(out[i - 1].path, out[i].path);
    }
  }
}

}  // namespace
}  // namespace strata::s3
