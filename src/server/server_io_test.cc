// End-to-end tests of FileService.Read and FileService.Write: streaming,
// ranges, write modes, malformed streams and cancellation.

#include <filesystem>
#include <thread>

#include "server/server_test_util.h"

namespace strata::server::testing {
namespace {

class ServerIoTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    StartServer();
  }
};

TEST_F(ServerIoTest, WriteThreeMiBInChunksThenReadBack) {
  const std::string data = Pattern(3 << 20, 1);
  WriteResult written =
      Write("/big", data, v1::WriteHeader::OVERWRITE, false, 100 << 10);
  ASSERT_TRUE(written.status.ok()) << written.status.error_message();
  EXPECT_EQ(written.response.bytes_written(), data.size());
  EXPECT_EQ(written.response.info().size(), data.size());
  EXPECT_EQ(written.response.info().path(), "/big");
  EXPECT_FALSE(written.response.info().is_dir());
  ReadResult read = Read("/big");
  ASSERT_TRUE(read.status.ok()) << read.status.error_message();
  EXPECT_EQ(read.file_size, data.size());
  EXPECT_EQ(read.messages, 3);  // 1 MiB per message
  EXPECT_TRUE(read.data == data);
}

TEST_F(ServerIoTest, RangedReads) {
  const std::string data = Pattern((2 << 20) + 17, 2);
  ASSERT_TRUE(Write("/r", data).status.ok());
  ReadResult middle = Read("/r", 1000, 5000);
  ASSERT_TRUE(middle.status.ok());
  EXPECT_EQ(middle.file_size, data.size());
  EXPECT_TRUE(middle.data == data.substr(1000, 5000));
  ReadResult tail = Read("/r", (1 << 20) - 3);
  ASSERT_TRUE(tail.status.ok());
  EXPECT_TRUE(tail.data == data.substr((1 << 20) - 3));
  EXPECT_EQ(tail.messages, 2);
  ReadResult beyond = Read("/r", data.size() - 10, 1000);
  EXPECT_TRUE(beyond.data == data.substr(data.size() - 10));
  ReadResult at_end = Read("/r", data.size());
  ASSERT_TRUE(at_end.status.ok());
  EXPECT_EQ(at_end.messages, 1);
  EXPECT_EQ(at_end.file_size, data.size());
  EXPECT_TRUE(at_end.data.empty());
}

TEST_F(ServerIoTest, ReadPastEndIsOutOfRangeNamingPath) {
  ASSERT_TRUE(Write("/small", "abc").status.ok());
  ReadResult read = Read("/small", 4);
  EXPECT_EQ(read.status.error_code(), grpc::StatusCode::OUT_OF_RANGE);
  EXPECT_NE(read.status.error_message().find("/small"), std::string::npos);
}

TEST_F(ServerIoTest, ReadErrors) {
  EXPECT_EQ(Read("/missing").status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Read("missing").status.error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(ServerIoTest, EmptyFile) {
  WriteResult written = Write("/empty", "");
  ASSERT_TRUE(written.status.ok());
  EXPECT_EQ(written.response.bytes_written(), 0u);
  ReadResult read = Read("/empty");
  ASSERT_TRUE(read.status.ok());
  EXPECT_EQ(read.messages, 1);
  EXPECT_EQ(read.file_size, 0u);
}

TEST_F(ServerIoTest, WriteModes) {
  ASSERT_TRUE(Write("/f", "first").status.ok());
  WriteResult again = Write("/f", "x", v1::WriteHeader::CREATE_NEW);
  EXPECT_EQ(again.status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(Read("/f").data, "first");
  ASSERT_TRUE(Write("/f", "second", v1::WriteHeader::OVERWRITE).status.ok());
  EXPECT_EQ(Read("/f").data, "second");
  WriteResult appended = Write("/f", "+more", v1::WriteHeader::APPEND);
  ASSERT_TRUE(appended.status.ok()) << appended.status.error_message();
  EXPECT_EQ(appended.response.bytes_written(), 5u);
  EXPECT_EQ(Read("/f").data, "second+more");
  ASSERT_TRUE(Write("/new", "n", v1::WriteHeader::CREATE_NEW).status.ok());
}

TEST_F(ServerIoTest, WriteParents) {
  EXPECT_EQ(Write("/x/y/z", "d").status.error_code(),
            grpc::StatusCode::NOT_FOUND);
  ASSERT_TRUE(
      Write("/x/y/z", "d", v1::WriteHeader::OVERWRITE, true).status.ok());
  v1::FileInfo info;
  ASSERT_TRUE(Stat("/x/y", &info).ok());
  EXPECT_TRUE(info.is_dir());
}

TEST_F(ServerIoTest, WriteNeedsHeaderFirst) {
  grpc::ClientContext ctx;
  v1::WriteResponse response;
  auto writer = files_->Write(&ctx, &response);
  v1::WriteRequest data;
  data.set_data("oops");
  writer->Write(data);
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("header"), std::string::npos);
}

TEST_F(ServerIoTest, EmptyWriteStreamIsInvalid) {
  grpc::ClientContext ctx;
  v1::WriteResponse response;
  auto writer = files_->Write(&ctx, &response);
  writer->WritesDone();
  EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(ServerIoTest, SecondHeaderAbortsTheWrite) {
  grpc::ClientContext ctx;
  v1::WriteResponse response;
  auto writer = files_->Write(&ctx, &response);
  v1::WriteRequest header;
  header.mutable_header()->set_path("/twice");
  writer->Write(header);
  v1::WriteRequest data;
  data.set_data("abc");
  writer->Write(data);
  writer->Write(header);
  writer->WritesDone();
  EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Stat("/twice").error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(ServerIoTest, WriteToReadonlyMountDenied) {
  ASSERT_TRUE(Mount("/ro", "mem://ro-io/", {{"readonly", "true"}}).ok());
  WriteResult written = Write("/ro/f", "data");
  EXPECT_EQ(written.status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(written.status.error_message().find("/ro"), std::string::npos);
}

// Streams data, then cancels before WritesDone: the file must not appear.
void CancelMidStream(v1::FileService::Stub* stub, const std::string& path) {
  grpc::ClientContext ctx;
  v1::WriteResponse response;
  auto writer = stub->Write(&ctx, &response);
  v1::WriteRequest header;
  header.mutable_header()->set_path(path);
  ASSERT_TRUE(writer->Write(header));
  v1::WriteRequest data;
  data.set_data(Pattern(64 << 10, 3));
  for (int i = 0; i < 8; ++i) ASSERT_TRUE(writer->Write(data));
  ctx.TryCancel();
  EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::CANCELLED);
}

TEST_F(ServerIoTest, CancelledWriteLeavesNoFile) {
  for (int i = 0; i < 5; ++i) {
    CancelMidStream(files_.get(), "/cancelled" + std::to_string(i));
  }
  // The client sees CANCELLED at once; the server's handlers notice later.
  // Shutdown waits for them, and a fresh server (new metadata cache) shows
  // what the backend holds.
  StopServer();
  StartServer();
  for (int i = 0; i < 5; ++i) {
    std::string path = "/cancelled" + std::to_string(i);
    v1::FileInfo info;
    EXPECT_EQ(Stat(path, &info).error_code(), grpc::StatusCode::NOT_FOUND)
        << path << " has " << info.size() << " bytes";
    EXPECT_FALSE(std::filesystem::exists(dir_ + "/data/root" + path));
  }
  ListResult listed = List("/");
  ASSERT_TRUE(listed.status.ok());
  for (const auto& e : listed.entries) {
    EXPECT_EQ(e.path().find("/cancelled"), std::string::npos) << e.path();
  }
}

// Sends a header with expected_size, then `data`, then WritesDone.
grpc::Status WriteWithExpectedSize(v1::FileService::Stub* stub,
                                   const std::string& path,
                                   const std::string& data,
                                   uint64_t expected_size,
                                   v1::WriteResponse* response) {
  grpc::ClientContext ctx;
  auto writer = stub->Write(&ctx, response);
  v1::WriteRequest header;
  header.mutable_header()->set_path(path);
  header.mutable_header()->set_expected_size(expected_size);
  writer->Write(header);
  v1::WriteRequest chunk;
  chunk.set_data(data);
  if (!data.empty()) writer->Write(chunk);
  writer->WritesDone();
  return writer->Finish();
}

TEST_F(ServerIoTest, ShortStreamWithExpectedSizeIsDataLossAndNoFile) {
  v1::WriteResponse response;
  grpc::Status status = WriteWithExpectedSize(
      files_.get(), "/short", Pattern(1000, 4), 5000, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DATA_LOSS);
  EXPECT_NE(status.error_message().find("/short"), std::string::npos);
  EXPECT_NE(status.error_message().find("5000"), std::string::npos);
  EXPECT_NE(status.error_message().find("1000"), std::string::npos);
  EXPECT_EQ(Stat("/short").error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/data/root/short"));
}

TEST_F(ServerIoTest, ShortStreamWithExpectedSizeKeepsOldContent) {
  const std::string old_data = Pattern(3000, 5);
  ASSERT_TRUE(Write("/kept", old_data).status.ok());
  v1::WriteResponse response;
  grpc::Status status = WriteWithExpectedSize(files_.get(), "/kept",
                                              Pattern(10, 6), 20, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DATA_LOSS);
  ReadResult read = Read("/kept");
  ASSERT_TRUE(read.status.ok());
  EXPECT_TRUE(read.data == old_data);
}

TEST_F(ServerIoTest, LongerStreamThanExpectedSizeIsDataLoss) {
  v1::WriteResponse response;
  grpc::Status status =
      WriteWithExpectedSize(files_.get(), "/long", "abcdef", 3, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DATA_LOSS);
  EXPECT_EQ(Stat("/long").error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(ServerIoTest, ExactExpectedSizeCommits) {
  const std::string data = Pattern(4096, 7);
  v1::WriteResponse response;
  grpc::Status status = WriteWithExpectedSize(files_.get(), "/exact", data,
                                              data.size(), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.bytes_written(), data.size());
  EXPECT_EQ(response.info().size(), data.size());
  EXPECT_TRUE(Read("/exact").data == data);
  // An explicit zero is honoured too: an empty file.
  status = WriteWithExpectedSize(files_.get(), "/zero", "", 0, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.info().size(), 0u);
}

TEST_F(ServerIoTest, ConcurrentWritersAndReaders) {
  std::vector<std::thread> threads;
  std::vector<bool> ok(8, false);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([this, t, &ok] {
      std::string path = "/c" + std::to_string(t);
      std::string data = Pattern(100000 + t, t);
      if (!Write(path, data, v1::WriteHeader::OVERWRITE, false, 7000)
               .status.ok()) {
        return;
      }
      ok[t] = Read(path).data == data;
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 8; ++t) EXPECT_TRUE(ok[t]) << t;
}

}  // namespace
}  // namespace strata::server::testing
