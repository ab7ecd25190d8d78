// The decompression reader layers (docs/stream-formats.md §3): an indexed
// reader for files with a seek table (ReadAt decodes only the frames it
// touches, caching the last one) and a streaming reader for files without
// one (§3.5). OpenDecompressReader (compress_open.cc) picks one.
//
// Thread-safety: as layer.h (reads need external synchronisation).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "strata/core/buffer.h"
#include "strata/fs/file.h"
#include "strata/stream/compress.h"
#include "stream/seek_table.h"

namespace strata::stream {

struct ReaderSetup {
  ReaderSetup() {}
  Codec codec = Codec::kZstd;  // never kAuto here
  uint64_t file_size = 0;
  // Plain bytes allowed (§3.6) and the limit's name for messages.
  uint64_t plain_limit = UINT64_MAX;
  std::string limit_name;
  BufferPool* pool = nullptr;
};

// kResourceExhausted naming the limit.
Status PlainLimitError(const ReaderSetup& setup, std::string_view what);

std::unique_ptr<fs::File> MakeIndexedReader(std::unique_ptr<fs::File> inner,
                                            ReaderSetup setup, SeekTable table);
std::unique_ptr<fs::File> MakeStreamReader(std::unique_ptr<fs::File> inner,
                                           ReaderSetup setup);

}  // namespace strata::stream
