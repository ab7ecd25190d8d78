// S3FileSystem against radosgw: append (small and UploadPartCopy), multipart
// writes, Abort, create-only conflicts, readahead and range coalescing,
// one-request small-file reads and (dir_check=false) writes (requests counted
// through a pass-through FaultProxy).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>

#include "http/testing/test_server.h"
#include "s3/s3_fs_test_env.h"
#include "strata/fs/registry.h"

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

TEST_F(S3FsTest, SmallFileReadIsOneRequest) {
  const std::string data = RandomBytes(4096, 8);
  ASSERT_TRUE(WriteFs("small4k", data, fs::OpenOptions::Overwrite()).ok());
  auto proxied = ProxiedFs();
  ASSERT_TRUE(proxied.ok()) << proxied.status().ToString();
  const size_t before = proxy_->requests_seen();
  auto file =
      Run((*proxied)->Open(Path("small4k"), fs::OpenOptions::ReadOnly()));
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  auto size = Run((*file)->Size());
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, data.size());
  std::string back(8192, '\0');
  auto n = Run((*file)->ReadAt(MutBytes(back), 0));
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  ASSERT_EQ(*n, data.size());
  back.resize(*n);
  EXPECT_TRUE(back == data) << "content differs";
  std::string tail(10, '\0');
  auto mid = Run((*file)->ReadAt(MutBytes(tail), 4090));
  ASSERT_TRUE(mid.ok());
  ASSERT_EQ(*mid, 6u);
  EXPECT_EQ(tail.substr(0, 6), data.substr(4090));
  auto eof = Run((*file)->ReadAt(MutBytes(tail), data.size()));
  ASSERT_TRUE(eof.ok());
  EXPECT_EQ(*eof, 0u);
  ASSERT_TRUE(Run((*file)->Close()).ok());
  EXPECT_EQ(proxy_->requests_seen() - before, 1u);
}

TEST_F(S3FsTest, OpenReadKeepsEtagConditionsAndMissingErrors) {
  ASSERT_TRUE(WriteFs("cond", "abc", fs::OpenOptions::Overwrite()).ok());
  auto head = Head("cond");
  ASSERT_TRUE(head.ok());
  fs::OpenOptions o = fs::OpenOptions::ReadOnly();
  o.if_match = head->etag;
  EXPECT_TRUE(Run(fs_->Open(Path("cond"), o)).ok());
  o.if_match = "not-the-etag";
  EXPECT_EQ(Run(fs_->Open(Path("cond"), o)).status().code(),
            StatusCode::kFailedPrecondition);
  o = fs::OpenOptions::ReadOnly();
  o.if_none_match = "*";
  EXPECT_EQ(Run(fs_->Open(Path("cond"), o)).status().code(),
            StatusCode::kFailedPrecondition);
  auto missing = Run(fs_->Open(Path("nope"), fs::OpenOptions::ReadOnly()));
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.status().message()),
              ::testing::HasSubstr("nope"));
  ASSERT_TRUE(WriteFs("dir/inner", "x", fs::OpenOptions::Overwrite()).ok());
  EXPECT_EQ(
      Run(fs_->Open(Path("dir"), fs::OpenOptions::ReadOnly())).status().code(),
      StatusCode::kInvalidArgument);
}

TEST_F(S3FsTest, EmptyObjectOpensAsSizeZero) {
  ASSERT_TRUE(PutRaw("empty", "", PutOptions()).ok());
  auto file = Run(fs_->Open(Path("empty"), fs::OpenOptions::ReadOnly()));
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  auto size = Run((*file)->Size());
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, 0u);
  std::string buf(16, '\0');
  auto n = Run((*file)->ReadAt(MutBytes(buf), 0));
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 0u);
  ASSERT_TRUE(Run((*file)->Close()).ok());
  EXPECT_EQ(ReadFs("empty"), "");
  // Through the proxy: the ranged GET is refused (416), then one HEAD.
  auto proxied = ProxiedFs();
  ASSERT_TRUE(proxied.ok()) << proxied.status().ToString();
  const size_t before = proxy_->requests_seen();
  EXPECT_EQ(ReadFs("empty", proxied->get()), "");
  EXPECT_EQ(proxy_->requests_seen() - before, 2u);
}

TEST_F(S3FsTest, FileOneByteOverFirstWindowIsExact) {
  const size_t window = FsOptions().min_readahead;
  const std::string data = RandomBytes(window + 1, 9);
  ASSERT_TRUE(WriteFs("edge", data, fs::OpenOptions::Overwrite()).ok());
  EXPECT_TRUE(ReadFs("edge") == data) << "content differs";
  auto file = Run(fs_->Open(Path("edge"), fs::OpenOptions::ReadOnly()));
  ASSERT_TRUE(file.ok());
  std::string last(4, '\0');
  auto n = Run((*file)->ReadAt(MutBytes(last), window));
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  ASSERT_EQ(*n, 1u);
  EXPECT_EQ(last[0], data[window]);
  std::string across(8, '\0');
  n = Run((*file)->ReadAt(MutBytes(across), window - 4));
  ASSERT_TRUE(n.ok());
  ASSERT_EQ(*n, 5u);
  EXPECT_EQ(across.substr(0, 5), data.substr(window - 4));
  ASSERT_TRUE(Run((*file)->Close()).ok());
}

TEST_F(S3FsTest, DirCheckFalseWriteIsOneRequest) {
  ASSERT_TRUE(ProxiedFs().ok());
  FileSystemOptions o = FsOptions();
  o.shared_client = proxied_client_;
  o.check_directory_on_write = false;
  auto fast = NewS3FileSystem(o);
  ASSERT_TRUE(fast.ok()) << fast.status().ToString();
  const std::string data = RandomBytes(4096, 10);
  size_t before = proxy_->requests_seen();
  ASSERT_TRUE(
      WriteFs("fast", data, fs::OpenOptions::Overwrite(), fast->get()).ok());
  EXPECT_EQ(proxy_->requests_seen() - before, 1u);
  EXPECT_TRUE(ReadFs("fast") == data);
  // The default checks for a directory (one LIST) and refuses to write a
  // file over one.
  before = proxy_->requests_seen();
  ASSERT_TRUE(
      WriteFs("checked", data, fs::OpenOptions::Overwrite(), proxied_.get())
          .ok());
  EXPECT_EQ(proxy_->requests_seen() - before, 2u);
  ASSERT_TRUE(Run(fs_->CreateDir(Path("adir"), false)).ok());
  Status st = WriteFs("adir", "x", fs::OpenOptions::Overwrite());
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << st.ToString();
  EXPECT_THAT(std::string(st.message()), ::testing::HasSubstr("directory"));
}

TEST(S3Registry, DirCheckQueryParameter) {
  ASSERT_TRUE(RegisterSchemes().ok());
  auto bad = fs::OpenFileSystem(
      "s3://bucket/key?endpoint=http://127.0.0.1:1&dir_check=maybe");
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()),
              ::testing::HasSubstr("dir_check"));
  auto good = fs::OpenFileSystem(
      "s3://bucket/key?endpoint=http://127.0.0.1:1&dir_check=false");
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  EXPECT_EQ(good->path, "/bucket/key");
}

}  // namespace
}  // namespace strata::s3
