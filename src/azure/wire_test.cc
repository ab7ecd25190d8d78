// Unit tests: the error mapping table and the XML documents.
#include "azure/wire.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "strata/azure/client.h"

namespace strata::azure {
namespace {

using ::testing::HasSubstr;

struct MapCase {
  int http;
  const char* code;
  StatusCode want;
  bool retryable;
};

TEST(AzureErrors, MappingTable) {
  const MapCase cases[] = {
      {404, "BlobNotFound", StatusCode::kNotFound, false},
      {404, "ContainerNotFound", StatusCode::kNotFound, false},
      {404, "", StatusCode::kNotFound, false},
      {412, "ConditionNotMet", StatusCode::kFailedPrecondition, false},
      {412, "", StatusCode::kFailedPrecondition, false},
      {412, "AppendPositionConditionNotMet", StatusCode::kFailedPrecondition,
       false},
      {409, "BlobAlreadyExists", StatusCode::kAlreadyExists, false},
      {409, "ContainerAlreadyExists", StatusCode::kAlreadyExists, false},
      {409, "LeaseIdMissing", StatusCode::kFailedPrecondition, false},
      {403, "AuthenticationFailed", StatusCode::kPermissionDenied, false},
      {403, "AuthorizationFailure", StatusCode::kPermissionDenied, false},
      {403, "", StatusCode::kPermissionDenied, false},
      {416, "InvalidRange", StatusCode::kOutOfRange, false},
      {416, "", StatusCode::kOutOfRange, false},
      {500, "InternalError", StatusCode::kUnavailable, true},
      {503, "ServerBusy", StatusCode::kUnavailable, true},
      {500, "OperationTimedOut", StatusCode::kUnavailable, true},
      {502, "", StatusCode::kUnavailable, true},
      {429, "", StatusCode::kUnavailable, true},
      {501, "NotImplemented", StatusCode::kUnimplemented, false},
      {400, "InvalidHeaderValue", StatusCode::kInvalidArgument, false},
      {400, "InvalidBlockList", StatusCode::kInvalidArgument, false},
  };
  for (const MapCase& c : cases) {
    Status st = MapAzureError(c.http, c.code, "", "PUT az://c/b", "req-1");
    EXPECT_EQ(st.code(), c.want) << c.http << " " << c.code;
    EXPECT_EQ(st.retryable(), c.retryable) << c.http << " " << c.code;
    EXPECT_THAT(std::string(st.message()), HasSubstr("PUT az://c/b"));
    EXPECT_THAT(std::string(st.message()), HasSubstr(c.code));
    EXPECT_THAT(std::string(st.message()), HasSubstr("req-1"));
  }
}

TEST(AzureErrors, CodeFromBodyWhenHeaderMissing) {
  Status st = MapAzureError(
      404, "",
      "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>BlobNotFound"
      "</Code><Message>The specified blob does not exist.\nRequestId:x\n"
      "Time:y</Message></Error>",
      "GET az://c/missing", "");
  EXPECT_EQ(st.code(), StatusCode::kNotFound);
  EXPECT_THAT(std::string(st.message()), HasSubstr("BlobNotFound"));
  EXPECT_THAT(std::string(st.message()), HasSubstr("does not exist"));
  EXPECT_THAT(std::string(st.message()), ::testing::Not(HasSubstr("Time:")));
}

TEST(AzureWire, ListBlobs) {
  const char* xml = R"(<?xml version="1.0" encoding="utf-8"?>
<EnumerationResults ServiceEndpoint="http://127.0.0.1:10000/devstoreaccount1"
    ContainerName="c">
  <Prefix>d/</Prefix><MaxResults>2</MaxResults><Delimiter>/</Delimiter>
  <Blobs>
    <Blob><Name>d/a.txt</Name><Properties>
      <Last-Modified>Fri, 01 Mar 2024 12:00:00 GMT</Last-Modified>
      <Etag>0x8DC39F0A1B2C3D4</Etag><Content-Length>42</Content-Length>
      <Content-Type>text/plain</Content-Type><BlobType>AppendBlob</BlobType>
    </Properties><Metadata><Owner>me</Owner></Metadata></Blob>
    <BlobPrefix><Name>d/sub/</Name></BlobPrefix>
  </Blobs>
  <NextMarker>2!48!opaque</NextMarker>
</EnumerationResults>)";
  auto r = wire::ParseListBlobs(xml);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->blobs.size(), 1u);
  const BlobProperties& b = r->blobs[0];
  EXPECT_EQ(b.name, "d/a.txt");
  EXPECT_EQ(b.size, 42u);
  EXPECT_EQ(b.etag, "0x8DC39F0A1B2C3D4");
  EXPECT_EQ(b.type, BlobType::kAppend);
  EXPECT_EQ(b.content_type, "text/plain");
  EXPECT_EQ(b.metadata.at("owner"), "me");
  EXPECT_EQ(std::chrono::system_clock::to_time_t(b.last_modified), 1709294400);
  ASSERT_EQ(r->prefixes.size(), 1u);
  EXPECT_EQ(r->prefixes[0], "d/sub/");
  EXPECT_EQ(r->next_marker, "2!48!opaque");
}

TEST(AzureWire, ListBlobsEndAndErrors) {
  auto empty = wire::ParseListBlobs(
      "<EnumerationResults><Blobs/><NextMarker/></EnumerationResults>");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->blobs.empty());
  EXPECT_TRUE(empty->next_marker.empty());
  EXPECT_EQ(wire::ParseListBlobs("<nope/>").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(
      wire::ParseListBlobs("<EnumerationResults><Blobs><Blob>").status().code(),
      StatusCode::kInvalidArgument);
  EXPECT_FALSE(
      wire::ParseListBlobs("<EnumerationResults><Blobs><Blob><Name>x</Name>"
                           "<Properties><Content-Length>-1</Content-Length>"
                           "</Properties></Blob></Blobs></EnumerationResults>")
          .ok());
}

TEST(AzureWire, BlockListRoundTrip) {
  std::vector<BlockRef> refs(3);
  refs[0].id = BlockId(0, 0);
  refs[0].list = BlockRef::List::kCommitted;
  refs[1].id = BlockId(0, 1);
  refs[1].list = BlockRef::List::kUncommitted;
  refs[2].id = BlockId(0, 2);
  EXPECT_EQ(
      wire::BlockListXml(refs),
      "<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>"
      "<Committed>MDAwMDAwMDAwMDAwMDAwMC0wMDAwMDAwMDAw</Committed>"
      "<Uncommitted>MDAwMDAwMDAwMDAwMDAwMC0wMDAwMDAwMDAx</Uncommitted>"
      "<Latest>MDAwMDAwMDAwMDAwMDAwMC0wMDAwMDAwMDAy</Latest></BlockList>");
  auto parsed = wire::ParseBlockList(
      "<BlockList><CommittedBlocks><Block><Name>QUFB</Name><Size>5</Size>"
      "</Block><Block><Name>QkJC</Name><Size>7</Size></Block>"
      "</CommittedBlocks><UncommittedBlocks/></BlockList>");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_EQ((*parsed)[1].id, "QkJC");
  EXPECT_EQ((*parsed)[1].size, 7u);
  EXPECT_FALSE(wire::ParseBlockList("<BlockList><CommittedBlocks><Block>"
                                    "<Name>Q</Name></Block></CommittedBlocks>"
                                    "</BlockList>")
                   .ok());
}

TEST(AzureWire, BlockIdsHaveFixedWidth) {
  EXPECT_EQ(BlockId(0xabcdef, 7), "MDAwMDAwMDAwMGFiY2RlZi0wMDAwMDAwMDA3");
  EXPECT_EQ(BlockId(0, 0).size(), BlockId(~uint64_t{0}, 4000000000u).size());
  EXPECT_NE(BlockId(1, 1), BlockId(2, 1));
}

TEST(AzureWire, HttpDates) {
  auto t = wire::ParseHttpDate("Thu, 01 Jan 1970 00:00:10 GMT");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*t), 10);
  EXPECT_FALSE(wire::ParseHttpDate("yesterday").has_value());
  EXPECT_FALSE(
      wire::ParseHttpDate("Thu, 01 Jan 1970 00:00:10 GMTxx").has_value());
}

}  // namespace
}  // namespace strata::azure
