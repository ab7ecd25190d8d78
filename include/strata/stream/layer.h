// What every stream layer shares: a layer is an fs::File wrapping another
// fs::File (the next layer down, or a backend file), opened either to write
// (encode: Write/WriteV append plain bytes, Close finishes the format and
// closes the inner file, Abort aborts it) or to read (decode: ReadAt/ReadV
// of the plain bytes at any offset, Size the plain size).
//
// A writer refuses ReadAt/ReadV/WriteAt, a reader refuses Write/WriteV/
// WriteAt, both with kFailedPrecondition naming the layer and path. Size()
// on a writer is the plain bytes written so far. Sync() on a writer pushes
// what can be pushed without ending a block and syncs the inner file; the
// bytes of an unfinished block are durable only after Close.
//
// Memory: a layer holds a few blocks (from `pool` when given, else plain
// allocations) whatever the stream's size. Reads decode only the blocks the
// range touches and keep the last decoded block, so sequential small reads
// decode each block once.
//
// Thread-safety: as fs::File, except that reads on a layer also need
// external synchronisation (they share the decoded-block cache).
#pragma once

#include <cstddef>

#include "strata/core/buffer.h"
#include "strata/fs/file.h"

namespace strata::stream {

// Options every layer takes.
struct LayerOptions {
  LayerOptions() {}  // non-aggregate (GCC 12 coroutine temporaries)
  // Buffers for blocks come from here when set (must outlive the layer).
  BufferPool* pool = nullptr;
};

}  // namespace strata::stream
