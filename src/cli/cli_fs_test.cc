// End-to-end tests of the `strata fs` file commands against a `strata
// server` subprocess, on a file:// mount of a scratch directory and on a
// mem:// mount: transfers (byte-identical, up to 5 MiB), cat, ls, stat,
// mkdir, mv (within and across mounts), cp, rm and sync.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "cli/cli_fs_test_util.h"

namespace strata::cli::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::UnorderedElementsAre;

constexpr size_t kMiB = size_t{1} << 20;

// Runs each test on a mount of the given scheme at /m.
class FsFileTest : public FsCliTest,
                   public ::testing::WithParamInterface<std::string> {
 protected:
  void SetUp() override {
    FsCliTest::SetUp();
    if (HasFatalFailure()) return;
    if (GetParam() == "file") {
      local_ = MountLocal("/m", "backend");
    } else {
      FsOk({"mount", "/m", "mem://h5-" + std::to_string(::getpid()) + "/"});
    }
  }

  std::string local_;  // the file:// backend directory ("" for mem://)
};

TEST_P(FsFileTest, CopyRoundTripsAreByteIdentical) {
  FsOk({"mkdir", "-p", "/m/a/b"});
  for (size_t size :
       {size_t{0}, size_t{1}, size_t{4096}, kMiB, kMiB + 1, 5 * kMiB}) {
    std::string data = RandomBytes(size, static_cast<uint32_t>(size));
    std::string path = "/m/a/b/f" + std::to_string(size);
    Upload(path, data);
    EXPECT_TRUE(Download(path) == data) << path;
    if (!local_.empty()) {
      EXPECT_TRUE(ReadFile(local_ + "/a/b/f" + std::to_string(size)) == data);
    }
  }
}

TEST_P(FsFileTest, TransfersIntoDirectoriesUseTheBaseName) {
  FsOk({"mkdir", "/m/dir"});
  WriteFile(Path("name.txt"), "hello");
  FsOk({"copy-from-local", Path("name.txt"), "/m/dir"});
  EXPECT_EQ(FsOk({"cat", "/m/dir/name.txt"}), "hello");
  std::filesystem::create_directories(Path("out"));
  FsOk({"copy-to-local", "/m/dir/name.txt", Path("out")});
  EXPECT_EQ(ReadFile(Path("out/name.txt")), "hello");
}

TEST_P(FsFileTest, FailedDownloadLeavesNothingBehind) {
  std::filesystem::create_directories(Path("out"));
  WriteFile(Path("out/existing"), "keep me");
  ExpectOneLineError(Fs({"copy-to-local", "/m/missing", Path("out/new")}),
                     "/m/missing");
  ExpectOneLineError(Fs({"copy-to-local", "/m/missing", Path("out/existing")}),
                     "/m/missing");
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(Path("out"))) {
    names.push_back(e.path().filename().string());
  }
  EXPECT_THAT(names, ElementsAre("existing"));
  EXPECT_EQ(ReadFile(Path("out/existing")), "keep me");
}

TEST_P(FsFileTest, CopyFromLocalOfAMissingFileNamesIt) {
  ExpectOneLineError(Fs({"copy-from-local", Path("nope"), "/m/x"}),
                     Path("nope"));
  ExpectOneLineError(Fs({"stat", "/m/x"}), "/m/x");
}

TEST_P(FsFileTest, CatStreamsTheFile) {
  std::string data = RandomBytes(3 * kMiB + 7, 9);
  Upload("/m/big", data);
  CliResult r = Fs({"cat", "/m/big"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out == data);
  ExpectOneLineError(Fs({"cat", "/m/none"}), "/m/none");
}

TEST_P(FsFileTest, LsShortLongAndRecursive) {
  FsOk({"mkdir", "-p", "/m/d/sub"});
  Upload("/m/d/one", "1");
  Upload("/m/d/sub/two", "22");
  EXPECT_THAT(Lines(FsOk({"ls", "/m/d"})), ElementsAre("one", "sub/"));
  EXPECT_THAT(Lines(FsOk({"ls", "-R", "/m/d"})),
              UnorderedElementsAre("one", "sub/", "sub/two"));
  std::vector<std::string> long_lines = Lines(FsOk({"ls", "-l", "/m/d"}));
  ASSERT_EQ(long_lines.size(), 2u);
  EXPECT_THAT(long_lines[0], MatchesRegex(" *1  [-0-9T:Z]+  file +one"));
  EXPECT_THAT(long_lines[1], MatchesRegex(" *0  [-0-9T:Z]+  directory +sub/"));
  // A file lists as itself; the root shows the mount point.
  EXPECT_THAT(Lines(FsOk({"ls", "/m/d/sub/two"})), ElementsAre("two"));
  EXPECT_THAT(Lines(FsOk({"ls", "/"})), ::testing::Contains("m/"));
  EXPECT_THAT(FsOk({"ls", "-l", "/"}), HasSubstr("mount"));
  ExpectOneLineError(Fs({"ls", "/m/nothing"}), "/m/nothing");
}

TEST_P(FsFileTest, StatPrintsKeyValueLines) {
  Upload("/m/s", "12345");
  std::vector<std::string> lines = Lines(FsOk({"stat", "/m/s"}));
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_EQ(lines[0], "path: /m/s");
  EXPECT_EQ(lines[1], "type: file");
  EXPECT_EQ(lines[2], "size: 5");
  EXPECT_THAT(lines[3], MatchesRegex("mtime: [-0-9T:Z]+"));
  EXPECT_THAT(lines[4], ::testing::StartsWith("etag: "));
  EXPECT_EQ(lines[5], "mount point: /m");
  // Paths are normalised by the server.
  EXPECT_THAT(FsOk({"stat", "/m//./s"}), HasSubstr("path: /m/s\n"));
  EXPECT_THAT(FsOk({"stat", "/m"}), HasSubstr("type: directory\n"));
}

TEST_P(FsFileTest, MkdirAndRm) {
  FsOk({"mkdir", "/m/x"});
  ExpectOneLineError(Fs({"mkdir", "/m/x"}), "/m/x");
  FsOk({"mkdir", "-p", "/m/x"});
  ExpectOneLineError(Fs({"mkdir", "/m/p/q"}), "/m/p/q");
  FsOk({"mkdir", "-p", "/m/x/y/z"});
  Upload("/m/x/y/z/f", "data");
  ExpectOneLineError(Fs({"rm", "/m/x"}), "/m/x");
  EXPECT_EQ(FsOk({"cat", "/m/x/y/z/f"}), "data");
  FsOk({"rm", "/m/x/y/z/f"});
  ExpectOneLineError(Fs({"stat", "/m/x/y/z/f"}), "/m/x/y/z/f");
  Upload("/m/x/y/g", "g");
  FsOk({"rm", "-r", "/m/x"});
  ExpectOneLineError(Fs({"stat", "/m/x"}), "/m/x");
  if (!local_.empty()) {
    EXPECT_FALSE(std::filesystem::exists(local_ + "/x"));
  }
  ExpectOneLineError(Fs({"rm", "/m"}), "/m");  // a mount point
}

TEST_P(FsFileTest, MvWithinAMountIsQuiet) {
  Upload("/m/src", "move me");
  CliResult r = Fs({"mv", "/m/src", "/m/dst"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  // mem:// may copy and delete; then the note says so.
  if (!r.err.empty()) {
    EXPECT_THAT(r.err, HasSubstr("not atomic"));
  }
  EXPECT_EQ(FsOk({"cat", "/m/dst"}), "move me");
  ExpectOneLineError(Fs({"stat", "/m/src"}), "/m/src");
  ExpectOneLineError(Fs({"mv", "/m/src", "/m/again"}), "/m/src");
}

TEST_P(FsFileTest, MvAcrossMountsNotesTheCopy) {
  FsOk({"mount", "/other", "mem://h5-other-" + GetParam() + "/"});
  std::string data = RandomBytes(2 * kMiB + 3, 5);
  Upload("/m/across", data);
  CliResult r = Fs({"mv", "/m/across", "/other/across"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "note: /m/across \u2192 /other/across was a copy followed by a "
            "delete (not atomic)\n");
  EXPECT_TRUE(Download("/other/across") == data);
  ExpectOneLineError(Fs({"stat", "/m/across"}), "/m/across");
}

TEST_P(FsFileTest, CpCopiesAndKeepsTheSource) {
  std::string data = RandomBytes(kMiB + 11, 6);
  Upload("/m/orig", data);
  FsOk({"cp", "/m/orig", "/m/copy"});
  FsOk({"cp", "/m/orig", "/copy-in-root"});
  EXPECT_TRUE(Download("/m/orig") == data);
  EXPECT_TRUE(Download("/m/copy") == data);
  EXPECT_TRUE(Download("/copy-in-root") == data);
  ExpectOneLineError(Fs({"cp", "/m/none", "/m/c2"}), "/m/none");
}

INSTANTIATE_TEST_SUITE_P(Schemes, FsFileTest, ::testing::Values("file", "mem"));

TEST_F(FsCliTest, SyncPicksUpFilesAddedBehindTheServer) {
  std::string local = MountLocal("/s", "synced", {"sync_interval=never"});
  FsOk({"mkdir", "/s/d"});
  Upload("/s/d/known", "k");
  EXPECT_THAT(Lines(FsOk({"ls", "/s/d"})), ElementsAre("known"));
  WriteFile(local + "/d/behind", "added behind the server");
  std::string out = FsOk({"sync", "/s"});
  EXPECT_THAT(out, MatchesRegex("synced /s: [0-9]+ added, [0-9]+ removed, "
                                "[0-9]+ updated\n"));
  EXPECT_THAT(out, ::testing::Not(HasSubstr(": 0 added")));
  EXPECT_THAT(Lines(FsOk({"ls", "/s/d"})), ElementsAre("behind", "known"));
  EXPECT_EQ(FsOk({"cat", "/s/d/behind"}), "added behind the server");
  // A removal behind the server is picked up too.
  std::filesystem::remove(local + "/d/known");
  EXPECT_THAT(FsOk({"sync", "/s/d"}), ::testing::Not(HasSubstr(" 0 removed")));
  EXPECT_THAT(Lines(FsOk({"ls", "/s/d"})), ElementsAre("behind"));
}

TEST_F(FsCliTest, ServerFromEnvironmentAndFlagAfterSubcommand) {
  CliResult r =
      RunCli({"fs", "mounts"}, {"STRATA_SERVER=" + server_.address()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("MOUNT POINT"));
  r = RunCli({"fs", "mounts", "-s", server_.address()}, {"!STRATA_SERVER"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

}  // namespace
}  // namespace strata::cli::testing
