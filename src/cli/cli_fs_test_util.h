// FsCliTest: the fixture of the `strata fs` end-to-end tests — a scratch
// directory, a `strata server` subprocess on a free port with its data dir
// inside it, and helpers that run `strata fs ...` against that server.
//
// Thread-safety: none needed (tests are single-threaded, except where a
// test starts its own threads on the gRPC stubs).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cli/cli_test_util.h"
#include "cli/server_process_test_util.h"

namespace strata::cli::testing {

class FsCliTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    data_dir_ = Path("data");
    std::string error = server_.Start(data_dir_);
    ASSERT_EQ(error, "");
  }
  void TearDown() override {
    if (server_.running()) {
      int code = server_.Stop();
      EXPECT_EQ(code, 0) << server_.stderr_text();
    }
    CliTest::TearDown();
  }

  // Restarts the server on the same data dir after Stop() or Kill().
  void Restart() {
    std::string error = server_.Start(data_dir_);
    ASSERT_EQ(error, "");
  }

  // strata fs -s ADDR ARGS...
  CliResult Fs(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"fs", "-s", server_.address()};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCli(argv, {"!STRATA_SERVER"});
  }

  // Runs `strata fs ARGS` and expects success with empty stderr; returns
  // stdout.
  std::string FsOk(const std::vector<std::string>& args) {
    CliResult r = Fs(args);
    std::string cmd;
    for (const std::string& a : args) cmd += a + " ";
    EXPECT_EQ(r.exit_code, 0) << cmd << ": " << r.err;
    EXPECT_EQ(r.err, "") << cmd;
    return r.out;
  }

  // A file:// mount of a fresh local directory `name` under the scratch dir
  // at virtual path `mount`; returns the local directory.
  std::string MountLocal(const std::string& mount, const std::string& name,
                         const std::vector<std::string>& options = {}) {
    std::string local = Path(name);
    std::filesystem::create_directories(local);
    std::vector<std::string> args = {"mount"};
    for (const std::string& o : options) {
      args.push_back("-o");
      args.push_back(o);
    }
    args.push_back(mount);
    args.push_back("file://" + local);
    FsOk(args);
    return local;
  }

  // Uploads `data` to virtual `path` through a local file.
  void Upload(const std::string& path, const std::string& data) {
    std::string local = Path("upload.tmp");
    WriteFile(local, data);
    FsOk({"copy-from-local", local, path});
  }

  // Downloads virtual `path` (expecting success) and returns its bytes.
  std::string Download(const std::string& path) {
    std::string local = Path("download.tmp");
    std::filesystem::remove(local);
    FsOk({"copy-to-local", path, local});
    return ReadFile(local);
  }

  ServerProcess server_;
  std::string data_dir_;
};

}  // namespace strata::cli::testing
