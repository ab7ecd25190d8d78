// Unit tests of S3FileSystem's pure parts: range coalescing, readahead
// windows and path mapping.
#include <gtest/gtest.h>

#include "s3/s3_fs_path.h"
#include "s3/s3_read_plan.h"

namespace strata::s3 {
namespace {

std::vector<MergedRange> Plan(std::vector<ByteRange> r, uint64_t size,
                              uint64_t gap, uint64_t max) {
  return PlanRanges(r, size, gap, max);
}

TEST(S3FsPlanTest, CoalescesNearbyRangesInOffsetOrder) {
  auto p = Plan({{100, 10}, {0, 10}, {15, 5}, {1000, 10}}, 2000, 90, 1 << 20);
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].offset, 0u);
  EXPECT_EQ(p[0].length, 110u);
  EXPECT_EQ(p[0].members, (std::vector<size_t>{1, 2, 0}));
  EXPECT_EQ(p[1].offset, 1000u);
  EXPECT_EQ(p[1].length, 10u);
  EXPECT_EQ(p[1].members, (std::vector<size_t>{3}));
}

TEST(S3FsPlanTest, GapZeroMergesOnlyTouchingOrOverlapping) {
  auto p = Plan({{0, 10}, {10, 10}, {21, 1}, {5, 30}}, 100, 0, 1 << 20);
  ASSERT_EQ(p.size(), 1u);  // [5,35) covers the gap at 20
  EXPECT_EQ(p[0].offset, 0u);
  EXPECT_EQ(p[0].length, 35u);
  p = Plan({{0, 10}, {11, 10}}, 100, 0, 1 << 20);
  EXPECT_EQ(p.size(), 2u);
}

TEST(S3FsPlanTest, MergedSizeIsBounded) {
  auto p = Plan({{0, 40}, {40, 40}, {80, 40}}, 1000, 10, 100);
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].length, 80u);
  EXPECT_EQ(p[1].offset, 80u);
  // A single range larger than the bound stays one request.
  p = Plan({{0, 500}}, 1000, 10, 100);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].length, 500u);
}

TEST(S3FsPlanTest, ClipsToObjectSizeAndDropsEmpty) {
  auto p = Plan({{90, 50}, {100, 5}, {200, 1}, {10, 0}}, 100, 0, 1 << 20);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].offset, 90u);
  EXPECT_EQ(p[0].length, 10u);
  EXPECT_TRUE(Plan({}, 100, 10, 100).empty());
}

TEST(S3FsPlanTest, MemberCountsFullBody) {
  std::vector<ByteRange> r = {{100, 10}, {0, 10}, {15, 5}, {1990, 50}};
  auto p = PlanRanges(r, 2000, 90, 1 << 20);
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(MemberCounts(p[0], r, 2000, p[0].length),
            (std::vector<uint64_t>{10, 5, 10}));
  EXPECT_EQ(MemberCounts(p[1], r, 2000, p[1].length),
            (std::vector<uint64_t>{10}));  // clipped at EOF
}

TEST(S3FsPlanTest, MemberCountsShortBodyCountsOnlyReceivedBytes) {
  std::vector<ByteRange> r = {{0, 10}, {15, 5}, {100, 10}};
  auto p = PlanRanges(r, 2000, 90, 1 << 20);
  ASSERT_EQ(p.size(), 1u);
  ASSERT_EQ(p[0].length, 110u);
  // 18 bytes arrived: all of the first, 3 of the second, none of the third.
  EXPECT_EQ(MemberCounts(p[0], r, 2000, 18), (std::vector<uint64_t>{10, 3, 0}));
  EXPECT_EQ(MemberCounts(p[0], r, 2000, 0), (std::vector<uint64_t>{0, 0, 0}));
  // More than asked for is capped at the merged length.
  EXPECT_EQ(MemberCounts(p[0], r, 2000, 500),
            (std::vector<uint64_t>{10, 5, 10}));
}

TEST(S3FsPlanTest, ReadaheadGrowsOnlyForSequentialReads) {
  ReadaheadPolicy r(256, 1024);
  ByteRange f = r.OnMiss(0, 10, 1 << 20);  // first read: no readahead
  EXPECT_EQ(f.length, 10u);
  f = r.OnMiss(10, 10, 1 << 20);
  EXPECT_EQ(f.offset, 10u);
  EXPECT_EQ(f.length, 256u);
  r.OnHit(20, 246);
  f = r.OnMiss(266, 10, 1 << 20);
  EXPECT_EQ(f.length, 512u);
  f = r.OnMiss(276, 10, 1 << 20);
  EXPECT_EQ(f.length, 1024u);
  f = r.OnMiss(286, 10, 1 << 20);
  EXPECT_EQ(f.length, 1024u) << "capped at max";
  f = r.OnMiss(5000, 10, 1 << 20);  // a jump resets
  EXPECT_EQ(f.length, 10u);
  EXPECT_EQ(r.window(), 0u);
  f = r.OnMiss(100, 10, 1 << 20);  // backwards: still random
  EXPECT_EQ(f.length, 10u);
}

TEST(S3FsPlanTest, ReadaheadClipsAtEof) {
  ReadaheadPolicy r(256, 1024);
  r.OnMiss(0, 10, 100);
  ByteRange f = r.OnMiss(10, 10, 100);
  EXPECT_EQ(f.length, 90u);
  f = r.OnMiss(100, 10, 100);
  EXPECT_EQ(f.length, 0u);
}

TEST(S3FsPlanTest, LargeReadsAreNotAmplified) {
  ReadaheadPolicy r(256, 1024);
  r.OnMiss(0, 4096, 1 << 20);
  ByteRange f = r.OnMiss(4096, 4096, 1 << 20);
  EXPECT_EQ(f.length, 4096u);
}

TEST(S3FsPathTest, UnrootedPaths) {
  PathMapper m("s3", "");
  auto p = m.Parse("/bucket/a/b");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->bucket, "bucket");
  EXPECT_EQ(p->key, "a/b");
  EXPECT_EQ(p->DirPrefix(), "a/b/");
  EXPECT_EQ(m.PathOf("bucket", "a/b"), "/bucket/a/b");
  EXPECT_EQ(m.PathOf("bucket", ""), "/bucket");
  EXPECT_EQ(m.Describe(*p), "s3://bucket/a/b");
  p = m.Parse("/bucket");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->key, "");
  EXPECT_EQ(p->DirPrefix(), "");
  p = m.Parse("/");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->bucket, "");
  p = m.Parse("/b/./x//y/../z");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->key, "x/z");
  EXPECT_FALSE(m.Parse("/../x").ok());
}

TEST(S3FsPathTest, BucketRootedPaths) {
  PathMapper m("gs", "bkt");
  auto p = m.Parse("/dir/file");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->bucket, "bkt");
  EXPECT_EQ(p->key, "dir/file");
  EXPECT_EQ(m.PathOf("bkt", "dir/file"), "/dir/file");
  EXPECT_EQ(m.PathOf("bkt", ""), "/");
  EXPECT_EQ(m.Describe(*p), "/dir/file (gs://bkt/dir/file)");
  p = m.Parse("/");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->bucket, "bkt");
  EXPECT_EQ(p->key, "");
}

TEST(S3FsPathTest, ParentKey) {
  EXPECT_EQ(ParentKey("a/b/c"), "a/b");
  EXPECT_EQ(ParentKey("a"), "");
}

}  // namespace
}  // namespace strata::s3
