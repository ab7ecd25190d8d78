// `strata fs` under load and crashes: 100 concurrent gRPC clients writing
// and reading distinct files, kill -9 of the server and restart on the same
// data dir (mounts and every completed write survive), and a smoke test of
// `strata bench meta`.

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "cli/cli_fs_test_util.h"
#include "strata/v1/file.grpc.pb.h"

namespace strata::cli::testing {
namespace {

using ::testing::HasSubstr;

constexpr int kClients = 100;

// Size of client i's file: empty, small, and a few over the 1 MiB message.
size_t SizeOf(int i) {
  if (i % 25 == 0) return static_cast<size_t>(i) * 1000 + (size_t{1} << 20);
  return static_cast<size_t>(i) * 131;
}

// Writes `data` to `path` in 64 KiB messages; "" on success.
std::string WriteRemote(strata::v1::FileService::Stub& stub,
                        const std::string& path, const std::string& data) {
  grpc::ClientContext context;
  strata::v1::WriteResponse response;
  auto writer = stub.Write(&context, &response);
  strata::v1::WriteRequest message;
  message.mutable_header()->set_path(path);
  message.mutable_header()->set_parents(true);
  bool ok = writer->Write(message);
  for (size_t at = 0; ok && at < data.size(); at += 65536) {
    message.set_data(data.substr(at, 65536));
    ok = writer->Write(message);
  }
  if (ok) writer->WritesDone();
  grpc::Status status = writer->Finish();
  if (!status.ok()) return path + ": " + status.error_message();
  if (response.bytes_written() != data.size()) return path + ": short write";
  return "";
}

// Reads `path` whole; sets *error on failure.
std::string ReadWhole(strata::v1::FileService::Stub& stub,
                      const std::string& path, std::string* error) {
  grpc::ClientContext context;
  strata::v1::ReadRequest request;
  request.set_path(path);
  auto reader = stub.Read(&context, request);
  strata::v1::ReadResponse chunk;
  std::string data;
  while (reader->Read(&chunk)) data += chunk.data();
  grpc::Status status = reader->Finish();
  if (!status.ok()) *error = path + ": " + status.error_message();
  return data;
}

TEST_F(FsCliTest, HundredConcurrentClientsWriteAndReadDistinctFiles) {
  MountLocal("/local", "local");
  FsOk({"mount", "/mem", "mem://h5-concurrent/"});
  std::vector<std::string> errors(kClients);
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      // Each client its own channel, as separate processes would have.
      grpc::ChannelArguments args;
      args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
      auto stub = strata::v1::FileService::NewStub(grpc::CreateCustomChannel(
          server_.address(), grpc::InsecureChannelCredentials(), args));
      const char* mounts[] = {"/", "/local/", "/mem/"};
      std::string path = std::string(mounts[i % 3]) + "c" +
                         std::to_string(i % 10) + "/f" + std::to_string(i);
      std::string data = RandomBytes(SizeOf(i), 1000 + i);
      errors[i] = WriteRemote(*stub, path, data);
      if (!errors[i].empty()) return;
      std::string back = ReadWhole(*stub, path, &errors[i]);
      if (errors[i].empty() && back != data) errors[i] = path + ": differs";
    });
  }
  for (std::thread& t : threads) t.join();
  for (int i = 0; i < kClients; ++i) EXPECT_EQ(errors[i], "") << i;
  // Every file is listed once.
  std::string listing = FsOk({"ls", "-R", "/"});
  for (int i = 0; i < kClients; ++i) {
    EXPECT_THAT(listing, HasSubstr("/f" + std::to_string(i) + "\n")) << i;
  }
}

TEST_F(FsCliTest, KillNineKeepsMountsAndCompletedWrites) {
  std::string local = MountLocal("/keep", "keep", {"sync_interval=never"});
  FsOk({"mkdir", "-p", "/keep/dir/sub"});
  FsOk({"mkdir", "/rootdir"});
  std::vector<std::pair<std::string, std::string>> files;
  for (int i = 0; i < 12; ++i) {
    std::string path =
        (i % 2 == 0 ? "/keep/dir/sub/f" : "/rootdir/f") + std::to_string(i);
    files.emplace_back(path, RandomBytes(i * 70001 + 1, 77 + i));
    Upload(path, files.back().second);
  }
  FsOk({"mv", "/keep/dir/sub/f0", "/keep/dir/moved"});
  files[0].first = "/keep/dir/moved";
  std::string mounts = FsOk({"mounts", "--json"});
  server_.Kill();
  Restart();
  EXPECT_EQ(FsOk({"mounts", "--json"}), mounts);
  for (const auto& [path, data] : files) {
    EXPECT_TRUE(Download(path) == data) << path;
  }
  EXPECT_THAT(FsOk({"ls", "/keep/dir"}), HasSubstr("moved\n"));
  ExpectOneLineError(Fs({"stat", "/keep/dir/sub/f0"}), "/keep/dir/sub/f0");
  // The restarted server keeps working.
  Upload("/keep/after", "after restart");
  EXPECT_EQ(FsOk({"cat", "/keep/after"}), "after restart");
}

TEST_F(FsCliTest, BenchMetaSmoke) {
  CliResult r = RunCli({"bench", "meta", "--server", server_.address(),
                        "--clients", "2", "--ops", "20", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << r.out;
  for (const char* op : {"ping", "stat", "mkdir", "list", "create", "read"}) {
    ASSERT_TRUE(j.contains(op)) << op << " in " << r.out;
    EXPECT_TRUE(j[op].contains("ops_per_sec")) << op;
    EXPECT_TRUE(j[op].contains("p50_us")) << op;
    EXPECT_TRUE(j[op].contains("p99_us")) << op;
    EXPECT_EQ(j[op].value("ops", 0), 40) << op;
    EXPECT_EQ(j[op].contains("ratio_to_ping"), std::string(op) != "ping");
  }
  // The scratch tree is gone.
  EXPECT_THAT(FsOk({"ls", "/"}), ::testing::Not(HasSubstr("bench-")));
  // The text table has a row per operation.
  r = RunCli({"bench", "meta", "-s", server_.address(), "--clients", "1",
              "--ops", "5"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* op : {"ping", "stat", "mkdir", "list", "create", "read"}) {
    EXPECT_THAT(r.out, HasSubstr(std::string("\n") + op + " ")) << r.out;
  }
}

}  // namespace
}  // namespace strata::cli::testing
