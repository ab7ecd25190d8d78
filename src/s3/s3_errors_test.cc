// MapS3Error: the S3 code / HTTP status → Status table and the message.
#include "s3/s3_errors.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "strata/s3/client.h"

namespace strata::s3 {
namespace {

std::string Doc(std::string_view code) {
  std::string doc = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>";
  doc += code;
  doc += "</Code><Message>msg</Message><RequestId>rid-1</RequestId></Error>";
  return doc;
}

struct Row {
  int http;
  const char* code;  // "" = no body
  StatusCode expected;
  bool retryable;
};

TEST(S3ErrorsTest, Table) {
  const Row rows[] = {
      {404, "NoSuchKey", StatusCode::kNotFound, false},
      {404, "NoSuchBucket", StatusCode::kNotFound, false},
      {404, "NoSuchUpload", StatusCode::kNotFound, false},
      {404, "", StatusCode::kNotFound, false},
      {412, "PreconditionFailed", StatusCode::kFailedPrecondition, false},
      {412, "", StatusCode::kFailedPrecondition, false},
      {304, "", StatusCode::kFailedPrecondition, false},
      {403, "AccessDenied", StatusCode::kPermissionDenied, false},
      {403, "InvalidAccessKeyId", StatusCode::kPermissionDenied, false},
      {403, "SignatureDoesNotMatch", StatusCode::kPermissionDenied, false},
      {403, "", StatusCode::kPermissionDenied, false},
      {403, "RequestTimeTooSkewed", StatusCode::kPermissionDenied, true},
      {400, "IncompleteBody", StatusCode::kUnavailable, true},
      {409, "BucketAlreadyExists", StatusCode::kAlreadyExists, false},
      {409, "BucketAlreadyOwnedByYou", StatusCode::kAlreadyExists, false},
      {409, "BucketNotEmpty", StatusCode::kFailedPrecondition, false},
      {409, "ConditionalRequestConflict", StatusCode::kAborted, false},
      {416, "InvalidRange", StatusCode::kOutOfRange, false},
      {416, "", StatusCode::kOutOfRange, false},
      {400, "EntityTooSmall", StatusCode::kInvalidArgument, false},
      {400, "InvalidPart", StatusCode::kInvalidArgument, false},
      {400, "InvalidArgument", StatusCode::kInvalidArgument, false},
      {400, "", StatusCode::kInvalidArgument, false},
      {400, "RequestTimeout", StatusCode::kUnavailable, true},
      {400, "BadDigest", StatusCode::kDataLoss, false},
      {501, "NotImplemented", StatusCode::kUnimplemented, false},
      {500, "InternalError", StatusCode::kUnavailable, true},
      {500, "", StatusCode::kUnavailable, true},
      {502, "", StatusCode::kUnavailable, true},
      {503, "SlowDown", StatusCode::kUnavailable, true},
      {503, "", StatusCode::kUnavailable, true},
      {504, "", StatusCode::kUnavailable, true},
      {429, "", StatusCode::kUnavailable, true},
      {400, "Throttling", StatusCode::kUnavailable, true},
      {418, "", StatusCode::kInvalidArgument, false},
      {200, "InternalError", StatusCode::kUnavailable, true},
      {200, "SomethingOdd", StatusCode::kInternal, false},
  };
  for (const Row& row : rows) {
    std::string body = *row.code ? Doc(row.code) : "";
    Status st = MapS3Error(row.http, body, "GET s3://b/k");
    EXPECT_EQ(st.code(), row.expected) << row.http << " " << row.code;
    EXPECT_EQ(st.retryable(), row.retryable) << row.http << " " << row.code;
  }
}

TEST(S3ErrorsTest, Message) {
  Status st = MapS3Error(404, Doc("NoSuchKey"), "GET s3://b/k");
  EXPECT_EQ(st.message(), "GET s3://b/k: NoSuchKey: msg (request id rid-1)");
  Status head = MapS3Error(404, "", "HEAD s3://b/k");
  EXPECT_EQ(head.message(), "HEAD s3://b/k: HTTP 404");
  Status junk = MapS3Error(500, "<html>oops", "PUT s3://b/k");
  EXPECT_EQ(junk.code(), StatusCode::kUnavailable);
  EXPECT_EQ(junk.message(), "PUT s3://b/k: HTTP 500");
}

TEST(S3ErrorsTest, ResponseHeaderRequestId) {
  http::Response resp;
  resp.status = 404;
  resp.headers = {{"x-amz-request-id", "hdr-id"}};
  Status st = MapS3Response(resp, "", "HEAD s3://b/k");
  EXPECT_EQ(st.message(), "HEAD s3://b/k: HTTP 404 (request id hdr-id)");
}

TEST(S3ErrorsTest, ErrorDocumentDetection) {
  EXPECT_TRUE(IsErrorDocument(Doc("InternalError")));
  EXPECT_FALSE(
      IsErrorDocument("<CopyObjectResult><ETag>x</ETag>"
                      "</CopyObjectResult>"));
  EXPECT_FALSE(IsErrorDocument(""));
  EXPECT_FALSE(IsErrorDocument("<Error"));
  ErrorDocument doc;
  EXPECT_TRUE(ParseErrorDocument(Doc("SlowDown"), &doc));
  EXPECT_EQ(doc.code, "SlowDown");
  EXPECT_EQ(doc.request_id, "rid-1");
  EXPECT_TRUE(IsRetryableS3Code("SlowDown"));
  EXPECT_FALSE(IsRetryableS3Code("AccessDenied"));
}

}  // namespace
}  // namespace strata::s3
