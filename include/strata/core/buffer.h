// Buffer and BufferPool: owned, optionally aligned byte buffers for I/O that
// outlives the caller's frame (O_DIRECT reads, queued writes, uploads).
//
// A Buffer is a move-only owner of one contiguous allocation. It has a
// capacity (fixed at allocation) and a size (the bytes in use, adjustable up
// to the capacity with resize(), never reallocating). Its contents are not
// initialised. When asked for an alignment (a power of two, e.g. 4096 for
// O_DIRECT) both data() and capacity() are multiples of it.
//
// A BufferPool hands out Buffers whose capacity is a power-of-two size class
// and takes their memory back when they are destroyed, keeping up to a byte
// budget cached for reuse. A pooled Buffer holds a reference to the pool's
// internals, so it may be destroyed after the BufferPool object itself (its
// memory is then simply freed).
//
// Allocation failure throws std::bad_alloc, as std::vector does; everything
// else reports errors as Status.
//
// Thread-safety: a Buffer is a single-owner value: distinct Buffers may be
// used concurrently, one Buffer needs external synchronisation, and a Buffer
// may be moved to and destroyed on any thread. Every BufferPool method is safe
// for concurrent use, and pooled Buffers may be released from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "strata/core/result.h"

namespace strata {

namespace detail {

// Where a Buffer's memory goes when the Buffer dies. Implemented by the
// pool; a Buffer without a releaser frees its memory directly.
class BufferReleaser {
 public:
  virtual ~BufferReleaser() = default;
  // Takes ownership of `data`, allocated with the given capacity/alignment.
  virtual void Release(std::byte* data, size_t capacity,
                       size_t alignment) noexcept = 0;
};

}  // namespace detail

class Buffer {
 public:
  // An empty buffer: no memory, size and capacity 0.
  Buffer() = default;

  // A buffer of `size` bytes (uninitialised). `alignment` 0 uses the default
  // allocator alignment; otherwise it must be a power of two (a programming
  // error aborts with a message) and the capacity is `size` rounded up to a
  // multiple of it. Allocate(0) allocates nothing.
  static Buffer Allocate(size_t size, size_t alignment = 0);

  Buffer(Buffer&& other) noexcept;
  Buffer& operator=(Buffer&& other) noexcept;
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  // Frees the memory, or returns it to its pool.
  ~Buffer();

  std::byte* data() { return data_; }
  const std::byte* data() const { return data_; }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  // The alignment asked for at allocation (0: default).
  size_t alignment() const { return alignment_; }
  bool empty() const { return size_ == 0; }

  std::span<std::byte> span() { return {data_, size_}; }
  std::span<const std::byte> span() const { return {data_, size_}; }
  std::span<const std::byte> const_span() const { return {data_, size_}; }

  // Sets size() to `n`, keeping the first min(n, size()) bytes. Never
  // reallocates: `n > capacity()` is a programming error and aborts.
  void resize(size_t n);

 private:
  friend class BufferPool;
  Buffer(std::byte* data, size_t size, size_t capacity, size_t alignment,
         std::shared_ptr<detail::BufferReleaser> releaser) noexcept;
  void Reset() noexcept;

  std::byte* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
  size_t alignment_ = 0;
  std::shared_ptr<detail::BufferReleaser> releaser_;  // null: free directly
};

class BufferPool {
 public:
  struct Options {
    // Alignment of every buffer (0: default allocator alignment; otherwise a
    // power of two no larger than min_class).
    size_t alignment = 4096;
    // Smallest and largest size class; both powers of two.
    size_t min_class = 4096;
    size_t max_class = size_t{8} << 20;
    // Released buffers are freed instead of cached once the cache would
    // exceed this many bytes.
    size_t max_cached_bytes = size_t{64} << 20;
  };

  struct Stats {
    uint64_t hits = 0;        // Acquire() served from the cache
    uint64_t misses = 0;      // Acquire() that allocated (incl. oversize)
    size_t cached_bytes = 0;  // bytes held in the cache now
    size_t outstanding = 0;   // buffers handed out and not yet destroyed
  };

  // Fails with kInvalidArgument, naming the option, if `options` is
  // inconsistent (a class or alignment not a power of two, min > max, ...).
  static Result<std::unique_ptr<BufferPool>> Create(Options options);
  static Result<std::unique_ptr<BufferPool>> Create() {
    return Create(Options{});
  }

  // Frees the cached memory. Outstanding Buffers stay valid; their memory is
  // freed when they are destroyed.
  ~BufferPool();
  BufferPool(const BufferPool&) = delete;
  BufferPool& operator=(const BufferPool&) = delete;

  // A buffer with size() == `size` and capacity() the smallest size class
  // that fits (min_class for size 0), reused from the cache when one is
  // available. Requests above max_class get an exact (aligned) allocation
  // that is freed, not cached, on release.
  Buffer Acquire(size_t size);

  Stats stats() const;
  const Options& options() const { return options_; }

 private:
  class Core;
  BufferPool(Options options, std::shared_ptr<Core> core);

  Options options_;
  std::shared_ptr<Core> core_;
};

}  // namespace strata
