#include "strata/core/log.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/logging.h"

namespace strata {
namespace {

using ::testing::internal::CaptureStderr;
using ::testing::internal::GetCapturedStderr;

constexpr LogLevel kAllLevels[] = {LogLevel::kTrace, LogLevel::kDebug,
                                   LogLevel::kInfo,  LogLevel::kWarn,
                                   LogLevel::kError, LogLevel::kOff};

// The parsed level, or nullopt if parsing failed.
std::optional<LogLevel> Parsed(std::string_view text) {
  Result<LogLevel> r = ParseLogLevel(text);
  if (!r.ok()) return std::nullopt;
  return *r;
}

// Restores the process-wide level after each test.
class LogTest : public ::testing::Test {
 protected:
  void SetUp() override { saved_ = GetLogLevel(); }
  void TearDown() override { SetLogLevel(saved_); }

 private:
  LogLevel saved_ = LogLevel::kWarn;
};

TEST_F(LogTest, ParseLevelNames) {
  EXPECT_EQ(Parsed("trace"), LogLevel::kTrace);
  EXPECT_EQ(Parsed("debug"), LogLevel::kDebug);
  EXPECT_EQ(Parsed("info"), LogLevel::kInfo);
  EXPECT_EQ(Parsed("warn"), LogLevel::kWarn);
  EXPECT_EQ(Parsed("warning"), LogLevel::kWarn);
  EXPECT_EQ(Parsed("error"), LogLevel::kError);
  EXPECT_EQ(Parsed("off"), LogLevel::kOff);
  EXPECT_EQ(Parsed("DEBUG"), LogLevel::kDebug);
  EXPECT_EQ(Parsed("Warn"), LogLevel::kWarn);
}

TEST_F(LogTest, ParseRejectsUnknownNames) {
  for (std::string_view bad : {"", "verbose", "warn ", "err", "debugx"}) {
    Result<LogLevel> r = ParseLogLevel(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    std::string quoted = "\"";
    quoted.append(bad).append("\"");
    EXPECT_NE(r.status().message().find(quoted), std::string_view::npos)
        << r.status().ToString();
  }
}

TEST_F(LogTest, NamesRoundTrip) {
  for (LogLevel level : kAllLevels) {
    Result<LogLevel> parsed = ParseLogLevel(LogLevelName(level));
    ASSERT_TRUE(parsed.ok()) << LogLevelName(level);
    EXPECT_EQ(*parsed, level);
  }
  EXPECT_EQ(LogLevelName(LogLevel::kWarn), "warn");
}

TEST_F(LogTest, SetAndGetLevel) {
  for (LogLevel level : kAllLevels) {
    SetLogLevel(level);
    EXPECT_EQ(GetLogLevel(), level);
  }
}

TEST_F(LogTest, InitialLevelFromEnvironmentValue) {
  EXPECT_EQ(detail::InitialLogLevel(nullptr), LogLevel::kWarn);
  EXPECT_EQ(detail::InitialLogLevel(""), LogLevel::kWarn);
  EXPECT_EQ(detail::InitialLogLevel("debug"), LogLevel::kDebug);
  EXPECT_EQ(detail::InitialLogLevel("off"), LogLevel::kOff);
  std::string error;
  EXPECT_EQ(detail::InitialLogLevel("loud", &error), LogLevel::kWarn);
  EXPECT_NE(error.find("STRATA_LOG"), std::string::npos) << error;
  EXPECT_NE(error.find("\"loud\""), std::string::npos) << error;
  error.clear();
  EXPECT_EQ(detail::InitialLogLevel("error", &error), LogLevel::kError);
  EXPECT_TRUE(error.empty());
}

TEST_F(LogTest, WritesEnabledLevelsToStderr) {
  SetLogLevel(LogLevel::kInfo);
  CaptureStderr();
  Logger().info("opened {} files", 3);
  Logger().debug("hidden debug line");
  Logger().warn("slow {}", "disk");
  Logger().flush();
  std::string out = GetCapturedStderr();
  EXPECT_NE(out.find("opened 3 files"), std::string::npos) << out;
  EXPECT_NE(out.find("[info]"), std::string::npos) << out;
  EXPECT_NE(out.find("slow disk"), std::string::npos) << out;
  EXPECT_NE(out.find("[strata]"), std::string::npos) << out;
  EXPECT_EQ(out.find("hidden debug line"), std::string::npos) << out;
}

TEST_F(LogTest, OffSilencesEverything) {
  SetLogLevel(LogLevel::kOff);
  CaptureStderr();
  Logger().error("should not appear");
  Logger().critical("nor this");
  Logger().flush();
  EXPECT_EQ(GetCapturedStderr(), "");
}

TEST_F(LogTest, ConcurrentLoggingAndLevelChanges) {
  SetLogLevel(LogLevel::kError);
  CaptureStderr();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t] {
      for (int i = 0; i < 200; ++i) {
        if (t == 0 && i % 50 == 0) SetLogLevel(LogLevel::kError);
        Logger().error("thread {} line {}", t, i);
        Logger().debug("never shown");
      }
    });
  }
  for (auto& t : threads) t.join();
  Logger().flush();
  std::string out = GetCapturedStderr();
  size_t lines = 0;
  for (char c : out) lines += c == '\n';
  EXPECT_EQ(lines, 800u);
  EXPECT_EQ(out.find("never shown"), std::string::npos);
}

// The environment is read once, when the logger is first used, so these run
// in a fresh process (threadsafe death tests re-execute the binary).
TEST(LogEnvDeathTest, InitialLevelComesFromStrataLog) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  ASSERT_EQ(setenv("STRATA_LOG", "debug", 1), 0);
  EXPECT_EXIT(
      {
        Logger().debug("debug enabled by env");
        std::exit(GetLogLevel() == LogLevel::kDebug ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "debug enabled by env");
  ASSERT_EQ(unsetenv("STRATA_LOG"), 0);
}

TEST(LogEnvDeathTest, DefaultsToWarnAndReportsBadValue) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  ASSERT_EQ(setenv("STRATA_LOG", "chatty", 1), 0);
  EXPECT_EXIT(std::exit(GetLogLevel() == LogLevel::kWarn ? 0 : 1),
              ::testing::ExitedWithCode(0),
              "STRATA_LOG: unknown log level \"chatty\"");
  ASSERT_EQ(unsetenv("STRATA_LOG"), 0);
}

TEST(LogEnvDeathTest, DefaultIsWarn) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  ASSERT_EQ(unsetenv("STRATA_LOG"), 0);
  EXPECT_EXIT(std::exit(GetLogLevel() == LogLevel::kWarn ? 0 : 1),
              ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace strata
