// Tests of `strata bench local` (run as a subprocess, both runtimes) and of
// its helpers: size parsing and the latency histogram.

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/cli_test_util.h"
#include "cli/latency_histogram.h"
#include "cli/units.h"

namespace strata::cli::testing {
namespace {

using ::testing::HasSubstr;

TEST(ParseSizeTest, AcceptsSuffixes) {
  EXPECT_EQ(ParseSize("4096"), 4096u);
  EXPECT_EQ(ParseSize("4k"), 4096u);
  EXPECT_EQ(ParseSize("4K"), 4096u);
  EXPECT_EQ(ParseSize("1m"), 1u << 20);
  EXPECT_EQ(ParseSize("1MiB"), 1u << 20);
  EXPECT_EQ(ParseSize("64KB"), 64u << 10);
  EXPECT_EQ(ParseSize("1g"), 1u << 30);
  EXPECT_EQ(ParseSize("2t"), uint64_t{2} << 40);
  EXPECT_EQ(ParseSize("512B"), 512u);
}

TEST(ParseSizeTest, RejectsGarbage) {
  for (const char* bad : {"", "k", "4x", "1.5m", "-1", "4 k", "4kk", "iB",
                          "4iB", "99999999999999999999", "16777216t"}) {
    EXPECT_FALSE(ParseSize(bad).has_value()) << bad;
  }
  EXPECT_NE(CheckSize("0"), "");
  EXPECT_EQ(CheckSize("1"), "");
}

TEST(LatencyHistogramTest, QuantilesAreWithinTwoPercent) {
  LatencyHistogram h;
  EXPECT_EQ(h.Quantile(0.5), 0);
  for (uint64_t v = 1; v <= 100000; ++v) h.Record(v * 1000);  // 1us..100ms
  EXPECT_EQ(h.count(), 100000u);
  EXPECT_NEAR(h.Quantile(0.50), 50e6, 50e6 * 0.02);
  EXPECT_NEAR(h.Quantile(0.99), 99e6, 99e6 * 0.02);
  LatencyHistogram other;
  other.Record(7);
  h.Merge(other);
  EXPECT_EQ(h.count(), 100001u);
  EXPECT_EQ(h.Quantile(0), 7);
}

TEST(LatencyHistogramTest, IndexIsMonotonicOverTheWholeRange) {
  size_t last = 0;
  for (int bit = 0; bit < 64; ++bit) {
    uint64_t low = uint64_t{1} << bit;
    for (uint64_t v : {low, low + low / 2, low + (low - 1)}) {
      size_t i = LatencyHistogram::Index(v);
      ASSERT_LT(i, LatencyHistogram::kBuckets);
      EXPECT_GE(i, last);
      last = i;
    }
  }
  EXPECT_EQ(LatencyHistogram::Index(~uint64_t{0}),
            LatencyHistogram::kBuckets - 1);
}

class CliBenchTest : public CliTest {
 protected:
  CliResult Bench(const std::vector<std::string>& extra,
                  const std::vector<std::string>& env = {}) {
    std::vector<std::string> args = {"bench",  "local", "--file",    Path("f"),
                                     "--size", "8m",    "--runtime", "0.3"};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunCli(args, env);
  }

  // Runs one JSON bench and checks every documented key.
  void CheckJson(const std::string& workload, const std::string& bs,
                 const std::string& io_uring, bool direct = false) {
    std::vector<std::string> args = {"--workload", workload, "--bs",  bs,
                                     "--qd",       "4",      "--json"};
    if (direct) args.push_back("--direct");
    CliResult r = Bench(args, {"STRATA_IO_URING=" + io_uring});
    if (io_uring == "on" && r.exit_code == 1 &&
        r.err.find("io_uring") != std::string::npos) {
      GTEST_SKIP() << "io_uring unavailable: " << r.err;
    }
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_EQ(Lines(r.out).size(), 1u) << r.out;
    nlohmann::json j = nlohmann::json::parse(r.out);
    for (const char* key :
         {"workload", "bs", "qd", "direct", "runtime_kind", "ops", "seconds",
          "iops", "mib_per_s", "lat_p50_us", "lat_p99_us"}) {
      EXPECT_TRUE(j.contains(key)) << key << " missing in " << r.out;
    }
    EXPECT_EQ(j["workload"], workload);
    EXPECT_EQ(j["bs"].get<uint64_t>(), *ParseSize(bs));
    EXPECT_EQ(j["qd"], 4);
    EXPECT_EQ(j["direct"], direct);
    EXPECT_EQ(j["runtime_kind"], io_uring == "on" ? "io_uring" : "poll");
    EXPECT_GT(j["ops"].get<uint64_t>(), 0u);
    EXPECT_GT(j["iops"].get<double>(), 0);
    EXPECT_GT(j["mib_per_s"].get<double>(), 0);
    EXPECT_GE(j["seconds"].get<double>(), 0.3);
    EXPECT_GT(j["lat_p50_us"].get<double>(), 0);
    EXPECT_GE(j["lat_p99_us"].get<double>(), j["lat_p50_us"].get<double>());
  }

  // True if O_DIRECT works in the scratch directory (not on tmpfs).
  bool DirectIoWorks() {
    int fd = ::open(Path("probe").c_str(), O_CREAT | O_RDWR | O_DIRECT, 0644);
    if (fd >= 0) ::close(fd);
    return fd >= 0;
  }
};

TEST_F(CliBenchTest, JsonUnderBothRuntimes) {
  for (const char* mode : {"on", "off"}) {
    SCOPED_TRACE(mode);
    CheckJson("randread", "4k", mode);
  }
}

TEST_F(CliBenchTest, EveryWorkloadRuns) {
  for (const char* w : {"seqwrite", "randwrite", "seqread", "randread"}) {
    SCOPED_TRACE(w);
    CheckJson(w, "64KiB", "off");
    CheckJson(w, "1m", "on");
  }
}

TEST_F(CliBenchTest, DirectIo) {
  if (!DirectIoWorks()) GTEST_SKIP() << "no O_DIRECT in " << dir_;
  CheckJson("randread", "4k", "on", /*direct=*/true);
  CheckJson("seqwrite", "1m", "off", /*direct=*/true);
}

TEST_F(CliBenchTest, FillsTheFileToSize) {
  CliResult r = Bench({"--workload", "seqread", "--bs", "1m", "--qd", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(std::filesystem::file_size(Path("f")), 8u << 20);
  EXPECT_THAT(r.out, HasSubstr("seqread"));
  EXPECT_THAT(r.out, HasSubstr("iops"));
  EXPECT_THAT(r.out, HasSubstr("p99"));
}

TEST_F(CliBenchTest, BadArgumentsAreClearErrors) {
  CliResult r = Bench({"--workload", "randread", "--bs", "4q", "--qd", "1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("invalid size '4q'"));
  EXPECT_EQ(
      Bench({"--workload", "randread", "--bs", "0", "--qd", "1"}).exit_code, 2);
  EXPECT_EQ(Bench({"--workload", "scan", "--bs", "4k", "--qd", "1"}).exit_code,
            2);
  EXPECT_EQ(
      Bench({"--workload", "randread", "--bs", "4k", "--qd", "0"}).exit_code,
      2);
  EXPECT_EQ(Bench({"--workload", "randread", "--bs", "4k"}).exit_code, 2);
  r = RunCli({"bench", "local", "--file", Path("f"), "--workload", "randread",
              "--bs", "4k", "--qd", "1", "--runtime", "0"});
  EXPECT_EQ(r.exit_code, 2);
  r = Bench(
      {"--workload", "randread", "--bs", "1000", "--qd", "1", "--direct"});
  ExpectOneLineError(r, "multiple of 4096");
  r = Bench({"--workload", "randread", "--bs", "16m", "--qd", "1"});
  ExpectOneLineError(r, "--size");
}

TEST_F(CliBenchTest, UnwritablePathIsOneLineError) {
  CliResult r = RunCli({"bench", "local", "--file", Path("no/dir/f"),
                        "--workload", "randread", "--bs", "4k", "--qd", "1",
                        "--size", "1m", "--runtime", "0.1"});
  ExpectOneLineError(r, Path("no/dir/f"));
}

}  // namespace
}  // namespace strata::cli::testing
