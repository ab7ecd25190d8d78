// Virtual paths: normalisation, refusals (escapes, long names, control
// bytes), name validation, IsWithin and RelativeTo.

#include "strata/vfs/path.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace strata::vfs {
namespace {

using ::testing::HasSubstr;

struct NormCase {
  std::string_view in;
  std::string_view want;
};

TEST(VirtualPathTest, NormalisationTable) {
  const NormCase cases[] = {
      {"/", "/"},
      {"//", "/"},
      {"///", "/"},
      {"/.", "/"},
      {"/./", "/"},
      {"/a", "/a"},
      {"/a/", "/a"},
      {"//a//b//", "/a/b"},
      {"/a/./b", "/a/b"},
      {"/a/b/..", "/a"},
      {"/a/b/../", "/a"},
      {"/a/b/../..", "/"},
      {"/a/./b//c/../d/", "/a/b/d"},
      {"/a/../b/../c", "/c"},
      {"/...", "/..."},
      {"/a/..b/c..", "/a/..b/c.."},
      {"/.hidden/x", "/.hidden/x"},
      {"/a b/c\td", ""},  // tab is a control byte: refused (checked below)
      {"/data/raw/x", "/data/raw/x"},
      {"/\xc3\xa9t\xc3\xa9", "/\xc3\xa9t\xc3\xa9"},  // UTF-8 passes through
      {"/a/\x80\xff", "/a/\x80\xff"},                // so do other high bytes
      {"/~/$HOME/*", "/~/$HOME/*"},
  };
  for (const NormCase& c : cases) {
    auto got = NormalizeVirtualPath(c.in);
    if (c.want.empty()) {
      EXPECT_FALSE(got.ok()) << c.in;
      continue;
    }
    ASSERT_TRUE(got.ok()) << c.in << ": " << got.status().ToString();
    EXPECT_EQ(*got, c.want) << c.in;
    // Normalising is idempotent.
    EXPECT_EQ(NormalizeVirtualPath(*got).value_or("<error>"), c.want);
  }
}

void ExpectRefused(std::string_view path, std::string_view why) {
  auto got = NormalizeVirtualPath(path);
  ASSERT_FALSE(got.ok()) << "accepted: " << path;
  EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(got.status().message()), HasSubstr(why)) << path;
}

TEST(VirtualPathTest, RefusesEmptyAndRelative) {
  ExpectRefused("", "empty");
  ExpectRefused("a", "not absolute");
  ExpectRefused("a/b", "not absolute");
  ExpectRefused("./a", "not absolute");
  ExpectRefused("../a", "not absolute");
  ExpectRefused(" /a", "not absolute");
}

TEST(VirtualPathTest, RefusesDotDotAboveRoot) {
  ExpectRefused("/..", "'..' above the root");
  ExpectRefused("/../etc/passwd", "'..' above the root");
  ExpectRefused("/a/../..", "'..' above the root");
  ExpectRefused("/a/b/../../../c", "'..' above the root");
  ExpectRefused("/./..", "'..' above the root");
  // Going back down after reaching the root is fine; leaving it is not.
  EXPECT_EQ(NormalizeVirtualPath("/a/../b").value_or(""), "/b");
}

TEST(VirtualPathTest, NameLengthLimit) {
  const std::string max_name(kMaxNameBytes, 'n');
  EXPECT_EQ(NormalizeVirtualPath("/" + max_name).value_or(""), "/" + max_name);
  EXPECT_EQ(NormalizeVirtualPath("/d/" + max_name + "/").value_or(""),
            "/d/" + max_name);
  ExpectRefused("/" + max_name + "n", "256 bytes, longer than 255");
  // A too-long name is refused even when a later `..` would drop it.
  ExpectRefused("/" + max_name + "n/..", "256 bytes");
}

// A path of exactly `bytes` bytes made of 100-byte names.
std::string PathOfLength(size_t bytes) {
  std::string out;
  while (out.size() + 101 <= bytes) {
    out += '/';
    out.append(100, 'p');
  }
  if (out.size() < bytes) {
    out += '/';
    out.append(bytes - out.size(), 'q');
  }
  return out;
}

TEST(VirtualPathTest, PathLengthLimit) {
  const std::string max_path = PathOfLength(kMaxPathBytes);
  ASSERT_EQ(max_path.size(), kMaxPathBytes);
  EXPECT_EQ(NormalizeVirtualPath(max_path).value_or(""), max_path);
  const std::string too_long = PathOfLength(kMaxPathBytes + 1);
  ASSERT_EQ(too_long.size(), kMaxPathBytes + 1);
  ExpectRefused(too_long, "4097 bytes, longer than 4096");
  // The limit applies to the result: redundant input may be longer.
  EXPECT_EQ(NormalizeVirtualPath(max_path + "/x/..//./").value_or(""),
            max_path);
  EXPECT_EQ(NormalizeVirtualPath(std::string(10000, '/')).value_or(""), "/");
}

TEST(VirtualPathTest, RefusesControlBytes) {
  ExpectRefused(std::string("/a\0b", 4), "control byte at offset 2");
  ExpectRefused("/a\nb", "control byte");
  ExpectRefused("/a\rb", "control byte");
  ExpectRefused("/\x1b[31m", "control byte");
  ExpectRefused("/a\x7f", "control byte");
  ExpectRefused("/\x01", "control byte");
  // Even in a component a later `..` would remove.
  ExpectRefused("/a\x01/..", "control byte");
}

TEST(VirtualPathTest, ErrorMessagesQuoteThePathSafely) {
  auto got = NormalizeVirtualPath(std::string("/x\0y", 4));
  ASSERT_FALSE(got.ok());
  const std::string msg(got.status().message());
  EXPECT_THAT(msg, HasSubstr("'/x\\x00y'"));
  EXPECT_EQ(msg.find('\0'), std::string::npos);
  // Huge input is cut in the message.
  std::string long_input(5001, 'h');
  long_input[0] = '/';
  auto huge = NormalizeVirtualPath(long_input);
  ASSERT_FALSE(huge.ok());
  EXPECT_LT(huge.status().message().size(), 400u);
  EXPECT_THAT(std::string(huge.status().message()), HasSubstr("5001 bytes"));
}

TEST(VirtualPathTest, ValidateName) {
  EXPECT_TRUE(ValidateName("a").ok());
  EXPECT_TRUE(ValidateName("...").ok());
  EXPECT_TRUE(ValidateName(".hidden").ok());
  EXPECT_TRUE(ValidateName("with space").ok());
  EXPECT_TRUE(ValidateName(std::string(kMaxNameBytes, 'x')).ok());
  EXPECT_TRUE(ValidateName("\xc3\xa9").ok());
  const std::string_view bad[] = {"", ".", "..", "a/b", "/", "a\tb", "\x7f"};
  for (std::string_view name : bad) {
    Status st = ValidateName(name);
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << name;
    EXPECT_THAT(std::string(st.message()), HasSubstr("invalid name")) << name;
  }
  EXPECT_EQ(ValidateName(std::string("a\0", 2)).code(),
            StatusCode::kInvalidArgument);
  Status long_name = ValidateName(std::string(kMaxNameBytes + 1, 'x'));
  EXPECT_THAT(std::string(long_name.message()), HasSubstr("256 bytes"));
}

TEST(VirtualPathTest, IsWithin) {
  EXPECT_TRUE(IsWithin("/a/b", "/a"));
  EXPECT_TRUE(IsWithin("/a", "/a"));
  EXPECT_TRUE(IsWithin("/a/b/c", "/a/b"));
  EXPECT_FALSE(IsWithin("/ab", "/a"));
  EXPECT_FALSE(IsWithin("/a", "/a/b"));
  EXPECT_FALSE(IsWithin("/b", "/a"));
  EXPECT_FALSE(IsWithin("/", "/a"));
  EXPECT_FALSE(IsWithin("/a-b", "/a"));
  EXPECT_TRUE(IsWithin("/", "/"));
  EXPECT_TRUE(IsWithin("/anything/at/all", "/"));
  EXPECT_FALSE(IsWithin("", "/"));
  EXPECT_FALSE(IsWithin("relative", "/"));
}

TEST(VirtualPathTest, RelativeTo) {
  EXPECT_EQ(RelativeTo("/a/b/c", "/a"), "/b/c");
  EXPECT_EQ(RelativeTo("/a", "/a"), "/");
  EXPECT_EQ(RelativeTo("/a/b", "/a/b"), "/");
  EXPECT_EQ(RelativeTo("/a/b", "/"), "/a/b");
  EXPECT_EQ(RelativeTo("/", "/"), "/");
  // Outside the directory: the empty string, never a usable path.
  EXPECT_EQ(RelativeTo("/ab", "/a"), "");
  EXPECT_EQ(RelativeTo("/b", "/a"), "");
}

TEST(VirtualPathTest, DotDotCannotLeaveAMountAfterNormalising) {
  // A mount at /m; a user path that tries to climb out with `..` resolves,
  // after normalisation, to somewhere that is plainly not within /m.
  auto p = NormalizeVirtualPath("/m/x/../../etc");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p, "/etc");
  EXPECT_FALSE(IsWithin(*p, "/m"));
  auto q = NormalizeVirtualPath("/m/x/../y");
  ASSERT_TRUE(q.ok());
  EXPECT_TRUE(IsWithin(*q, "/m"));
  EXPECT_EQ(RelativeTo(*q, "/m"), "/y");
}

}  // namespace
}  // namespace strata::vfs
