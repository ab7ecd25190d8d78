// Cross-client checks: what strata writes, the reference clients (Debian's
// aws-cli v2 against radosgw, azure-cli against Azurite) read back byte for
// byte, and the other way round; metadata and content type set by them
// survive strata's append.

#include <nlohmann/json.hpp>
#include <string>

#include "object_store_cli_util.h"

namespace strata::integration {
namespace {

using cli::testing::RandomBytes;
using cli::testing::ReadFile;
using cli::testing::WriteFile;

nlohmann::json ParseJson(const CliResult& r) {
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(r.out, nullptr, /*allow_exceptions=*/false);
}

TEST_F(S3CliTest, AwsReadsWhatStrataWrote) {
  std::string data = RandomBytes((12 << 20) + 99, 11);  // multipart
  WriteFile(Path("f"), data);
  ASSERT_EQ(Strata({"cp", "-q", Path("f"), Uri("by-strata")}).exit_code, 0);
  CliResult r =
      Aws({"s3", "cp", "--only-show-errors", Uri("by-strata"), Path("by-aws")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadFile(Path("by-aws")), data);
  nlohmann::json head = ParseJson(
      Aws({"s3api", "head-object", "--bucket", bucket_, "--key", "by-strata"}));
  EXPECT_EQ(head.value("ContentLength", uint64_t{0}), data.size());
}

TEST_F(S3CliTest, StrataReadsWhatAwsWrote) {
  std::string data = RandomBytes((9 << 20) + 5, 12);  // aws goes multipart
  WriteFile(Path("f"), data);
  CliResult r =
      Aws({"s3", "cp", "--only-show-errors", Path("f"), Uri("by-aws")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Strata({"cp", "-q", Uri("by-aws"), Path("back")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadFile(Path("back")), data);
  r = Strata({"cat", "--offset", "8388600", "--length", "100", Uri("by-aws")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, data.substr(8388600, 100));
}

TEST_F(S3CliTest, AppendKeepsMetadataAndContentTypeSetByAws) {
  std::string head = RandomBytes(4096, 13);
  std::string tail = RandomBytes(777, 14);
  WriteFile(Path("head"), head);
  WriteFile(Path("tail"), tail);
  CliResult r = Aws({"s3api", "put-object", "--bucket", bucket_, "--key",
                     "meta", "--body", Path("head"), "--content-type",
                     "text/x-strata", "--metadata", "owner=aws,color=blue"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Strata({"cp", "-q", "--append", Path("tail"), Uri("meta")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json info = ParseJson(
      Aws({"s3api", "head-object", "--bucket", bucket_, "--key", "meta"}));
  EXPECT_EQ(info.value("ContentType", ""), "text/x-strata");
  EXPECT_EQ(info["Metadata"].value("owner", ""), "aws");
  EXPECT_EQ(info["Metadata"].value("color", ""), "blue");
  EXPECT_EQ(info.value("ContentLength", uint64_t{0}),
            head.size() + tail.size());
  r = Aws({"s3", "cp", "--only-show-errors", Uri("meta"), Path("back")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadFile(Path("back")), head + tail);
}

TEST_F(AzureCliTest, AzReadsWhatStrataWrote) {
  std::string data = RandomBytes((6 << 20) + 1, 21);
  WriteFile(Path("f"), data);
  ASSERT_EQ(Strata({"cp", "-q", Path("f"), Uri("by-strata")}).exit_code, 0);
  CliResult r = Az({"storage", "blob", "download", "-c", container_, "-n",
                    "by-strata", "-f", Path("by-az"), "-o", "none"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadFile(Path("by-az")), data);
}

TEST_F(AzureCliTest, StrataReadsAndAppendsWhatAzWrote) {
  std::string head = RandomBytes(50000, 22);
  std::string tail = RandomBytes(1234, 23);
  WriteFile(Path("head"), head);
  WriteFile(Path("tail"), tail);
  CliResult r = Az({"storage", "blob", "upload", "-c", container_, "-n",
                    "by-az", "-f", Path("head"), "--content-type",
                    "text/x-strata", "--metadata", "owner=az", "-o", "none"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Strata({"cat", Uri("by-az")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, head);
  r = Strata({"cp", "-q", "--append", Path("tail"), Uri("by-az")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json show = ParseJson(
      Az({"storage", "blob", "show", "-c", container_, "-n", "by-az"}));
  EXPECT_EQ(show["metadata"].value("owner", ""), "az");
  EXPECT_EQ(show["properties"]["contentSettings"].value("contentType", ""),
            "text/x-strata");
  EXPECT_EQ(show["properties"].value("contentLength", uint64_t{0}),
            head.size() + tail.size());
  r = Az({"storage", "blob", "download", "-c", container_, "-n", "by-az", "-f",
          Path("back"), "-o", "none"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadFile(Path("back")), head + tail);
}

}  // namespace
}  // namespace strata::integration
