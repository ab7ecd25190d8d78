#include "strata/core/result.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace strata {
namespace {

TEST(ResultTest, HoldsValue) {
  Result<int> r = 7;
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.status().ok());
  EXPECT_EQ(r.value(), 7);
  EXPECT_EQ(*r, 7);
  *r = 8;
  EXPECT_EQ(r.value(), 8);
}

TEST(ResultTest, HoldsError) {
  Result<int> r = NotFoundError("object b/k");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(r.status().message(), "object b/k");
  EXPECT_EQ(r.value_or(3), 3);
  EXPECT_EQ(AsStatus(r).code(), StatusCode::kNotFound);
}

TEST(ResultTest, OkStatusBecomesInternalError) {
  Result<int> r = Status::OK();
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInternal);
  Status ok;
  Result<int> r2(ok);
  EXPECT_EQ(r2.status().code(), StatusCode::kInternal);
}

TEST(ResultTest, ValueOrOnSuccess) {
  Result<std::string> r = std::string("x");
  EXPECT_EQ(r.value_or("y"), "x");
}

TEST(ResultTest, ConvertingConstruction) {
  Result<std::string> r = "literal";
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "literal");
  Result<std::vector<int>> v = std::vector<int>{1, 2, 3};
  EXPECT_EQ(v->size(), 3u);
}

struct Point {
  int x = 0;
  int Sum() const { return x + 1; }
};

TEST(ResultTest, ArrowOperator) {
  Result<Point> r = Point{4};
  EXPECT_EQ(r->x, 4);
  EXPECT_EQ(r->Sum(), 5);
  const Result<Point>& cr = r;
  EXPECT_EQ(cr->Sum(), 5);
  EXPECT_EQ((*cr).x, 4);
}

TEST(ResultTest, MoveOnlyValue) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(5);
  ASSERT_TRUE(r.ok());
  std::unique_ptr<int> p = std::move(r).value();
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(*p, 5);

  Result<std::unique_ptr<int>> r2 = std::make_unique<int>(6);
  std::unique_ptr<int> q = *std::move(r2);
  EXPECT_EQ(*q, 6);
}

TEST(ResultTest, CopyAndMove) {
  Result<std::string> a = std::string("abc");
  Result<std::string> b = a;
  EXPECT_EQ(*a, "abc");
  EXPECT_EQ(*b, "abc");
  Result<std::string> c = std::move(a);
  EXPECT_EQ(*c, "abc");
  Result<std::string> e = DataLossError("crc mismatch in /j/000001");
  Result<std::string> f = e;
  EXPECT_EQ(f.status(), e.status());
}

TEST(ResultDeathTest, ValueOfFailedResultAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  Result<int> r = NotFoundError("open /missing");
  EXPECT_DEATH((void)r.value(),
               "value\\(\\) of a failed Result: NotFound: open /missing");
}

}  // namespace
}  // namespace strata
