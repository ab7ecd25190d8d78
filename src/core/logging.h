// The library logger (private to strata; public headers never include spdlog).
//
// Library code logs with `Logger().warn("open {}: {}", path, status)`; it
// never prints. The logger is created on first use, writes to stderr, and
// starts at the level given by STRATA_LOG (default warn). It is never
// destroyed, so logging from static destructors is safe.
//
// Thread-safety: the logger and its sink are thread-safe (spdlog *_mt).
#pragma once

#include <spdlog/logger.h>

#include <string>

#include "strata/core/log.h"

namespace strata {

// The one logger all strata library code writes to.
spdlog::logger& Logger();

namespace detail {

// The initial level for a given STRATA_LOG value (nullptr: unset). An
// unparsable value yields kWarn; `error` (if not null) then receives the
// reason so the caller can report it once the logger exists.
LogLevel InitialLogLevel(const char* env_value, std::string* error = nullptr);

}  // namespace detail
}  // namespace strata
