// ResponseHeaderParser: interim 1xx blocks, folding, trailers, junk.

#include "http/header_parser.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string_view>

namespace strata::http {
namespace {

ResponseHeaderParser Feed(std::initializer_list<std::string_view> lines) {
  ResponseHeaderParser p;
  for (std::string_view l : lines) p.OnLine(l);
  return p;
}

TEST(ResponseHeaderParserTest, FinalBlockOnly) {
  auto p = Feed({"HTTP/1.1 100 Continue\r\n", "X-Interim: 1\r\n", "\r\n",
                 "HTTP/1.1 201 Created\r\n", "ETag: \"abc\"\r\n",
                 "Content-Length:  0 \r\n", "\r\n", "X-Trailer: t\r\n"});
  ASSERT_TRUE(p.complete());
  EXPECT_EQ(p.status(), 201);
  ASSERT_EQ(p.headers().size(), 2u);
  EXPECT_EQ(p.headers()[0].first, "etag");
  EXPECT_EQ(p.headers()[0].second, "\"abc\"");
  EXPECT_EQ(p.headers()[1].first, "content-length");
  EXPECT_EQ(p.headers()[1].second, "0");
}

TEST(ResponseHeaderParserTest, InterimOnlyIsNotComplete) {
  auto p = Feed({"HTTP/1.1 100 Continue\r\n", "\r\n"});
  EXPECT_FALSE(p.complete());
}

TEST(ResponseHeaderParserTest, FoldingAndJunk) {
  auto p = Feed({"HTTP/2 200\r\n", "X-Long: a\r\n", "\t b\r\n", "nocolon\r\n",
                 ": empty-name\r\n", "X-Empty:\r\n", "\r\n"});
  ASSERT_TRUE(p.complete());
  EXPECT_EQ(p.status(), 200);
  ASSERT_EQ(p.headers().size(), 2u);
  EXPECT_EQ(p.headers()[0].second, "a b");
  EXPECT_EQ(p.headers()[1].first, "x-empty");
  EXPECT_EQ(p.headers()[1].second, "");
}

TEST(ResponseHeaderParserTest, BadStatusLine) {
  auto p = Feed({"HTTP/1.1 2x0 Huh\r\n", "\r\n"});
  EXPECT_FALSE(p.complete());
  EXPECT_EQ(p.status(), 0);
}

}  // namespace
}  // namespace strata::http
