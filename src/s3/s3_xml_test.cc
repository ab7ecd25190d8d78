// S3 XML documents: parsing of listings, multipart and delete results, and
// the request bodies; dates and url-encoded listing values.
#include "s3/s3_xml.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>

namespace strata::s3 {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr std::string_view kListPage = R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>bucket</Name><Prefix>dir%2F</Prefix><KeyCount>2</KeyCount>
  <MaxKeys>2</MaxKeys><Delimiter>%2F</Delimiter><EncodingType>url</EncodingType>
  <IsTruncated>true</IsTruncated>
  <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
  <Contents><Key>dir/a+b%2Bc%C3%A9.txt</Key>
    <LastModified>2009-10-12T17:50:30.000Z</LastModified>
    <ETag>&quot;fba9dede5f27731c9771645a39863328&quot;</ETag>
    <Size>434234</Size><StorageClass>STANDARD</StorageClass></Contents>
  <Contents><Key>dir/z</Key><LastModified>2009-10-12T17:50:31.250Z</LastModified>
    <ETag>"e"</ETag><Size>0</Size><StorageClass>GLACIER</StorageClass></Contents>
  <CommonPrefixes><Prefix>dir/sub%20dir/</Prefix></CommonPrefixes>
  <CommonPrefixes><Prefix>dir/x/</Prefix></CommonPrefixes>
</ListBucketResult>)";

TEST(S3XmlTest, ParsesListPageWithUrlEncoding) {
  auto r = ParseListResult(kListPage, "LIST s3://bucket/dir/");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->objects.size(), 2u);
  EXPECT_EQ(r->objects[0].key, "dir/a b+c\xC3\xA9.txt");
  EXPECT_EQ(r->objects[0].size, 434234u);
  EXPECT_EQ(r->objects[0].etag, "fba9dede5f27731c9771645a39863328");
  EXPECT_EQ(r->objects[0].storage_class, "STANDARD");
  EXPECT_EQ(std::chrono::system_clock::to_time_t(r->objects[0].last_modified),
            1255369830);
  EXPECT_EQ(r->objects[1].last_modified - r->objects[0].last_modified,
            std::chrono::milliseconds(1250));
  EXPECT_EQ(r->objects[1].etag, "e");
  EXPECT_THAT(r->common_prefixes, ElementsAre("dir/sub dir/", "dir/x/"));
  EXPECT_TRUE(r->truncated);
  EXPECT_EQ(r->next_continuation_token,
            "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
}

TEST(S3XmlTest, ListWithoutEncodingKeepsKeysVerbatim) {
  auto r = ParseListResult(
      "<ListBucketResult><IsTruncated>false</IsTruncated>"
      "<Contents><Key>a+b%20</Key><Size>1</Size></Contents>"
      "</ListBucketResult>",
      "LIST");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->objects.size(), 1u);
  EXPECT_EQ(r->objects[0].key, "a+b%20");
  EXPECT_FALSE(r->truncated);
  EXPECT_TRUE(r->common_prefixes.empty());
}

TEST(S3XmlTest, ListErrors) {
  EXPECT_EQ(ParseListResult("", "LIST s3://b/").status().code(),
            StatusCode::kInternal);
  EXPECT_THAT(
      std::string(ParseListResult("<x/>", "LIST s3://b/").status().message()),
      HasSubstr("LIST s3://b/"));
  // Truncated without a token would loop forever.
  EXPECT_FALSE(
      ParseListResult("<ListBucketResult><IsTruncated>true</IsTruncated>"
                      "</ListBucketResult>",
                      "LIST")
          .ok());
  EXPECT_FALSE(
      ParseListResult("<ListBucketResult><EncodingType>url</EncodingType>"
                      "<Contents><Key>%zz</Key></Contents></ListBucketResult>",
                      "LIST")
          .ok());
}

TEST(S3XmlTest, UploadIdAndResultEtag) {
  auto id = ParseUploadId(
      "<?xml version=\"1.0\"?><InitiateMultipartUploadResult><Bucket>b</Bucket>"
      "<Key>k</Key><UploadId>2~abc</UploadId></InitiateMultipartUploadResult>",
      "MPU");
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, "2~abc");
  EXPECT_FALSE(ParseUploadId("<InitiateMultipartUploadResult/>", "MPU").ok());

  auto etag = ParseResultEtag(
      "<CompleteMultipartUploadResult><Location>x</Location><ETag>"
      "&quot;3858f62230ac3c915f300c664312c11f-9&quot;</ETag>"
      "</CompleteMultipartUploadResult>",
      "Complete");
  ASSERT_TRUE(etag.ok());
  EXPECT_EQ(*etag, "3858f62230ac3c915f300c664312c11f-9");
  auto copy = ParseResultEtag(
      "<CopyPartResult><LastModified>2011-04-11T20:34:56.000Z</LastModified>"
      "<ETag>\"9b2cf535f27731c974343645a3985328\"</ETag></CopyPartResult>",
      "Copy");
  ASSERT_TRUE(copy.ok());
  EXPECT_EQ(*copy, "9b2cf535f27731c974343645a3985328");
  EXPECT_FALSE(ParseResultEtag("<Error><Code>X</Code></Error>", "c").ok());
}

TEST(S3XmlTest, DeleteResultErrors) {
  auto r = ParseDeleteResult(
      "<DeleteResult><Deleted><Key>ok</Key></Deleted>"
      "<Error><Key>a&amp;b</Key><Code>AccessDenied</Code>"
      "<Message>Access Denied</Message></Error></DeleteResult>",
      "DeleteObjects");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].key, "a&b");
  EXPECT_EQ((*r)[0].code, "AccessDenied");
  EXPECT_EQ((*r)[0].message, "Access Denied");
  auto empty = ParseDeleteResult("<DeleteResult/>", "d");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(S3XmlTest, BuildsDeleteXml) {
  std::vector<std::string> keys = {"a", "b<&>\"'"};
  EXPECT_EQ(BuildDeleteXml(keys),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Delete "
            "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Quiet>true</"
            "Quiet><Object><Key>a</Key></Object><Object><Key>b&lt;&amp;&gt;"
            "&quot;&apos;</Key></Object></Delete>");
}

TEST(S3XmlTest, BuildsCompleteXml) {
  std::vector<CompletedPart> parts(2);
  parts[0].part_number = 1;
  parts[0].etag = "\"e1\"";
  parts[0].checksum = "AAAAAA==";
  parts[1].part_number = 2;
  parts[1].etag = "e2";
  parts[1].checksum = "BBBBBB==";
  std::string xml = BuildCompleteXml(parts, ChecksumAlgorithm::kCrc32c);
  EXPECT_THAT(xml, HasSubstr("<Part><PartNumber>1</PartNumber><ETag>&quot;e1&"
                             "quot;</ETag><ChecksumCRC32C>AAAAAA==</"
                             "ChecksumCRC32C></Part>"));
  EXPECT_THAT(xml, HasSubstr("<PartNumber>2</PartNumber><ETag>&quot;e2&quot;"));
  EXPECT_THAT(BuildCompleteXml(parts, ChecksumAlgorithm::kNone),
              ::testing::Not(HasSubstr("Checksum")));
}

TEST(S3XmlTest, CreateBucketXml) {
  EXPECT_EQ(BuildCreateBucketXml("us-east-1"), "");
  EXPECT_THAT(BuildCreateBucketXml("eu-west-1"),
              HasSubstr("<LocationConstraint>eu-west-1</LocationConstraint>"));
}

TEST(S3XmlTest, Dates) {
  auto iso = ParseIso8601("1994-11-06T08:49:37Z");
  ASSERT_TRUE(iso);
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*iso), 784111777);
  auto http = ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT");
  ASSERT_TRUE(http);
  EXPECT_EQ(*http, *iso);
  EXPECT_FALSE(ParseHttpDate("Sun, 06 Foo 1994 08:49:37 GMT"));
  EXPECT_FALSE(ParseHttpDate("garbage"));
  EXPECT_FALSE(ParseIso8601("1994-13-06T08:49:37Z"));
  EXPECT_FALSE(ParseIso8601("1994-11-06T08:49:37+02:00"));
}

TEST(S3XmlTest, DecodeAndQuotes) {
  EXPECT_EQ(*DecodeUrlEncoded("a+b%2B%e2%82%ac"), "a b+\xe2\x82\xac");
  EXPECT_FALSE(DecodeUrlEncoded("%2").ok());
  EXPECT_EQ(StripQuotes("\"x\""), "x");
  EXPECT_EQ(StripQuotes("x"), "x");
  EXPECT_EQ(StripQuotes("\""), "\"");
}

TEST(S3XmlTest, ChecksumNames) {
  EXPECT_EQ(*ParseChecksumAlgorithm("crc32c"), ChecksumAlgorithm::kCrc32c);
  EXPECT_EQ(*ParseChecksumAlgorithm("crc64nvme"),
            ChecksumAlgorithm::kCrc64Nvme);
  EXPECT_EQ(*ParseChecksumAlgorithm("sha256"), ChecksumAlgorithm::kSha256);
  EXPECT_EQ(*ParseChecksumAlgorithm("none"), ChecksumAlgorithm::kNone);
  EXPECT_EQ(ParseChecksumAlgorithm("md5").status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace strata::s3
