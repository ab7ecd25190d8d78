// S3FileSystem against radosgw: append (small and UploadPartCopy), multipart
// writes, Abort, create-only conflicts, readahead and range coalescing
// (requests counted through a pass-through FaultProxy).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>

#include "http/testing/test_server.h"
#include "s3/s3_fs_test_env.h"

namespace strata::s3 {
namespace {

using testing_env::Bytes;
using testing_env::MutBytes;
using testing_env::RandomBytes;
using testing_env::RgwFixture;

class S3FsTest : public RgwFixture {};

TEST_F(S3FsTest, AppendSmallKeepsContentTypeAndMetadata) {
  PutOptions put;
  put.content_type = "text/x-strata";
  put.metadata["color"] = "blue";
  ASSERT_TRUE(PutRaw("small", "head-bytes", put).ok());
  ASSERT_TRUE(WriteFs("small", "+tail", fs::OpenOptions::Append()).ok());
  EXPECT_EQ(ReadFs("small"), "head-bytes+tail");
  auto head = Head("small");
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->content_type, "text/x-strata");
  EXPECT_EQ(head->metadata["color"], "blue");
}

TEST_F(S3FsTest, AppendLargeUsesUploadPartCopy) {
  const std::string base = RandomBytes(6 << 20, 1);
  const std::string tail = RandomBytes((1 << 20) + 7, 2);
  PutOptions put;
  put.content_type = "application/x-big";
  put.metadata["owner"] = "strata";
  ASSERT_TRUE(PutRaw("large", base, put).ok());
  ASSERT_TRUE(WriteFs("large", tail, fs::OpenOptions::Append()).ok());
  const std::string back = ReadFs("large");
  ASSERT_EQ(back.size(), base.size() + tail.size());
  EXPECT_TRUE(back == base + tail) << "appended content differs";
  auto head = Head("large");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->content_type, "application/x-big");
  EXPECT_EQ(head->metadata["owner"], "strata");
  EXPECT_NE(head->etag.find('-'), std::string::npos) << "not multipart";
}

TEST_F(S3FsTest, AppendToMissingCreates) {
  ASSERT_TRUE(WriteFs("fresh", "x", fs::OpenOptions::Append()).ok());
  EXPECT_EQ(ReadFs("fresh"), "x");
}

TEST_F(S3FsTest, MultipartWriteIsByteExact) {
  const std::string data = RandomBytes((20 << 20) + 12345, 3);
  auto file = Run(fs_->Open(Path("mp"), fs::OpenOptions::Overwrite()));
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  for (size_t pos = 0; pos < data.size(); pos += 1000003) {
    std::string_view chunk = std::string_view(data).substr(pos, 1000003);
    ASSERT_TRUE(Run((*file)->Write(Bytes(chunk))).ok());
  }
  ASSERT_TRUE(Run((*file)->Close()).ok());
  EXPECT_TRUE(ReadFs("mp") == data) << "multipart content differs";
  auto head = Head("mp");
  ASSERT_TRUE(head.ok());
  EXPECT_NE(head->etag.find('-'), std::string::npos) << "not multipart";
}

TEST_F(S3FsTest, AbortLeavesNoObjectAndNoUpload) {
  auto file = Run(fs_->Open(Path("aborted"), fs::OpenOptions::Overwrite()));
  ASSERT_TRUE(file.ok());
  const std::string data = RandomBytes(11 << 20, 4);
  ASSERT_TRUE(Run((*file)->Write(Bytes(data))).ok());
  EXPECT_EQ(PendingUploads(), 1u) << "the multipart upload did not start";
  ASSERT_TRUE(Run((*file)->Abort()).ok());
  EXPECT_EQ(Run(fs_->Stat(Path("aborted"))).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(PendingUploads(), 0u);
}

TEST_F(S3FsTest, FailedCloseAbortsTheUpload) {
  ASSERT_TRUE(WriteFs("taken", "first", fs::OpenOptions::Overwrite()).ok());
  Status st =
      WriteFs("taken", RandomBytes(6 << 20, 5), fs::OpenOptions::CreateNew());
  EXPECT_EQ(st.code(), StatusCode::kAlreadyExists) << st.ToString();
  EXPECT_THAT(std::string(st.message()), ::testing::HasSubstr(Path("taken")));
  EXPECT_EQ(ReadFs("taken"), "first");
  EXPECT_EQ(PendingUploads(), 0u);
  st = WriteFs("taken", "second", fs::OpenOptions::CreateNew());
  EXPECT_EQ(st.code(), StatusCode::kAlreadyExists) << st.ToString();
}

TEST_F(S3FsTest, SequentialReadsReadAhead) {
  const std::string data = RandomBytes(8 << 20, 6);
  ASSERT_TRUE(WriteFs("seq", data, fs::OpenOptions::Overwrite()).ok());
  auto proxied = ProxiedFs();
  ASSERT_TRUE(proxied.ok()) << proxied.status().ToString();
  auto file = Run((*proxied)->Open(Path("seq"), fs::OpenOptions::ReadOnly()));
  ASSERT_TRUE(file.ok());
  const size_t before = proxy_->requests_seen();
  std::string back, buf(4096, '\0');
  for (;;) {
    auto n = Run((*file)->ReadAt(MutBytes(buf), back.size()));
    ASSERT_TRUE(n.ok()) << n.status().ToString();
    if (*n == 0) break;
    back.append(buf.data(), *n);
  }
  const size_t gets = proxy_->requests_seen() - before;
  EXPECT_TRUE(back == data);
  EXPECT_LE(gets, 16u) << "2048 sequential 4 KiB reads took " << gets
                       << " requests";
  RecordProperty("sequential_gets", static_cast<int>(gets));
  ASSERT_TRUE(Run((*file)->Close()).ok());
}

TEST_F(S3FsTest, ReadRangesCoalesce) {
  const std::string data = RandomBytes(4 << 20, 7);
  ASSERT_TRUE(WriteFs("ranges", data, fs::OpenOptions::Overwrite()).ok());
  auto proxied = ProxiedFs();
  ASSERT_TRUE(proxied.ok());
  auto file =
      Run((*proxied)->Open(Path("ranges"), fs::OpenOptions::ReadOnly()));
  ASSERT_TRUE(file.ok());
  std::vector<std::string> bufs(64, std::string(1000, '\0'));
  std::vector<fs::ReadRange> ranges;
  for (size_t i = 0; i < bufs.size(); ++i) {
    // Out of order, 16 KiB apart, plus one past EOF and one far away.
    const uint64_t offset = ((i * 37) % 64) * 16384 + i;
    ranges.push_back(fs::ReadRange{offset, MutBytes(bufs[i])});
  }
  ranges[5].offset = data.size() - 10;  // short at EOF
  const size_t before = proxy_->requests_seen();
  auto counts = Run((*file)->ReadRanges(ranges));
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  const size_t gets = proxy_->requests_seen() - before;
  EXPECT_LE(gets, 2u) << "64 nearby ranges took " << gets << " requests";
  for (size_t i = 0; i < ranges.size(); ++i) {
    const size_t want = std::min<size_t>(1000, data.size() - ranges[i].offset);
    ASSERT_EQ((*counts)[i], want) << "range " << i;
    EXPECT_EQ(bufs[i].substr(0, want), data.substr(ranges[i].offset, want))
        << "range " << i;
  }
  ASSERT_TRUE(Run((*file)->Close()).ok());
}

}  // namespace
}  // namespace strata::s3
