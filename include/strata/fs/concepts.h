// Concepts for static dispatch: a template constrained on these accepts a
// concrete backend type (`LocalFile`, calls devirtualised because the class is
// final) or the virtual base (`File&`, dynamic dispatch) alike.
#pragma once

#include <concepts>
#include <cstdint>
#include <memory>
#include <string>

#include "strata/core/result.h"
#include "strata/core/task.h"
#include "strata/fs/types.h"

namespace strata::fs {

template <typename F>
concept RandomReader = requires(F& f, MutableBytes dst, uint64_t offset) {
  { f.ReadAt(dst, offset) } -> std::same_as<Task<Result<size_t>>>;
  { f.Size() } -> std::same_as<Task<Result<uint64_t>>>;
};

template <typename F>
concept SequentialWriter = requires(F& f, ConstBytes src) {
  { f.Write(src) } -> std::same_as<Task<Status>>;
  { f.Sync() } -> std::same_as<Task<Status>>;
  { f.Close() } -> std::same_as<Task<Status>>;
};

template <typename S>
concept FileSystemLike = requires(S& s, std::string p, OpenOptions o) {
  {s.Open(p, o)};
  { s.Stat(p) } -> std::same_as<Task<Result<FileInfo>>>;
  { s.List(p, ListOptions{}) } -> std::same_as<ListStream>;
  { s.Remove(p) } -> std::same_as<Task<Status>>;
  { s.capabilities() } -> std::same_as<Capabilities>;
};

}  // namespace strata::fs
