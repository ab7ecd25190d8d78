// ListKeyPosition and ListPageCutter (src/fs/list_pages.h): page key
// ranges, out-of-order pages, "every key below dir/ delivered" in byte
// order (bytes above 0x7f included), and page cutting.
#include "fs/list_pages.h"

#include <gtest/gtest.h>

#include <string>

namespace strata::fs {
namespace {

TEST(ListKeyPositionTest, PositionIsTheLargestKeyOfEndedPages) {
  ListKeyPosition p;
  EXPECT_FALSE(p.known());
  EXPECT_TRUE(p.EndPage());  // an empty page changes nothing
  EXPECT_FALSE(p.known());
  p.Note("b");
  p.Note("a");  // any order within a page
  p.Note("c");
  EXPECT_FALSE(p.known());  // not before the page ends
  EXPECT_TRUE(p.EndPage());
  ASSERT_TRUE(p.known());
  EXPECT_EQ(p.key(), "c");
}

TEST(ListKeyPositionTest, PageNotAfterThePositionIsRefused) {
  ListKeyPosition p;
  p.Note("m");
  ASSERT_TRUE(p.EndPage());
  p.Note("z");
  p.Note("m");  // repeats the previous page's key
  EXPECT_FALSE(p.EndPage());
  EXPECT_EQ(p.key(), "m");
  p.Note("n");
  EXPECT_TRUE(p.EndPage());
  EXPECT_EQ(p.key(), "n");
}

TEST(ListKeyPositionTest, PassedDirComparesBytesUnsigned) {
  ListKeyPosition p;
  EXPECT_FALSE(p.PassedDir("a"));  // nothing delivered yet
  p.Note("a-x");
  ASSERT_TRUE(p.EndPage());
  EXPECT_FALSE(p.PassedDir("a"));  // "a-x" < "a/"
  EXPECT_TRUE(p.PassedDir("0"));   // "a-x" > "0/"
  EXPECT_FALSE(p.PassedDir("b"));
  p.Note("a/");
  ASSERT_TRUE(p.EndPage());
  EXPECT_TRUE(p.PassedDir("a"));  // "a/" itself: nothing "a/..." below it
  p.Note("a\xc3\xa9");            // UTF-8 "aé": 0xc3 sorts after '/'
  ASSERT_TRUE(p.EndPage());
  EXPECT_TRUE(p.PassedDir("a"));
  EXPECT_FALSE(p.PassedDir("a\xc3\xa9"));
  EXPECT_TRUE(p.PassedDir("a\xc3"));
}

TEST(ListPageCutterTest, FullPagesThenTheRest) {
  ListPageCutter c(2);
  EXPECT_FALSE(c.Full().has_value());
  EXPECT_FALSE(c.Rest().has_value());
  for (const char* name : {"a", "b", "c", "d", "e"}) {
    FileInfo info;
    info.path = name;
    c.Add(info);
  }
  auto first = c.Full();
  ASSERT_TRUE(first.has_value());
  ASSERT_EQ(first->size(), 2u);
  EXPECT_EQ((*first)[0].path, "a");
  auto second = c.Full();
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ((*second)[1].path, "d");
  EXPECT_FALSE(c.Full().has_value());
  auto rest = c.Rest();
  ASSERT_TRUE(rest.has_value());
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ((*rest)[0].path, "e");
  EXPECT_FALSE(c.Rest().has_value());
  ListPageCutter zero(0);  // page size 0 means 1
  zero.Add(FileInfo());
  EXPECT_TRUE(zero.Full().has_value());
}

}  // namespace
}  // namespace strata::fs
