// Bad input to `strata fs`: usage errors (exit 2), runtime errors (exit 1,
// one line naming the path), escapes with "..", huge names, and an
// unreachable server ("cannot reach server at ...").

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "cli/cli_fs_test_util.h"

namespace strata::cli::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST_F(FsCliTest, UsageErrorsExitTwo) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{
           {},
           {"ls"},
           {"bogus", "/"},
           {"mount", "/x"},
           {"mount", "-o", "novalue", "/x", "mem://h5-u/"},
           {"mount", "-o", "=v", "/x", "mem://h5-u/"},
           {"mv", "/a"},
           {"cp", "/a", "/b", "/c"},
           {"copy-from-local", "only-one"},
           {"ls", "--nope", "/"}}) {
    CliResult r = Fs(args);
    std::string cmd;
    for (const std::string& a : args) cmd += a + " ";
    EXPECT_EQ(r.exit_code, 2) << cmd << ": " << r.err;
  }
  // Nothing was mounted by the rejected commands.
  EXPECT_THAT(FsOk({"mounts"}), Not(HasSubstr("/x")));
}

TEST_F(FsCliTest, MissingPathsAreNamed) {
  ExpectOneLineError(Fs({"stat", "/no/such/file"}), "/no/such/file");
  ExpectOneLineError(Fs({"ls", "/no/such/dir"}), "/no/such/dir");
  ExpectOneLineError(Fs({"cat", "/nofile"}), "/nofile");
  ExpectOneLineError(Fs({"rm", "/nofile"}), "/nofile");
  ExpectOneLineError(Fs({"sync", "/nodir"}), "/nodir");
}

// Every form of `..` stays inside the namespace: a path above the root is
// refused or resolves to the root itself, never to the host's /etc.
TEST_F(FsCliTest, DotDotNeverEscapes) {
  std::string local = MountLocal("/m", "m");
  CliResult r = Fs({"cat", "/../etc/passwd"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_EQ(Lines(r.err).size(), 1u) << r.err;
  EXPECT_THAT(r.out, Not(HasSubstr("root:")));
  r = Fs({"cat", "/m/../../../../../../etc/passwd"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, Not(HasSubstr("root:")));
  ExpectOneLineError(Fs({"stat", "/../etc"}), "etc");
  // Writing through ".." never lands outside the mount's directory.
  WriteFile(Path("payload"), "x");
  r = Fs({"copy-from-local", Path("payload"), "/m/../../escaped"});
  EXPECT_FALSE(std::filesystem::exists(Path("escaped")));
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/../escaped"));
  // Resolved inside the namespace ("/escaped" under the root) or refused.
  if (r.exit_code == 0) {
    EXPECT_EQ(FsOk({"cat", "/escaped"}), "x");
  } else {
    EXPECT_EQ(Lines(r.err).size(), 1u) << r.err;
  }
}

TEST_F(FsCliTest, HugeNamesAreRefusedAndChangeNothing) {
  MountLocal("/m", "m");
  std::string before = FsOk({"ls", "-R", "/"});
  std::string huge(300, 'n');
  ExpectOneLineError(Fs({"mkdir", "/m/" + huge}), "/m/nnnn");
  ExpectOneLineError(Fs({"mkdir", "-p", "/m/a/" + huge + "/b"}), "/m/a/nnnn");
  WriteFile(Path("f"), "data");
  ExpectOneLineError(Fs({"copy-from-local", Path("f"), "/" + huge}), "/nnnn");
  ExpectOneLineError(Fs({"mount", "/" + huge, "mem://h5-huge/"}), "/nnnn");
  ExpectOneLineError(Fs({"stat", "/m/" + huge}), "/m/nnnn");
  EXPECT_EQ(FsOk({"ls", "-R", "/"}), before);
  EXPECT_THAT(FsOk({"mounts"}), Not(HasSubstr("nnnn")));
}

TEST_F(FsCliTest, BadNamesAreRefused) {
  for (const std::string& path :
       {std::string("relative/path"), std::string("/a\nb"), std::string("")}) {
    CliResult r = Fs({"mkdir", path});
    EXPECT_EQ(r.exit_code, 1) << "'" << path << "': " << r.err;
    EXPECT_EQ(Lines(r.err).size(), 1u) << r.err;
  }
}

TEST_F(FsCliTest, DownServerIsReportedClearly) {
  std::string address = server_.address();
  ASSERT_EQ(server_.Stop(), 0);
  CliResult r = Fs({"ls", "/"});
  ExpectOneLineError(r, "cannot reach server at " + address);
  r = Fs({"mounts"});
  ExpectOneLineError(r, "cannot reach server at " + address);
  WriteFile(Path("f"), "x");
  ExpectOneLineError(Fs({"copy-from-local", Path("f"), "/f"}),
                     "cannot reach server at " + address);
  ExpectOneLineError(
      RunCli({"bench", "meta", "--server", address, "--ops", "1"}),
      "cannot reach server at " + address);
  Restart();  // TearDown stops it again
}

// "127.0.0.1:PORT" where nothing listens: a port the kernel just handed
// out and that was closed again.
std::string UnusedAddress() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), len), 0);
  EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ::close(fd);
  return "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
}

TEST(FsCliNoServerTest, EnvironmentAddressIsUsed) {
  std::string address = UnusedAddress();
  CliResult r = RunCli({"fs", "ls", "/"}, {"STRATA_SERVER=" + address});
  ExpectOneLineError(r, "cannot reach server at " + address);
  r = RunCli({"fs", "-s", address, "stat", "/"}, {"!STRATA_SERVER"});
  ExpectOneLineError(r, "cannot reach server at " + address);
  // The flag wins over the environment.
  r = RunCli({"fs", "-s", address, "mounts"}, {"STRATA_SERVER=127.0.0.1:9"});
  ExpectOneLineError(r, "cannot reach server at " + address);
}

}  // namespace
}  // namespace strata::cli::testing
