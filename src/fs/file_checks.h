// Checks shared by the in-memory File implementations (memory, crashsim):
// the request checks every read/write makes, and O_DIRECT alignment.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "strata/core/status.h"
#include "strata/fs/types.h"

namespace strata::fs::file_checks {

// "<op> <path>", the prefix of every message.
std::string Context(const char* op, const std::string& path);

// kCancelled when a stop was requested; kInvalidArgument (EBADF) when the
// handle was not opened for this direction.
Status CheckRequest(const char* op, const std::string& path, bool writing,
                    bool readable, bool writable, const IoOptions& options);

// With `direct`, kInvalidArgument unless the buffer address, length and
// offset are multiples of kDirectIoAlignment.
Status CheckDirectAligned(bool direct, const char* op, const std::string& path,
                          const void* data, size_t len, uint64_t offset);

}  // namespace strata::fs::file_checks
