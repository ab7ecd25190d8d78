// Virtual paths of the unified namespace.
//
// A virtual path is absolute and normalised: "/", "/data", "/data/raw/x".
// NormalizeVirtualPath turns user input into that form and refuses what the
// namespace never stores: relative paths, `..` above the root, empty or
// over-long names, NUL and other control bytes. Mount resolution works on
// normalised paths only, so `..` can never step out of a mount.
//
// Thread-safety: pure functions.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

#include "strata/core/result.h"

namespace strata::vfs {

// Longest name (one path component), in bytes, as on Linux (NAME_MAX).
inline constexpr size_t kMaxNameBytes = 255;
// Longest virtual path, in bytes (PATH_MAX).
inline constexpr size_t kMaxPathBytes = 4096;

// "/a/./b//c/../d/" → "/a/b/d". kInvalidArgument, naming the path, for: an
// empty or relative path, `..` above "/", a component longer than
// kMaxNameBytes, a result longer than kMaxPathBytes, bytes < 0x20 or 0x7f.
Result<std::string> NormalizeVirtualPath(std::string_view path);

// kInvalidArgument unless `name` is a valid single component: non-empty,
// not "." or "..", no '/', no control bytes, at most kMaxNameBytes.
Status ValidateName(std::string_view name);

// True when normalised `path` is `dir` or lies below it:
// ("/a/b", "/a") and ("/a", "/a") are; ("/ab", "/a") is not; everything
// is within "/".
bool IsWithin(std::string_view path, std::string_view dir);

// `path` relative to `dir`, as an absolute path: ("/a/b/c", "/a") → "/b/c";
// ("/a", "/a") → "/". When IsWithin(path, dir) does not hold, returns the
// empty string (never a valid path, so a caller's misuse fails loudly).
std::string RelativeTo(std::string_view path, std::string_view dir);

}  // namespace strata::vfs
