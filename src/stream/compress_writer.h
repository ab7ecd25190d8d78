// The compression writer layer (docs/stream-formats.md §3): blocks of
// `block_size` plain bytes, each one independent frame written with one
// inner Write, then the seek table. Options are validated by the caller
// (NewCompressWriter).
//
// Thread-safety: as layer.h (external synchronisation).
#pragma once

#include <memory>

#include "strata/fs/file.h"
#include "strata/stream/compress.h"

namespace strata::stream {

std::unique_ptr<fs::File> MakeCompressWriter(std::unique_ptr<fs::File> inner,
                                             const CompressOptions& options);

}  // namespace strata::stream
