// Tests for NormalizePath, JoinPath, ParentPath, BaseName and Uri.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <climits>
#include <string>
#include <utility>
#include <vector>

#include "strata/fs/registry.h"

namespace strata::fs {
namespace {

using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

std::string Message(const Status& st) { return std::string(st.message()); }

TEST(NormalizePathTest, CanonicalForms) {
  const std::pair<const char*, const char*> cases[] = {
      {"/", "/"},
      {"", "/"},
      {".", "/"},
      {"//", "/"},
      {"/a", "/a"},
      {"a", "/a"},
      {"a/b", "/a/b"},
      {"/a/b/", "/a/b"},
      {"/a//b", "/a/b"},
      {"///a///b///", "/a/b"},
      {"/a/./b", "/a/b"},
      {"./a/./", "/a"},
      {"/a/b/..", "/a"},
      {"/a/..", "/"},
      {"/a/b/../c", "/a/c"},
      {"/a/./b//c/../d", "/a/b/d"},
      {"/a/b/c/../../d", "/a/d"},
      {"/a/../b/../c", "/c"},
      {"/.../b", "/.../b"},
      {"/..a/b..", "/..a/b.."},
      {"/.a/.b.", "/.a/.b."},
      {"/a b/c%20d", "/a b/c%20d"},
      {"/ünï/códé", "/ünï/códé"},
  };
  for (const auto& [in, want] : cases) {
    Result<std::string> got = NormalizePath(in);
    ASSERT_TRUE(got.ok()) << in << ": " << got.status().ToString();
    EXPECT_EQ(*got, want) << in;
  }
}

TEST(NormalizePathTest, IsIdempotent) {
  for (const char* in : {"/a/./b//c/../d", "x/y/", "/", "/a/.../..b/"}) {
    Result<std::string> once = NormalizePath(in);
    ASSERT_TRUE(once.ok());
    Result<std::string> twice = NormalizePath(*once);
    ASSERT_TRUE(twice.ok());
    EXPECT_EQ(*once, *twice) << in;
  }
}

TEST(NormalizePathTest, DotDotAboveRootIsInvalid) {
  for (const char* in : {"..", "/..", "/../a", "/a/../..", "a/../../b",
                         "/a/b/../../../c", "../.."}) {
    Result<std::string> got = NormalizePath(in);
    ASSERT_FALSE(got.ok()) << in << " gave " << got.value();
    EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument) << in;
    EXPECT_THAT(Message(got.status()), HasSubstr(in));
  }
}

TEST(NormalizePathTest, NulBytesAreInvalid) {
  const std::string with_nul("/a\0b", 4);
  Result<std::string> got = NormalizePath(with_nul);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(got.status()), HasSubstr("NUL"));
  EXPECT_THAT(Message(got.status()), HasSubstr("/a"));
}

TEST(PathHelpersTest, JoinPath) {
  EXPECT_EQ(JoinPath("/a", "b/c"), "/a/b/c");
  EXPECT_EQ(JoinPath("/", "b"), "/b");
  EXPECT_EQ(JoinPath("/a/", "b"), "/a/b");
  EXPECT_EQ(JoinPath("/a", "/b"), "/a/b");
  EXPECT_EQ(JoinPath("/a", ""), "/a");
  EXPECT_EQ(JoinPath("", "b"), "/b");
  EXPECT_EQ(JoinPath("", ""), "/");
}

TEST(PathHelpersTest, ParentPath) {
  EXPECT_EQ(ParentPath("/a/b"), "/a");
  EXPECT_EQ(ParentPath("/a/b/c"), "/a/b");
  EXPECT_EQ(ParentPath("/a"), "/");
  EXPECT_EQ(ParentPath("/"), "/");
  EXPECT_EQ(ParentPath(""), "/");
  EXPECT_EQ(ParentPath("/a/b/"), "/a");
}

TEST(PathHelpersTest, BaseName) {
  EXPECT_EQ(BaseName("/a/b"), "b");
  EXPECT_EQ(BaseName("/a"), "a");
  EXPECT_EQ(BaseName("/"), "");
  EXPECT_EQ(BaseName(""), "");
  EXPECT_EQ(BaseName("/a/b.txt/"), "b.txt");
}

// ---- Uri::Parse ------------------------------------------------------------

Uri MustParse(std::string_view text) {
  Result<Uri> uri = Uri::Parse(text);
  EXPECT_TRUE(uri.ok()) << text << ": " << uri.status().ToString();
  return uri.ok() ? std::move(uri).value() : Uri{};
}

void ExpectInvalid(std::string_view text, std::string_view mention = {}) {
  Result<Uri> uri = Uri::Parse(text);
  ASSERT_FALSE(uri.ok()) << "'" << text << "' parsed to " << uri->ToString();
  EXPECT_EQ(uri.status().code(), StatusCode::kInvalidArgument) << text;
  std::string named(text.substr(0, text.find('\0')));
  EXPECT_THAT(Message(uri.status()), HasSubstr(named));
  if (!mention.empty()) {
    EXPECT_THAT(Message(uri.status()), HasSubstr(std::string(mention)));
  }
}

std::string CurrentDir() {
  char buf[PATH_MAX];
  return ::getcwd(buf, sizeof(buf)) != nullptr ? std::string(buf) : "/";
}

TEST(UriTest, BareAbsolutePathIsFile) {
  Uri uri = MustParse("/tmp/x/../y//z");
  EXPECT_EQ(uri.scheme, "file");
  EXPECT_EQ(uri.authority, "");
  EXPECT_EQ(uri.path, "/tmp/y/z");
  EXPECT_TRUE(uri.query.empty());
}

TEST(UriTest, BareRelativePathIsResolvedAgainstCwd) {
  Uri uri = MustParse("some/rel/./file");
  EXPECT_EQ(uri.scheme, "file");
  EXPECT_EQ(uri.path, *NormalizePath(CurrentDir() + "/some/rel/file"));
  EXPECT_EQ(MustParse(".").path, *NormalizePath(CurrentDir()));
}

TEST(UriTest, BarePathsAreLiteral) {
  // No percent-decoding, no query: '?' and '%' are ordinary file name bytes.
  Uri uri = MustParse("/a%20b?x=1");
  EXPECT_EQ(uri.path, "/a%20b?x=1");
  EXPECT_TRUE(uri.query.empty());
  // A colon without "//" does not make a scheme.
  EXPECT_EQ(MustParse("/c:d").path, "/c:d");
  EXPECT_EQ(MustParse("mem:/x").scheme, "file");
}

TEST(UriTest, FileUris) {
  Uri uri = MustParse("file:///abs/path");
  EXPECT_EQ(uri.scheme, "file");
  EXPECT_EQ(uri.authority, "");
  EXPECT_EQ(uri.path, "/abs/path");
  EXPECT_EQ(MustParse("file://localhost/abs").path, "/abs");
  EXPECT_EQ(MustParse("file://localhost/abs").authority, "");
  EXPECT_EQ(MustParse("file://").path, "/");
  EXPECT_EQ(MustParse("FILE:///X").scheme, "file");
  EXPECT_EQ(MustParse("FILE:///X").path, "/X");
  ExpectInvalid("file://otherhost/abs", "otherhost");
}

TEST(UriTest, MemUris) {
  Uri uri = MustParse("mem://store/dir/f");
  EXPECT_EQ(uri.scheme, "mem");
  EXPECT_EQ(uri.authority, "store");
  EXPECT_EQ(uri.path, "/dir/f");
  EXPECT_EQ(MustParse("mem://store").path, "/");
  EXPECT_EQ(MustParse("mem://store/").path, "/");
  EXPECT_EQ(MustParse("mem:///x").authority, "");
}

TEST(UriTest, SchemeIsLowerCasedAndMayHavePunctuation) {
  EXPECT_EQ(MustParse("S3://Bucket/Key").scheme, "s3");
  EXPECT_EQ(MustParse("S3://Bucket/Key").authority, "Bucket");
  EXPECT_EQ(MustParse("S3://Bucket/Key").path, "/Key");
  EXPECT_EQ(MustParse("my+fs.v2-x://a/b").scheme, "my+fs.v2-x");
  EXPECT_EQ(MustParse("s3a://host:9000/k").authority, "host:9000");
}

TEST(UriTest, MalformedSchemes) {
  ExpectInvalid("://x", "scheme");
  ExpectInvalid("1abc://x/y", "scheme");
  ExpectInvalid("a_b://x/y", "scheme");
  ExpectInvalid("a b://x/y", "scheme");
  ExpectInvalid("+s://x/y", "scheme");
  ExpectInvalid("dir/x://y", "scheme");
}

TEST(UriTest, EmptyAndNulAreInvalid) {
  Result<Uri> empty = Uri::Parse("");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().code(), StatusCode::kInvalidArgument);
  ExpectInvalid(std::string_view("mem://s/a\0b", 11), "NUL");
  ExpectInvalid(std::string_view("/a\0b", 4), "NUL");
}

TEST(UriTest, PercentDecodingOfThePath) {
  EXPECT_EQ(MustParse("s3://b/key%20with%20space").path, "/key with space");
  EXPECT_EQ(MustParse("s3://b/%41%62%63").path, "/Abc");
  EXPECT_EQ(MustParse("s3://b/%e2%82%AC").path, "/\xe2\x82\xac");
  EXPECT_EQ(MustParse("s3://b/100%25").path, "/100%");
  EXPECT_EQ(MustParse("s3://b/a%3Fb%23c").path, "/a?b#c");
  // A decoded slash is a separator like any other.
  EXPECT_EQ(MustParse("s3://b/a%2Fb").path, "/a/b");
}

TEST(UriTest, InvalidPercentEscapes) {
  for (const char* text : {"s3://b/%", "s3://b/%2", "s3://b/%zz", "s3://b/%g0",
                           "s3://b/a%2", "s3://b/%%41"}) {
    ExpectInvalid(text, "percent");
  }
  ExpectInvalid("s3://b/a%00b", "NUL");
}

TEST(UriTest, DotDotInUris) {
  EXPECT_EQ(MustParse("s3://b/a/../x").path, "/x");
  EXPECT_EQ(MustParse("file:///a/b/../../c").path, "/c");
  ExpectInvalid("s3://b/../x", "escapes");
  ExpectInvalid("file:///..", "escapes");
  // Escaped dots decode before normalisation, so they cannot sneak out.
  ExpectInvalid("s3://b/%2e%2e/x", "escapes");
  ExpectInvalid("mem://s/a/%2E%2E/%2E%2E", "escapes");
}

TEST(UriTest, QueryStringIsParsed) {
  Uri uri = MustParse(
      "s3://b/k?region=us-east-1&endpoint=http%3A%2F%2Flocalhost%3A9000"
      "&flag&empty=&sp=a+b%20c");
  EXPECT_EQ(uri.path, "/k");
  EXPECT_THAT(uri.query,
              UnorderedElementsAre(Pair("region", "us-east-1"),
                                   Pair("endpoint", "http://localhost:9000"),
                                   Pair("flag", ""), Pair("empty", ""),
                                   Pair("sp", "a+b c")));
}

TEST(UriTest, QueryEdgeCases) {
  EXPECT_THAT(MustParse("s3://b/k?a=1&a=2").query,
              UnorderedElementsAre(Pair("a", "2")));
  EXPECT_TRUE(MustParse("s3://b/k?").query.empty());
  EXPECT_THAT(MustParse("s3://b/k?&&x=1&").query,
              UnorderedElementsAre(Pair("x", "1")));
  EXPECT_THAT(MustParse("s3://b/k?x=a=b").query,
              UnorderedElementsAre(Pair("x", "a=b")));
  // Without a path the query still parses.
  Uri uri = MustParse("mem://store?x=1");
  EXPECT_EQ(uri.authority, "store");
  EXPECT_EQ(uri.path, "/");
  EXPECT_THAT(uri.query, UnorderedElementsAre(Pair("x", "1")));
  ExpectInvalid("s3://b/k?=x", "query");
  ExpectInvalid("s3://b/k?x=%zz", "percent");
  ExpectInvalid("s3://b/k?%g=1", "percent");
}

TEST(UriTest, ControlCharactersInAuthorityAreInvalid) {
  ExpectInvalid("s3://bu cket/k", "authority");
  ExpectInvalid("s3://bu\tcket/k", "authority");
}

// ---- Uri::ToString
// -----------------------------------------------------------

TEST(UriTest, ToStringSpellsTheCanonicalForm) {
  EXPECT_EQ(MustParse("/tmp/x").ToString(), "file:///tmp/x");
  EXPECT_EQ(MustParse("file://localhost/a/./b").ToString(), "file:///a/b");
  EXPECT_EQ(MustParse("MEM://s").ToString(), "mem://s/");
  EXPECT_EQ(MustParse("s3://b/a%20b").ToString(), "s3://b/a%20b");
  EXPECT_EQ(MustParse("s3://b/k?z=1&a=x%26y").ToString(),
            "s3://b/k?a=x%26y&z=1");
  Uri uri;
  uri.scheme = "mem";
  uri.authority = "s";
  uri.path = "/100% a?b#c";
  EXPECT_EQ(uri.ToString(), "mem://s/100%25%20a%3Fb%23c");
}

TEST(UriTest, ToStringRoundTrips) {
  for (const char* text :
       {"file:///a/b", "mem://store/x/y", "s3://b/k%20%25%3F%23?x=1&y=a%26b",
        "gs://bucket/%E2%82%AC/k?token=a%3Db%2Bc",
        "az://acct/c/blob?sv=", "mem://s/a+b=c&d", "/plain/path with space"}) {
    Uri first = MustParse(text);
    std::string spelled = first.ToString();
    Uri second = MustParse(spelled);
    EXPECT_EQ(second.scheme, first.scheme) << text << " → " << spelled;
    EXPECT_EQ(second.authority, first.authority) << text << " → " << spelled;
    EXPECT_EQ(second.path, first.path) << text << " → " << spelled;
    EXPECT_EQ(second.query, first.query) << text << " → " << spelled;
    EXPECT_EQ(second.ToString(), spelled);
  }
}

}  // namespace
}  // namespace strata::fs
