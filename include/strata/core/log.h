// Logging controls: the verbosity of strata's one library logger.
//
// strata library code never prints; it logs through a single logger that
// writes to stderr. Its initial level comes from the STRATA_LOG environment
// variable (trace|debug|info|warn|error|off, read once, on first use) and
// defaults to warn. Applications change it at any time with SetLogLevel().
// The logging backend is an implementation detail and is not exposed here.
//
// Thread-safety: every function is safe to call from any thread; a level
// change is seen by other threads' subsequent log calls.
#pragma once

#include <string_view>

#include "strata/core/result.h"

namespace strata {

// Ordered from most to least verbose; kOff silences the logger.
enum class LogLevel { kTrace, kDebug, kInfo, kWarn, kError, kOff };

// Sets the minimum level of messages the library logger emits.
void SetLogLevel(LogLevel level);

// The logger's current minimum level.
LogLevel GetLogLevel();

// "trace", "debug", "info", "warn", "error" or "off".
std::string_view LogLevelName(LogLevel level);

// Parses a level name as accepted by STRATA_LOG (case-insensitive;
// "warning" is accepted for "warn"). Anything else is kInvalidArgument,
// with the offending text in the message.
Result<LogLevel> ParseLogLevel(std::string_view text);

}  // namespace strata
