// End-to-end tests of `strata fs mount|unmount|mounts` against a `strata
// server` subprocess: the table and JSON formats, options, redaction of
// secrets, and every refusal of the mount-table rules (exit 1, one line
// naming the path, nothing changed).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "cli/cli_fs_test_util.h"

namespace strata::cli::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class FsMountTest : public FsCliTest {
 protected:
  nlohmann::json MountsJson() {
    std::string out = FsOk({"mounts", "--json"});
    nlohmann::json j = nlohmann::json::parse(out, nullptr, false);
    EXPECT_TRUE(j.is_array()) << out;
    return j;
  }
  // The JSON object of mount point `path` (null when absent).
  nlohmann::json MountAt(const std::string& path) {
    for (const auto& m : MountsJson()) {
      if (m.value("path", "") == path) return m;
    }
    return nullptr;
  }
};

TEST_F(FsMountTest, RootIsMountedByDefault) {
  std::vector<std::string> lines = Lines(FsOk({"mounts"}));
  ASSERT_GE(lines.size(), 2u);
  EXPECT_THAT(lines[0],
              ::testing::MatchesRegex("MOUNT POINT +TYPE +URI +OPTIONS *"));
  EXPECT_THAT(lines[1], ::testing::StartsWith("/ "));
  EXPECT_THAT(lines[1], HasSubstr("file://"));
  nlohmann::json root = MountAt("/");
  ASSERT_TRUE(root.is_object());
  EXPECT_EQ(root["type"], "file");
  EXPECT_THAT(root["uri"].get<std::string>(), HasSubstr(data_dir_));
}

TEST_F(FsMountTest, MountsTableAndJsonListEveryMount) {
  std::string local = MountLocal("/local", "local");
  FsOk({"mount", "/mem", "mem://h5-mounts/"});
  std::string table = FsOk({"mounts"});
  EXPECT_THAT(table, HasSubstr("/local"));
  EXPECT_THAT(table, HasSubstr("file://" + local));
  EXPECT_THAT(table, HasSubstr("mem://h5-mounts/"));
  nlohmann::json mounts = MountsJson();
  ASSERT_EQ(mounts.size(), 3u) << mounts.dump();
  // Sorted by path.
  EXPECT_EQ(mounts[0]["path"], "/");
  EXPECT_EQ(mounts[1]["path"], "/local");
  EXPECT_EQ(mounts[2]["path"], "/mem");
  for (const auto& m : mounts) {
    for (const char* key : {"path", "type", "uri", "options", "readonly",
                            "shared", "sync_interval_ms"}) {
      EXPECT_TRUE(m.contains(key)) << key << " in " << m.dump();
    }
  }
  EXPECT_EQ(mounts[2]["type"], "mem");
  EXPECT_EQ(mounts[1]["readonly"], false);
}

TEST_F(FsMountTest, OptionsAreShownAndApplied) {
  std::string local = Path("ro");
  std::filesystem::create_directories(local);
  FsOk({"mount", "--readonly", "-o", "sync_interval=never", "-o", "shared=true",
        "/ro", "file://" + local});
  nlohmann::json m = MountAt("/ro");
  ASSERT_TRUE(m.is_object());
  EXPECT_EQ(m["readonly"], true);
  EXPECT_EQ(m["shared"], true);
  EXPECT_EQ(m["sync_interval_ms"], -1);
  EXPECT_EQ(m["options"].value("sync_interval", ""), "never");
  std::string table = FsOk({"mounts"});
  EXPECT_THAT(table, HasSubstr("sync_interval=never"));
  EXPECT_THAT(table, HasSubstr("readonly=true"));
  // A read-only mount refuses writes and keeps nothing.
  WriteFile(Path("x"), "data");
  CliResult r = Fs({"copy-from-local", Path("x"), "/ro/x"});
  ExpectOneLineError(r, "/ro/x");
  EXPECT_FALSE(std::filesystem::exists(local + "/x"));
  ExpectOneLineError(Fs({"mkdir", "/ro/d"}), "/ro/d");
}

TEST_F(FsMountTest, SecretsAreNeverPrinted) {
  const std::string secret = "h5SuperSecretValue42";
  CliResult r = Fs({"mount", "-o", "secret_access_key=" + secret, "/sec",
                    "mem://h5-secret/"});
  EXPECT_THAT(r.out + r.err, Not(HasSubstr(secret)));
  if (r.exit_code != 0) {
    // mem:// refuses credentials: the refusal must not echo the value.
    ExpectOneLineError(r, "secret_access_key");
    GTEST_SKIP() << "mem:// rejects credential options; redaction is "
                    "tested against radosgw (cli_vfs_object_store_test)";
  }
  std::string table = FsOk({"mounts"});
  EXPECT_THAT(table, Not(HasSubstr(secret)));
  EXPECT_THAT(table, HasSubstr("secret_access_key=<redacted>"));
  std::string json = FsOk({"mounts", "--json"});
  EXPECT_THAT(json, Not(HasSubstr(secret)));
  EXPECT_THAT(json, HasSubstr("<redacted>"));
}

TEST_F(FsMountTest, UnmountRemovesTheMount) {
  MountLocal("/gone", "gone");
  ASSERT_TRUE(MountAt("/gone").is_object());
  FsOk({"unmount", "/gone"});
  EXPECT_TRUE(MountAt("/gone").is_null());
  EXPECT_THAT(FsOk({"mounts"}), Not(HasSubstr("/gone")));
}

TEST_F(FsMountTest, RefusalsNameThePathAndChangeNothing) {
  std::string local = MountLocal("/a", "a");
  MountLocal("/a/nested", "nested");
  FsOk({"mkdir", "-p", "/plain"});
  WriteFile(Path("f"), "file");
  FsOk({"copy-from-local", Path("f"), "/plain/file"});
  std::string before = FsOk({"mounts", "--json"});
  // Mount point already mounted.
  ExpectOneLineError(Fs({"mount", "/a", "mem://h5-other/"}), "/a");
  // Mount point is a file.
  ExpectOneLineError(Fs({"mount", "/plain/file", "mem://h5-f/"}),
                     "/plain/file");
  // URI inside / containing another mount's URI on the same store.
  std::filesystem::create_directories(local + "/sub");
  ExpectOneLineError(Fs({"mount", "/inner", "file://" + local + "/sub"}),
                     "/inner");
  ExpectOneLineError(Fs({"mount", "/outer", "file://" + Path("")}), "/outer");
  // Unmount: a mount with another nested below, the root, a non-mount.
  ExpectOneLineError(Fs({"unmount", "/a"}), "/a");
  ExpectOneLineError(Fs({"unmount", "/"}), "/");
  ExpectOneLineError(Fs({"unmount", "/plain"}), "/plain");
  ExpectOneLineError(Fs({"unmount", "/nope"}), "/nope");
  EXPECT_EQ(FsOk({"mounts", "--json"}), before);
}

TEST_F(FsMountTest, BadUrisAndSchemesAreRefused) {
  std::string before = FsOk({"mounts", "--json"});
  CliResult unknown = Fs({"mount", "/u", "foo://x"});
  ExpectOneLineError(unknown, "foo");
  for (const std::string& uri :
       {std::string("not a uri"), std::string("://x"), std::string("s3://"),
        std::string("file://relative/path"), std::string("")}) {
    CliResult r = Fs({"mount", "/bad", uri});
    EXPECT_EQ(r.exit_code, 1) << uri << ": " << r.err;
    EXPECT_EQ(Lines(r.err).size(), 1u) << uri << ": " << r.err;
  }
  ExpectOneLineError(Fs({"mount", "relative", "mem://h5-rel/"}), "relative");
  ExpectOneLineError(Fs({"mount", "/x/../..", "mem://h5-dots/"}), "..");
  EXPECT_EQ(FsOk({"mounts", "--json"}), before);
}

TEST_F(FsMountTest, MountsSurviveACleanRestart) {
  MountLocal("/keep", "keep", {"sync_interval=30s"});
  FsOk({"mount", "/m", "mem://h5-restart/"});
  std::string before = FsOk({"mounts", "--json"});
  ASSERT_EQ(server_.Stop(), 0) << server_.stderr_text();
  Restart();
  EXPECT_EQ(FsOk({"mounts", "--json"}), before);
}

}  // namespace
}  // namespace strata::cli::testing
