#include "strata/core/buffer.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "core/logging.h"

namespace strata {
namespace {

constexpr bool IsPowerOfTwo(size_t x) { return x != 0 && (x & (x - 1)) == 0; }

[[noreturn]] void Die(const std::string& message) {
  Logger().critical("{}", message);
  Logger().flush();
  std::abort();
}

// `size` rounded up to a multiple of `alignment` (0: unchanged).
size_t CapacityFor(size_t size, size_t alignment) {
  if (alignment == 0) return size;
  if (size > SIZE_MAX - (alignment - 1)) throw std::bad_alloc();
  return (size + alignment - 1) & ~(alignment - 1);
}

std::byte* AllocateBytes(size_t capacity, size_t alignment) {
  if (capacity == 0) return nullptr;
  void* p = alignment == 0
                ? ::operator new(capacity)
                : ::operator new (capacity, std::align_val_t{alignment});
  return static_cast<std::byte*>(p);
}

// Unsized deletes: clang does not declare the sized ones without
// -fsized-deallocation.
void FreeBytes(std::byte* data, size_t alignment) noexcept {
  if (data == nullptr) return;
  if (alignment == 0) {
    ::operator delete(data);
  } else {
    ::operator delete (data, std::align_val_t{alignment});
  }
}

Status InvalidOption(std::string_view name, size_t value,
                     std::string_view requirement) {
  return InvalidArgumentError("BufferPool option " + std::string(name) + "=" +
                              std::to_string(value) + ": " +
                              std::string(requirement));
}

}  // namespace

// ---- Buffer -----------------------------------------------------------------

Buffer::Buffer(std::byte* data, size_t size, size_t capacity, size_t alignment,
               std::shared_ptr<detail::BufferReleaser> releaser) noexcept
    : data_(data),
      size_(size),
      capacity_(capacity),
      alignment_(alignment),
      releaser_(std::move(releaser)) {}

Buffer Buffer::Allocate(size_t size, size_t alignment) {
  if (alignment != 0 && !IsPowerOfTwo(alignment)) {
    Die("Buffer::Allocate: alignment " + std::to_string(alignment) +
        " is not a power of two");
  }
  size_t capacity = CapacityFor(size, alignment);
  return Buffer(AllocateBytes(capacity, alignment), size, capacity, alignment,
                nullptr);
}

Buffer::Buffer(Buffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      capacity_(std::exchange(other.capacity_, 0)),
      alignment_(std::exchange(other.alignment_, 0)),
      releaser_(std::move(other.releaser_)) {}

Buffer& Buffer::operator=(Buffer&& other) noexcept {
  if (this != &other) {
    Reset();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    capacity_ = std::exchange(other.capacity_, 0);
    alignment_ = std::exchange(other.alignment_, 0);
    releaser_ = std::move(other.releaser_);
  }
  return *this;
}

Buffer::~Buffer() { Reset(); }

void Buffer::Reset() noexcept {
  if (releaser_) {
    releaser_->Release(data_, capacity_, alignment_);
    releaser_.reset();
  } else {
    FreeBytes(data_, alignment_);
  }
  data_ = nullptr;
  size_ = capacity_ = 0;
}

void Buffer::resize(size_t n) {
  if (n > capacity_) {
    Die("Buffer::resize(" + std::to_string(n) + ") exceeds capacity " +
        std::to_string(capacity_));
  }
  size_ = n;
}

// ---- BufferPool::Core -------------------------------------------------------

// The pool's state, shared by the BufferPool and every Buffer it handed out.
class BufferPool::Core final : public detail::BufferReleaser {
 public:
  explicit Core(const Options& options)
      : options_(options),
        free_(static_cast<size_t>(std::countr_zero(options.max_class) -
                                  std::countr_zero(options.min_class)) +
              1) {}
  ~Core() override { DropCache(); }

  // Cached memory of class `capacity` (a hit), or nullptr.
  std::byte* TakeCached(size_t capacity) {
    std::lock_guard lock(mu_);
    auto& list = free_[ClassIndex(capacity)];
    if (list.empty()) return nullptr;
    std::byte* data = list.back();
    list.pop_back();
    stats_.cached_bytes -= capacity;
    ++stats_.hits;
    ++stats_.outstanding;
    return data;
  }

  // Records a successful allocation after a cache miss.
  void NoteMiss() {
    std::lock_guard lock(mu_);
    ++stats_.misses;
    ++stats_.outstanding;
  }

  void Release(std::byte* data, size_t capacity,
               size_t alignment) noexcept override {
    {
      std::lock_guard lock(mu_);
      --stats_.outstanding;
      if (!closed_ && capacity <= options_.max_class &&
          stats_.cached_bytes + capacity <= options_.max_cached_bytes &&
          TryPush(free_[ClassIndex(capacity)], data)) {
        stats_.cached_bytes += capacity;
        return;
      }
    }
    FreeBytes(data, alignment);
  }

  // Stops caching: from now on released memory is freed.
  void Close() {
    {
      std::lock_guard lock(mu_);
      closed_ = true;
    }
    DropCache();
  }

  Stats stats() const {
    std::lock_guard lock(mu_);
    return stats_;
  }

 private:
  size_t ClassIndex(size_t capacity) const {
    return static_cast<size_t>(std::countr_zero(capacity) -
                               std::countr_zero(options_.min_class));
  }

  // Release() must not throw; a cache that cannot grow just frees instead.
  static bool TryPush(std::vector<std::byte*>& list, std::byte* data) noexcept {
    try {
      list.push_back(data);
      return true;
    } catch (const std::bad_alloc&) {
      return false;
    }
  }

  // Frees every cached buffer (rare: pool shutdown, so under the lock).
  void DropCache() noexcept {
    std::lock_guard lock(mu_);
    for (auto& list : free_) {
      for (std::byte* data : list) FreeBytes(data, options_.alignment);
      list.clear();
    }
    stats_.cached_bytes = 0;
  }

  const Options options_;
  mutable std::mutex mu_;
  std::vector<std::vector<std::byte*>> free_;  // per class, smallest first
  Stats stats_;
  bool closed_ = false;
};

// ---- BufferPool -------------------------------------------------------------

Result<std::unique_ptr<BufferPool>> BufferPool::Create(Options options) {
  if (options.alignment != 0 && !IsPowerOfTwo(options.alignment)) {
    return InvalidOption("alignment", options.alignment,
                         "must be 0 or a power of two");
  }
  if (!IsPowerOfTwo(options.min_class)) {
    return InvalidOption("min_class", options.min_class,
                         "must be a power of two");
  }
  if (!IsPowerOfTwo(options.max_class) ||
      options.max_class < options.min_class) {
    return InvalidOption("max_class", options.max_class,
                         "must be a power of two >= min_class");
  }
  if (options.alignment > options.min_class) {
    return InvalidOption("alignment", options.alignment,
                         "must not exceed min_class");
  }
  auto core = std::make_shared<Core>(options);
  return std::unique_ptr<BufferPool>(new BufferPool(options, std::move(core)));
}

BufferPool::BufferPool(Options options, std::shared_ptr<Core> core)
    : options_(options), core_(std::move(core)) {}

BufferPool::~BufferPool() { core_->Close(); }

Buffer BufferPool::Acquire(size_t size) {
  size_t capacity;
  std::byte* data = nullptr;
  if (size > options_.max_class) {
    capacity = CapacityFor(size, options_.alignment);
  } else {
    capacity = std::max(options_.min_class, std::bit_ceil(size));
    data = core_->TakeCached(capacity);
  }
  if (data == nullptr) {
    data = AllocateBytes(capacity, options_.alignment);
    core_->NoteMiss();
  }
  return Buffer(data, size, capacity, options_.alignment, core_);
}

BufferPool::Stats BufferPool::stats() const { return core_->stats(); }

}  // namespace strata
