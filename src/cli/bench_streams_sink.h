// NullFile: an fs::File that counts the bytes written to it and discards
// them, the sink of `strata bench streams` so that no backend cost hides the
// layers' own. Reads fail with kFailedPrecondition; Size() is the count.
//
// Thread-safety: as fs::File (writes need external synchronisation).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>

#include "strata/fs/file.h"

namespace strata::cli {

class NullFile final : public fs::File {
 public:
  explicit NullFile(std::string path = "null") : path_(std::move(path)) {}

  const std::string& path() const override { return path_; }
  uint64_t bytes() const { return bytes_; }

  Task<Result<size_t>> ReadAt(fs::MutableBytes, uint64_t,
                              const fs::IoOptions& = {}) override {
    co_return FailedPreconditionError("null sink " + path_ +
                                      " is not readable");
  }
  Task<Result<size_t>> ReadV(std::span<const fs::MutableBytes>, uint64_t,
                             const fs::IoOptions& = {}) override {
    co_return FailedPreconditionError("null sink " + path_ +
                                      " is not readable");
  }
  Task<Status> Write(fs::ConstBytes src, const fs::IoOptions& = {}) override {
    bytes_ += src.size();
    co_return Status::OK();
  }
  Task<Status> WriteV(std::span<const fs::ConstBytes> srcs,
                      const fs::IoOptions& = {}) override {
    for (fs::ConstBytes src : srcs) bytes_ += src.size();
    co_return Status::OK();
  }
  Task<Status> WriteAt(fs::ConstBytes src, uint64_t offset,
                       const fs::IoOptions& = {}) override {
    if (offset + src.size() > bytes_) bytes_ = offset + src.size();
    co_return Status::OK();
  }
  Task<Status> Sync() override { co_return Status::OK(); }
  Task<Result<uint64_t>> Size() override { co_return bytes_; }
  Task<Status> Close() override { co_return Status::OK(); }
  Task<Status> Abort() override { co_return Status::OK(); }

 private:
  std::string path_;
  uint64_t bytes_ = 0;
};

}  // namespace strata::cli
