// Tests of `strata cp`: single files, trees with several jobs, cp-into-dir
// semantics, and failures that must not leave a complete-looking copy.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "cli/cli_test_util.h"

namespace strata::cli::testing {
namespace {

using ::testing::HasSubstr;

namespace stdfs = std::filesystem;

constexpr size_t kMiB = size_t{1} << 20;

// Every regular file below `root`, by relative path, with its content.
std::map<std::string, std::string> Snapshot(const std::string& root) {
  std::map<std::string, std::string> files;
  for (const auto& e : stdfs::recursive_directory_iterator(root)) {
    std::string rel = stdfs::relative(e.path(), root).string();
    files[rel] = e.is_directory() ? "<dir>" : ReadFile(e.path().string());
  }
  return files;
}

class CliCopyTest : public CliTest {
 protected:
  // A tree with empty, tiny, chunk-sized and multi-chunk files, nested and
  // empty directories.
  void MakeTree(const std::string& root) {
    stdfs::create_directories(root + "/d1/d2");
    stdfs::create_directories(root + "/empty_dir");
    const size_t sizes[] = {0, 1, 4095, kMiB, kMiB + 1, 5 * kMiB / 2};
    int n = 0;
    for (size_t size : sizes) {
      WriteFile(root + "/f" + std::to_string(n), RandomBytes(size, n));
      WriteFile(root + "/d1/g" + std::to_string(n), RandomBytes(size, 50 + n));
      ++n;
    }
    for (int i = 0; i < 12; ++i) {
      WriteFile(root + "/d1/d2/h" + std::to_string(i),
                RandomBytes(1000 * i + 17, 100 + i));
    }
  }
};

TEST_F(CliCopyTest, FileToFileIsByteIdentical) {
  std::string data = RandomBytes(3 * kMiB + 5, 3);
  WriteFile(Path("src"), data);
  CliResult r = RunCli({"cp", Path("src"), Path("dst")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");  // no progress bar: stdout is not a terminal
  EXPECT_TRUE(ReadFile(Path("dst")) == data);
}

TEST_F(CliCopyTest, OverwritesAnExistingFile) {
  WriteFile(Path("src"), "new");
  WriteFile(Path("dst"), "old content that is longer");
  EXPECT_EQ(RunCli({"cp", Path("src"), "file://" + Path("dst")}).exit_code, 0);
  EXPECT_EQ(ReadFile(Path("dst")), "new");
}

TEST_F(CliCopyTest, EmptyFile) {
  WriteFile(Path("src"), "");
  EXPECT_EQ(RunCli({"cp", Path("src"), Path("dst")}).exit_code, 0);
  EXPECT_TRUE(stdfs::exists(Path("dst")));
  EXPECT_EQ(stdfs::file_size(Path("dst")), 0u);
}

TEST_F(CliCopyTest, IntoAnExistingDirectory) {
  WriteFile(Path("src.bin"), RandomBytes(1000, 4));
  stdfs::create_directories(Path("dir"));
  CliResult r = RunCli({"cp", Path("src.bin"), Path("dir")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadFile(Path("dir/src.bin")), ReadFile(Path("src.bin")));
}

TEST_F(CliCopyTest, LocalToMemoryAndBack) {
  // Each process has its own mem:// stores, so only the legs can be run.
  WriteFile(Path("src"), RandomBytes(2 * kMiB + 3, 5));
  CliResult r = RunCli({"cp", Path("src"), "mem://s/copy"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = RunCli({"cp", "mem://s/missing", Path("back")});
  ExpectOneLineError(r, "mem://s/missing");
  EXPECT_FALSE(stdfs::exists(Path("back")));
}

TEST_F(CliCopyTest, TreeWithFourJobsIsByteIdentical) {
  MakeTree(Path("tree"));
  CliResult r = RunCli({"cp", "-r", "--jobs", "4", Path("tree"), Path("out")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::map<std::string, std::string> want = Snapshot(Path("tree"));
  std::map<std::string, std::string> got = Snapshot(Path("out"));
  EXPECT_EQ(got.size(), want.size());
  EXPECT_TRUE(got == want);
  EXPECT_TRUE(stdfs::is_directory(Path("out/empty_dir")));
}

TEST_F(CliCopyTest, TreeIntoAnExistingDirectoryNestsUnderItsName) {
  MakeTree(Path("tree"));
  stdfs::create_directories(Path("dest"));
  CliResult r = RunCli({"cp", "-r", "--quiet", Path("tree"), Path("dest")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Snapshot(Path("dest/tree")) == Snapshot(Path("tree")));
}

TEST_F(CliCopyTest, TreeToMemoryStore) {
  MakeTree(Path("tree"));
  CliResult r = RunCli({"cp", "-r", "-j", "2", Path("tree"), "mem://t/x"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(CliCopyTest, DirectoryWithoutRecursiveIsAnError) {
  MakeTree(Path("tree"));
  CliResult r = RunCli({"cp", Path("tree"), Path("out")});
  ExpectOneLineError(r, Path("tree"));
  EXPECT_THAT(r.err, HasSubstr("-r"));
  EXPECT_FALSE(stdfs::exists(Path("out")));
}

TEST_F(CliCopyTest, DirectoryIntoItselfIsAnError) {
  MakeTree(Path("tree"));
  ExpectOneLineError(RunCli({"cp", "-r", Path("tree"), Path("tree/d1")}),
                     "into itself");
}

TEST_F(CliCopyTest, SameFileIsAnErrorAndKeepsTheData) {
  WriteFile(Path("f"), "precious");
  ExpectOneLineError(RunCli({"cp", Path("f"), Path("./f")}), "same file");
  EXPECT_EQ(ReadFile(Path("f")), "precious");
}

TEST_F(CliCopyTest, MissingSourceCreatesNothing) {
  CliResult r = RunCli({"cp", Path("nope"), Path("dst")});
  ExpectOneLineError(r, Path("nope"));
  EXPECT_FALSE(stdfs::exists(Path("dst")));
}

TEST_F(CliCopyTest, MissingDestinationParentIsAnError) {
  WriteFile(Path("src"), "x");
  ExpectOneLineError(RunCli({"cp", Path("src"), Path("no/such/dst")}),
                     Path("no/such/dst"));
}

TEST_F(CliCopyTest, FailedWriteLeavesNoPartialDestination) {
  // A file-size limit under 1 MiB (ulimit -f counts 512- or 1024-byte
  // blocks) makes writing the 3 MiB copy fail with EFBIG part-way (SIGXFSZ
  // ignored), after bytes have reached the destination.
  WriteFile(Path("src"), RandomBytes(3 * kMiB, 9));
  std::string script = "trap '' XFSZ; ulimit -f 1024; exec " +
                       std::string(STRATA_CLI_PATH) + " cp " + Path("src") +
                       " " + Path("dst");
  CliResult r = RunProgram({"/bin/sh", "-c", script});
  ExpectOneLineError(r, Path("dst"));
  EXPECT_FALSE(stdfs::exists(Path("dst")));
}

TEST_F(CliCopyTest, FailedTreeCopyReportsOneError) {
  MakeTree(Path("tree"));
  std::string script = "trap '' XFSZ; ulimit -f 1024; exec " +
                       std::string(STRATA_CLI_PATH) + " cp -r -j 4 " +
                       Path("tree") + " " + Path("out");
  CliResult r = RunProgram({"/bin/sh", "-c", script});
  ExpectOneLineError(r, Path("out"));
  // Every file left behind is a complete copy; the failed ones are gone.
  for (const auto& [rel, content] : Snapshot(Path("out"))) {
    if (content == "<dir>") continue;
    EXPECT_TRUE(content == ReadFile(Path("tree/" + rel))) << rel;
  }
}

}  // namespace
}  // namespace strata::cli::testing
