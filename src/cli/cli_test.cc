// Tests of the `strata` tool run as a subprocess: version, ls, cat, stat,
// mkdir, rm, usage errors and error reporting.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli_test_util.h"

namespace strata::cli::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

namespace stdfs = std::filesystem;

// "2024-05-01T12:34:56Z" (no std::regex: GCC 12's <regex> trips
// -Wmaybe-uninitialized in sanitizer builds).
bool IsIsoUtc(const std::string& s) {
  if (s.size() != 20) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char want = "dddd-dd-ddTdd:dd:ddZ"[i];
    bool ok = want == 'd' ? (s[i] >= '0' && s[i] <= '9') : s[i] == want;
    if (!ok) return false;
  }
  return true;
}

struct LongRow {
  std::string size, mtime, type, name;
};

// Splits an `ls -l` row; the name is the rest after three columns.
LongRow ParseLongRow(const std::string& line) {
  LongRow row;
  std::istringstream in(line);
  in >> row.size >> row.mtime >> row.type;
  std::getline(in >> std::ws, row.name);
  return row;
}

// a.txt ("hello\n"), empty/ and sub/b.bin (3000 random bytes).
class CliTreeTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    WriteFile(Path("a.txt"), "hello\n");
    stdfs::create_directories(Path("sub"));
    stdfs::create_directories(Path("empty"));
    WriteFile(Path("sub/b.bin"), RandomBytes(3000, 1));
  }
};

TEST(CliVersionTest, PrintsVersionAndRuntimeKind) {
  CliResult r = RunCli({"version"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.starts_with("strata ")) << r.out;
  EXPECT_TRUE(r.out.ends_with(" (runtime: io_uring)\n") ||
              r.out.ends_with(" (runtime: poll)\n"))
      << r.out;
  EXPECT_EQ(Lines(r.out).size(), 1u);
  EXPECT_EQ(r.err, "");
}

TEST(CliVersionTest, HonoursStrataIoUringOff) {
  CliResult r = RunCli({"version"}, {"STRATA_IO_URING=off"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("(runtime: poll)"));
}

TEST(CliVersionTest, HonoursStrataIoUringOn) {
  CliResult r = RunCli({"version"}, {"STRATA_IO_URING=on"});
  if (r.exit_code == 1 && r.err.find("io_uring") != std::string::npos) {
    GTEST_SKIP() << "io_uring unavailable: " << r.err;
  }
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("(runtime: io_uring)"));
}

TEST(CliVersionTest, BadStrataIoUringValueIsOneLineError) {
  CliResult r = RunCli({"version"}, {"STRATA_IO_URING=maybe"});
  ExpectOneLineError(r, "STRATA_IO_URING");
}

TEST(CliUsageTest, NoArgumentsPrintsHelpAndExits2) {
  CliResult r = RunCli({});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("Usage"));
  EXPECT_THAT(r.err, HasSubstr("cp"));
}

TEST(CliUsageTest, HelpExits0) {
  for (const char* cmd :
       {"ls", "cat", "stat", "cp", "rm", "mkdir", "version"}) {
    CliResult r = RunCli({cmd, "--help"});
    EXPECT_EQ(r.exit_code, 0) << cmd << ": " << r.err;
    EXPECT_THAT(r.out, HasSubstr("Usage")) << cmd;
  }
  CliResult r = RunCli({"bench", "local", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("--workload"));
}

TEST(CliUsageTest, UsageErrorsExit2) {
  EXPECT_EQ(RunCli({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(RunCli({"ls", "--bogus", "/"}).exit_code, 2);
  EXPECT_EQ(RunCli({"cat"}).exit_code, 2);
  EXPECT_EQ(RunCli({"cp", "/a"}).exit_code, 2);
  EXPECT_EQ(RunCli({"cat", "--offset", "abc", "/x"}).exit_code, 2);
  EXPECT_EQ(RunCli({"cat", "--offset", "-1", "/x"}).exit_code, 2);
  EXPECT_EQ(RunCli({"cp", "--jobs", "0", "/a", "/b"}).exit_code, 2);
  EXPECT_EQ(RunCli({"bench"}).exit_code, 2);
}

TEST_F(CliTreeTest, LsListsOneEntryPerLineWithSlashOnDirectories) {
  CliResult r = RunCli({"ls", dir_});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(Lines(r.out), ElementsAre("a.txt", "empty/", "sub/"));
}

TEST_F(CliTreeTest, LsRecursiveNamesAreRelativeToTheUri) {
  CliResult r = RunCli({"ls", "-r", "file://" + dir_});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(Lines(r.out),
              ElementsAre("a.txt", "empty/", "sub/", "sub/b.bin"));
}

TEST_F(CliTreeTest, LsLongHasSizeMtimeTypeName) {
  CliResult r = RunCli({"ls", "-l", dir_});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 3u) << r.out;
  LongRow file = ParseLongRow(lines[0]);
  EXPECT_EQ(file.size, "6");
  EXPECT_TRUE(IsIsoUtc(file.mtime)) << lines[0];
  EXPECT_EQ(file.type, "file");
  EXPECT_EQ(file.name, "a.txt");
  LongRow dir = ParseLongRow(lines[2]);
  EXPECT_TRUE(IsIsoUtc(dir.mtime)) << lines[2];
  EXPECT_EQ(dir.type, "directory");
  EXPECT_EQ(dir.name, "sub/");
  // Columns line up: every row has the same width up to the name.
  EXPECT_EQ(lines[0].find("a.txt"), lines[2].find("sub/"));
}

TEST_F(CliTreeTest, LsOfAFilePrintsThatFile) {
  CliResult r = RunCli({"ls", Path("sub/b.bin")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "b.bin\n");
  r = RunCli({"ls", "-l", Path("sub/b.bin")});
  EXPECT_THAT(r.out, ::testing::StartsWith("        3000  "));
}

TEST_F(CliTreeTest, LsEmptyDirectoryPrintsNothing) {
  CliResult r = RunCli({"ls", Path("empty")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST_F(CliTreeTest, LsRelativeBarePath) {
  std::vector<std::string> argv = {
      "/bin/sh", "-c",
      "cd " + dir_ + " && exec " + STRATA_CLI_PATH + " ls sub"};
  CliResult r = RunProgram(argv);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "b.bin\n");
}

TEST_F(CliTreeTest, CatPrintsExactBytes) {
  CliResult r = RunCli({"cat", Path("sub/b.bin")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, ReadFile(Path("sub/b.bin")));
}

TEST_F(CliTest, CatRangeAcrossChunkBoundaries) {
  std::string data = RandomBytes(3 * (1 << 20) + 123, 7);
  WriteFile(Path("big"), data);
  uint64_t offset = (1 << 20) - 3;
  uint64_t length = 2 * (1 << 20) + 11;
  CliResult r = RunCli({"cat", "--offset", std::to_string(offset), "--length",
                        std::to_string(length), Path("big")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(r.out.size(), length);
  EXPECT_TRUE(r.out == data.substr(offset, length));
  r = RunCli({"cat", Path("big")});
  EXPECT_TRUE(r.out == data);
}

TEST_F(CliTreeTest, CatRangeEdges) {
  EXPECT_EQ(
      RunCli({"cat", "--offset", "1", "--length", "3", Path("a.txt")}).out,
      "ell");
  EXPECT_EQ(RunCli({"cat", "--offset", "4", Path("a.txt")}).out, "o\n");
  EXPECT_EQ(RunCli({"cat", "--length", "0", Path("a.txt")}).out, "");
  CliResult past = RunCli({"cat", "--offset", "100", Path("a.txt")});
  EXPECT_EQ(past.exit_code, 0) << past.err;
  EXPECT_EQ(past.out, "");
}

TEST_F(CliTreeTest, CatOfADirectoryIsAnError) {
  ExpectOneLineError(RunCli({"cat", Path("sub")}), Path("sub"));
}

TEST_F(CliTreeTest, StatPrintsKeyValueLines) {
  CliResult r = RunCli({"stat", Path("sub/b.bin")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 5u) << r.out;
  EXPECT_EQ(lines[0], "path: " + Path("sub/b.bin"));
  EXPECT_EQ(lines[1], "type: file");
  EXPECT_EQ(lines[2], "size: 3000");
  ASSERT_TRUE(lines[3].starts_with("mtime: ")) << lines[3];
  EXPECT_TRUE(IsIsoUtc(lines[3].substr(7))) << lines[3];
  ASSERT_TRUE(lines[4].starts_with("etag: ")) << lines[4];
  EXPECT_GT(lines[4].size(), 6u);
  EXPECT_EQ(lines[4].find(' ', 6), std::string::npos) << lines[4];
}

TEST_F(CliTreeTest, StatOfADirectory) {
  CliResult r = RunCli({"stat", Path("sub")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("type: directory\n"));
}

TEST_F(CliTest, MissingPathsAreOneLineErrorsNamingThePath) {
  for (const char* cmd : {"cat", "stat", "ls", "rm"}) {
    CliResult r = RunCli({cmd, Path("missing")});
    SCOPED_TRACE(cmd);
    ExpectOneLineError(r, Path("missing"));
    EXPECT_THAT(r.err, HasSubstr("No such file"));
  }
}

TEST(CliErrorTest, UnknownSchemeListsKnownSchemes) {
  CliResult r = RunCli({"ls", "nosuch://bucket/x"});
  ExpectOneLineError(r, "nosuch");
  EXPECT_THAT(r.err, HasSubstr("file"));
  EXPECT_THAT(r.err, HasSubstr("mem"));
}

TEST(CliErrorTest, MemoryScheme) {
  CliResult r = RunCli({"ls", "mem://scratch/"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(RunCli({"mkdir", "mem://scratch/d"}).exit_code, 0);
  ExpectOneLineError(RunCli({"cat", "mem://scratch/nope"}),
                     "mem://scratch/nope");
  ExpectOneLineError(RunCli({"ls", "mem:///x"}), "store name");
}

TEST_F(CliTest, MkdirAndMkdirParents) {
  ExpectOneLineError(RunCli({"mkdir", Path("x/y")}), Path("x/y"));
  EXPECT_EQ(RunCli({"mkdir", Path("x")}).exit_code, 0);
  EXPECT_TRUE(stdfs::is_directory(Path("x")));
  ExpectOneLineError(RunCli({"mkdir", Path("x")}), Path("x"));
  CliResult r = RunCli({"mkdir", "-p", Path("x/y/z")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(stdfs::is_directory(Path("x/y/z")));
  EXPECT_EQ(RunCli({"mkdir", "-p", Path("x/y/z")}).exit_code, 0);
}

TEST_F(CliTreeTest, RmFileAndTree) {
  EXPECT_EQ(RunCli({"rm", Path("a.txt")}).exit_code, 0);
  EXPECT_FALSE(stdfs::exists(Path("a.txt")));
  CliResult r = RunCli({"rm", Path("sub")});
  ExpectOneLineError(r, Path("sub"));
  EXPECT_THAT(r.err, HasSubstr("-r"));
  EXPECT_TRUE(stdfs::exists(Path("sub/b.bin")));
  r = RunCli({"rm", "-r", Path("sub")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(stdfs::exists(Path("sub")));
  EXPECT_TRUE(stdfs::exists(Path("empty")));
}

}  // namespace
}  // namespace strata::cli::testing
