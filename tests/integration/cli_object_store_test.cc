// The `strata` CLI against radosgw and Azurite: cp up and down (multipart),
// cp --no-clobber, cp --append, cat --offset/--length, presign, rm, and the
// errors a user sees.

#include <string>

#include "object_store_cli_util.h"

namespace strata::integration {
namespace {

using cli::testing::ExpectOneLineError;
using cli::testing::RandomBytes;
using cli::testing::ReadFile;
using cli::testing::WriteFile;

TEST_F(S3CliTest, CopyUpAndDownIsByteExact) {
  std::string data = RandomBytes((20 << 20) + 12345, 1);  // multipart
  WriteFile(Path("up"), data);
  CliResult up = Strata({"cp", "-q", Path("up"), Uri("dir/big")});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  CliResult down = Strata({"cp", "-q", Uri("dir/big"), Path("down")});
  ASSERT_EQ(down.exit_code, 0) << down.err;
  EXPECT_EQ(ReadFile(Path("down")), data);

  CliResult ls = Strata({"ls", Uri("dir/")});
  ASSERT_EQ(ls.exit_code, 0) << ls.err;
  EXPECT_NE(ls.out.find("big"), std::string::npos) << ls.out;
  CliResult stat = Strata({"stat", Uri("dir/big")});
  ASSERT_EQ(stat.exit_code, 0) << stat.err;
  EXPECT_NE(stat.out.find(std::to_string(data.size())), std::string::npos)
      << stat.out;
}

TEST_F(S3CliTest, NoClobberRefusesAndLeavesTheObject) {
  WriteFile(Path("a"), "original");
  WriteFile(Path("b"), "replacement");
  ASSERT_EQ(Strata({"cp", "-q", Path("a"), Uri("k")}).exit_code, 0);
  CliResult r = Strata({"cp", "-q", "--no-clobber", Path("b"), Uri("k")});
  ExpectOneLineError(r, "already exists");
  CliResult cat = Strata({"cat", Uri("k")});
  ASSERT_EQ(cat.exit_code, 0) << cat.err;
  EXPECT_EQ(cat.out, "original");
  // Create-only succeeds where nothing exists.
  CliResult fresh = Strata({"cp", "-q", "--no-clobber", Path("b"), Uri("new")});
  EXPECT_EQ(fresh.exit_code, 0) << fresh.err;
}

TEST_F(S3CliTest, AppendSmallAndLargeObjects) {
  std::string head = RandomBytes(1000, 2);
  std::string tail = RandomBytes(3000, 3);
  WriteFile(Path("head"), head);
  WriteFile(Path("tail"), tail);
  ASSERT_EQ(Strata({"cp", "-q", Path("head"), Uri("small")}).exit_code, 0);
  CliResult r = Strata({"cp", "-q", "--append", Path("tail"), Uri("small")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Strata({"cat", Uri("small")}).out, head + tail);

  std::string big = RandomBytes((6 << 20) + 7, 4);  // spliced by part copy
  WriteFile(Path("big"), big);
  ASSERT_EQ(Strata({"cp", "-q", Path("big"), Uri("large")}).exit_code, 0);
  r = Strata({"cp", "-q", "--append", Path("tail"), Uri("large")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(Strata({"cp", "-q", Uri("large"), Path("large")}).exit_code, 0);
  EXPECT_EQ(ReadFile(Path("large")), big + tail);
}

TEST_F(S3CliTest, CatOffsetAndLengthIsARangedRead) {
  std::string data = RandomBytes(100000, 5);
  WriteFile(Path("f"), data);
  ASSERT_EQ(Strata({"cp", "-q", Path("f"), Uri("f")}).exit_code, 0);
  CliResult r =
      Strata({"cat", "--offset", "40000", "--length", "1234", Uri("f")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, data.substr(40000, 1234));
  r = Strata({"cat", "--offset", "99990", Uri("f")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, data.substr(99990));
}

TEST_F(S3CliTest, PresignedGetAndPutWorkWithPlainCurl) {
  WriteFile(Path("f"), "presigned body");
  ASSERT_EQ(Strata({"cp", "-q", Path("f"), Uri("p")}).exit_code, 0);
  CliResult get = Strata({"presign", "--expires", "600", Uri("p")});
  ASSERT_EQ(get.exit_code, 0) << get.err;
  std::string url = get.out.substr(0, get.out.find('\n'));
  CliResult fetched = RunProgram({kCurl, "-sf", url});
  ASSERT_EQ(fetched.exit_code, 0) << url;
  EXPECT_EQ(fetched.out, "presigned body");

  CliResult put = Strata({"presign", "--method", "PUT", Uri("q")});
  ASSERT_EQ(put.exit_code, 0) << put.err;
  url = put.out.substr(0, put.out.find('\n'));
  WriteFile(Path("g"), "uploaded by curl");
  ASSERT_EQ(RunProgram({kCurl, "-sf", "-T", Path("g"), url}).exit_code, 0);
  EXPECT_EQ(Strata({"cat", Uri("q")}).out, "uploaded by curl");
}

TEST_F(S3CliTest, RemoveAndErrorsNameTheObject) {
  WriteFile(Path("f"), "x");
  ASSERT_EQ(Strata({"cp", "-q", Path("f"), Uri("gone")}).exit_code, 0);
  ASSERT_EQ(Strata({"rm", Uri("gone")}).exit_code, 0);
  ExpectOneLineError(Strata({"cat", Uri("gone")}), Uri("gone"));
  ExpectOneLineError(Strata({"presign", "az://c/b"}), "s3://");
}

TEST_F(AzureCliTest, CopyCatAppendNoClobber) {
  std::string data = RandomBytes((9 << 20) + 3, 6);  // several blocks
  WriteFile(Path("up"), data);
  ASSERT_EQ(Strata({"cp", "-q", Path("up"), Uri("d/blob")}).exit_code, 0);
  CliResult down = Strata({"cp", "-q", Uri("d/blob"), Path("down")});
  ASSERT_EQ(down.exit_code, 0) << down.err;
  EXPECT_EQ(ReadFile(Path("down")), data);

  CliResult r =
      Strata({"cat", "--offset", "5", "--length", "10", Uri("d/blob")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, data.substr(5, 10));

  WriteFile(Path("other"), "other");
  ExpectOneLineError(
      Strata({"cp", "-q", "--no-clobber", Path("other"), Uri("d/blob")}),
      "already exists");

  WriteFile(Path("small"), "small");
  ASSERT_EQ(Strata({"cp", "-q", Path("small"), Uri("s")}).exit_code, 0);
  r = Strata({"cp", "-q", "--append", Path("other"), Uri("s")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Strata({"cat", Uri("s")}).out, "smallother");
  ASSERT_EQ(Strata({"rm", Uri("s")}).exit_code, 0);
  ExpectOneLineError(Strata({"cat", Uri("s")}), Uri("s"));
}

}  // namespace
}  // namespace strata::integration
