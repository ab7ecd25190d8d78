// Pieces shared by the in-memory backends (memory, crashsim): the request
// checks every read/write makes, O_DIRECT alignment, and paging a listing.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

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

// Calls `list` at the first Next() (listings are lazy) and yields its
// entries, or its error, in pages of `page_size`.
ListStream PageEntries(std::function<Result<std::vector<FileInfo>>()> list,
                       size_t page_size);

}  // namespace strata::fs::file_checks
