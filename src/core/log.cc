#include "strata/core/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>

#include <array>
#include <cctype>
#include <cstdlib>
#include <memory>
#include <string>

#include "core/logging.h"

namespace strata {
namespace {

struct LevelName {
  std::string_view name;
  LogLevel level;
};

constexpr std::array<LevelName, 7> kLevelNames = {{
    {"trace", LogLevel::kTrace},
    {"debug", LogLevel::kDebug},
    {"info", LogLevel::kInfo},
    {"warn", LogLevel::kWarn},
    {"warning", LogLevel::kWarn},
    {"error", LogLevel::kError},
    {"off", LogLevel::kOff},
}};

spdlog::level::level_enum ToSpdlog(LogLevel level) {
  switch (level) {
    case LogLevel::kTrace:
      return spdlog::level::trace;
    case LogLevel::kDebug:
      return spdlog::level::debug;
    case LogLevel::kInfo:
      return spdlog::level::info;
    case LogLevel::kWarn:
      return spdlog::level::warn;
    case LogLevel::kError:
      return spdlog::level::err;
    case LogLevel::kOff:
      break;
  }
  return spdlog::level::off;
}

LogLevel FromSpdlog(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
      return LogLevel::kTrace;
    case spdlog::level::debug:
      return LogLevel::kDebug;
    case spdlog::level::info:
      return LogLevel::kInfo;
    case spdlog::level::warn:
      return LogLevel::kWarn;
    case spdlog::level::err:
    case spdlog::level::critical:
      return LogLevel::kError;
    default:
      return LogLevel::kOff;
  }
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    auto ca = static_cast<unsigned char>(a[i]);
    auto cb = static_cast<unsigned char>(b[i]);
    if (std::tolower(ca) != std::tolower(cb)) return false;
  }
  return true;
}

// Not registered with spdlog's global registry, so an application that uses
// spdlog itself (even with a logger named "strata") cannot collide with it.
spdlog::logger* NewLogger() {
  auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  auto* logger = new spdlog::logger("strata", std::move(sink));
  logger->set_pattern("[%Y-%m-%d %H:%M:%S.%e] [strata] [%l] [tid %t] %v");
  std::string error;
  logger->set_level(
      ToSpdlog(detail::InitialLogLevel(std::getenv("STRATA_LOG"), &error)));
  logger->flush_on(spdlog::level::warn);
  if (!error.empty()) logger->warn("{}", error);
  return logger;
}

}  // namespace

namespace detail {

LogLevel InitialLogLevel(const char* env_value, std::string* error) {
  if (env_value == nullptr || *env_value == '\0') return LogLevel::kWarn;
  Result<LogLevel> level = ParseLogLevel(env_value);
  if (level.ok()) return *level;
  if (error != nullptr) {
    *error =
        "STRATA_LOG: " + std::string(level.status().message()) + "; using warn";
  }
  return LogLevel::kWarn;
}

}  // namespace detail

spdlog::logger& Logger() {
  // Leaked on purpose: static destructors may still log during exit.
  static spdlog::logger* const logger = NewLogger();
  return *logger;
}

void SetLogLevel(LogLevel level) { Logger().set_level(ToSpdlog(level)); }

LogLevel GetLogLevel() { return FromSpdlog(Logger().level()); }

std::string_view LogLevelName(LogLevel level) {
  for (const LevelName& entry : kLevelNames) {
    if (entry.level == level) return entry.name;
  }
  return "unknown";
}

Result<LogLevel> ParseLogLevel(std::string_view text) {
  for (const LevelName& entry : kLevelNames) {
    if (EqualsIgnoreCase(text, entry.name)) return entry.level;
  }
  return InvalidArgumentError(
      "unknown log level \"" + std::string(text) +
      "\" (expected trace, debug, info, warn, error or off)");
}

}  // namespace strata
