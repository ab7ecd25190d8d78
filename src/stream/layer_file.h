// LayerFile: the boilerplate every stream layer shares (layer.h's contract),
// so a concrete layer implements only its transform:
//
//  - a writer implements DoWrite (and optionally DoWriteV, DoSync) and
//    DoClose (finish the format; the base then closes the inner file);
//  - a reader implements DoReadAt and DoSize.
//
// The base refuses calls in the wrong mode or after Close/Abort with
// kFailedPrecondition ("<layer> <op> <path>: ..."), honours stop tokens,
// scatters ReadV through DoReadAt, counts plain bytes written, and aborts the
// inner file on Abort. Errors from the inner file pass through unchanged.
//
// Thread-safety: as layer.h.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "strata/core/status.h"
#include "strata/fs/file.h"

namespace strata::stream {

class LayerFile : public fs::File {
 public:
  enum class Mode { kWrite, kRead };

  const std::string& path() const override { return inner_->path(); }

  Task<Result<size_t>> ReadAt(fs::MutableBytes dst, uint64_t offset,
                              const fs::IoOptions& options = {}) final;
  Task<Result<size_t>> ReadV(std::span<const fs::MutableBytes> dsts,
                             uint64_t offset,
                             const fs::IoOptions& options = {}) final;
  Task<Status> Write(fs::ConstBytes src,
                     const fs::IoOptions& options = {}) final;
  Task<Status> WriteV(std::span<const fs::ConstBytes> srcs,
                      const fs::IoOptions& options = {}) final;
  Task<Status> WriteAt(fs::ConstBytes src, uint64_t offset,
                       const fs::IoOptions& options = {}) final;
  Task<Status> Sync() final;
  Task<Result<uint64_t>> Size() final;
  Task<Status> Close() final;
  Task<Status> Abort() final;

 protected:
  // `layer` names the layer in messages ("zstd", "encrypt", "bitrot", ...).
  LayerFile(std::string layer, Mode mode, std::unique_ptr<fs::File> inner);

  // Writer hooks. DoWrite/DoWriteV get non-empty input.
  virtual Task<Status> DoWrite(fs::ConstBytes src);
  virtual Task<Status> DoWriteV(std::span<const fs::ConstBytes> srcs);
  // Pushes whatever can be pushed without ending a block; the base then
  // syncs the inner file. Default: nothing to push.
  virtual Task<Status> DoFlush();
  // Writes the format's tail (last block, index, trailer). The base closes
  // the inner file afterwards (and aborts it if DoClose failed).
  virtual Task<Status> DoClose();

  // Reader hooks. DoReadAt gets a non-empty dst; short only at EOF.
  virtual Task<Result<size_t>> DoReadAt(fs::MutableBytes dst, uint64_t offset);
  virtual Task<Result<uint64_t>> DoSize();

  fs::File& inner() { return *inner_; }
  const std::string& layer() const { return layer_; }
  Mode mode() const { return mode_; }
  // Plain bytes accepted by Write/WriteV so far.
  uint64_t plain_written() const { return plain_written_; }
  // "<layer> <op> <path>" for messages.
  std::string Context(const char* op) const;

 private:
  Status Check(const char* op, Mode wanted, const fs::IoOptions& options) const;

  std::string layer_;
  Mode mode_;
  std::unique_ptr<fs::File> inner_;
  uint64_t plain_written_ = 0;
  bool closed_ = false;
  // A failed write or Sync leaves the format in an unknown state: later
  // writes, Syncs and Close fail with the first error (the caller should
  // Abort).
  Status write_error_;
};

}  // namespace strata::stream
