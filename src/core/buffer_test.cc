#include "strata/core/buffer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <random>
#include <thread>
#include <vector>

namespace strata {
namespace {

constexpr size_t kKiB = 1024;
constexpr size_t kMiB = 1024 * kKiB;

bool IsAligned(const void* p, size_t alignment) {
  return reinterpret_cast<uintptr_t>(p) % alignment == 0;
}

void Fill(Buffer& b, uint8_t seed) {
  for (size_t i = 0; i < b.size(); ++i) {
    b.data()[i] = std::byte(static_cast<uint8_t>(seed + i));
  }
}

bool Check(const Buffer& b, uint8_t seed) {
  for (size_t i = 0; i < b.size(); ++i) {
    if (b.data()[i] != std::byte(static_cast<uint8_t>(seed + i))) return false;
  }
  return true;
}

// Writes `seed` over the first and last 64 bytes (cheap for big buffers).
void Stamp(Buffer& b, uint8_t seed) {
  size_t n = std::min<size_t>(b.size(), 64);
  std::memset(b.data(), seed, n);
  std::memset(b.data() + b.size() - n, seed, n);
}

bool CheckStamp(const Buffer& b, uint8_t seed) {
  size_t n = std::min<size_t>(b.size(), 64);
  for (size_t i = 0; i < n; ++i) {
    if (b.data()[i] != std::byte(seed)) return false;
    if (b.data()[b.size() - 1 - i] != std::byte(seed)) return false;
  }
  return true;
}

std::unique_ptr<BufferPool> MakePool(BufferPool::Options options) {
  auto pool = BufferPool::Create(options);
  EXPECT_TRUE(pool.ok()) << pool.status().ToString();
  return std::move(pool).value();
}

// ---- Buffer -----------------------------------------------------------------

TEST(BufferTest, DefaultIsEmpty) {
  Buffer b;
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.data(), nullptr);
  EXPECT_EQ(b.size(), 0u);
  EXPECT_EQ(b.capacity(), 0u);
  EXPECT_TRUE(b.span().empty());
}

TEST(BufferTest, AllocateUnaligned) {
  Buffer b = Buffer::Allocate(1000);
  ASSERT_NE(b.data(), nullptr);
  EXPECT_EQ(b.size(), 1000u);
  EXPECT_EQ(b.capacity(), 1000u);
  EXPECT_EQ(b.alignment(), 0u);
  EXPECT_FALSE(b.empty());
  Fill(b, 3);
  EXPECT_TRUE(Check(b, 3));
}

TEST(BufferTest, AlignmentIsHonoured) {
  for (size_t alignment : {16, 64, 512, 4096, 65536, 2 * 1024 * 1024}) {
    for (size_t size : {1, 100, 4095, 4096, 4097, 70000}) {
      SCOPED_TRACE("alignment " + std::to_string(alignment) + " size " +
                   std::to_string(size));
      Buffer b = Buffer::Allocate(size, alignment);
      ASSERT_NE(b.data(), nullptr);
      EXPECT_TRUE(IsAligned(b.data(), alignment));
      EXPECT_EQ(b.size(), size);
      EXPECT_EQ(b.alignment(), alignment);
      EXPECT_EQ(b.capacity() % alignment, 0u);
      EXPECT_GE(b.capacity(), size);
      EXPECT_LT(b.capacity() - size, alignment);
      b.resize(b.capacity());  // the whole capacity is usable
      Fill(b, 1);
      EXPECT_TRUE(Check(b, 1));
    }
  }
}

TEST(BufferTest, AllocateZeroAllocatesNothing) {
  Buffer b = Buffer::Allocate(0, 4096);
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.capacity(), 0u);
  EXPECT_EQ(b.data(), nullptr);
}

TEST(BufferTest, ResizeWithinCapacityKeepsBytes) {
  Buffer b = Buffer::Allocate(10, 4096);
  Fill(b, 7);
  const std::byte* before = b.data();
  b.resize(4);
  EXPECT_EQ(b.size(), 4u);
  b.resize(4096);
  EXPECT_EQ(b.data(), before);  // never reallocates
  EXPECT_EQ(b.size(), 4096u);
  b.resize(10);
  EXPECT_TRUE(Check(b, 7));
}

TEST(BufferTest, Spans) {
  Buffer b = Buffer::Allocate(64, 64);
  std::span<std::byte> s = b.span();
  EXPECT_EQ(s.data(), b.data());
  EXPECT_EQ(s.size(), 64u);
  std::span<const std::byte> cs = b.const_span();
  EXPECT_EQ(cs.data(), b.data());
  EXPECT_EQ(cs.size(), 64u);
  b.resize(10);
  EXPECT_EQ(b.span().size(), 10u);
  EXPECT_EQ(std::as_const(b).span().size(), 10u);
}

TEST(BufferTest, MoveTransfersOwnership) {
  Buffer a = Buffer::Allocate(100, 512);
  std::byte* data = a.data();
  Buffer b = std::move(a);
  EXPECT_EQ(b.data(), data);
  EXPECT_EQ(b.size(), 100u);
  EXPECT_EQ(b.alignment(), 512u);
  EXPECT_EQ(a.data(), nullptr);  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(a.capacity(), 0u);
  Buffer c = Buffer::Allocate(5);
  c = std::move(b);
  EXPECT_EQ(c.data(), data);
  Buffer& alias = c;
  c = std::move(alias);  // self-move is harmless
  EXPECT_EQ(c.data(), data);
}

TEST(BufferDeathTest, ResizeBeyondCapacityAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  Buffer b = Buffer::Allocate(10, 16);
  EXPECT_DEATH(b.resize(17), "exceeds capacity 16");
}

TEST(BufferDeathTest, NonPowerOfTwoAlignmentAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH((void)Buffer::Allocate(10, 3000), "not a power of two");
}

// ---- BufferPool -------------------------------------------------------------

TEST(BufferPoolTest, RejectsInvalidOptions) {
  auto expect_invalid = [](BufferPool::Options o, std::string_view option) {
    auto pool = BufferPool::Create(o);
    ASSERT_FALSE(pool.ok());
    EXPECT_EQ(pool.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(pool.status().message().find(option), std::string_view::npos)
        << pool.status().ToString();
  };
  expect_invalid({.alignment = 3000}, "alignment");
  expect_invalid({.min_class = 5000}, "min_class");
  expect_invalid({.max_class = 3 * kMiB}, "max_class");
  expect_invalid({.min_class = 8192, .max_class = 4096}, "max_class");
  expect_invalid({.alignment = 8192, .min_class = 4096}, "alignment");
  EXPECT_TRUE(BufferPool::Create().ok());
  EXPECT_TRUE(BufferPool::Create({.alignment = 0, .min_class = 1}).ok());
}

TEST(BufferPoolTest, HitsAndMisses) {
  auto pool = MakePool({});
  std::byte* first;
  {
    Buffer b = pool->Acquire(100);
    EXPECT_EQ(b.size(), 100u);
    EXPECT_EQ(b.capacity(), 4096u);
    EXPECT_EQ(b.alignment(), 4096u);
    EXPECT_TRUE(IsAligned(b.data(), 4096));
    first = b.data();
    auto s = pool->stats();
    EXPECT_EQ(s.misses, 1u);
    EXPECT_EQ(s.hits, 0u);
    EXPECT_EQ(s.outstanding, 1u);
    EXPECT_EQ(s.cached_bytes, 0u);
  }
  auto s = pool->stats();
  EXPECT_EQ(s.outstanding, 0u);
  EXPECT_EQ(s.cached_bytes, 4096u);

  Buffer again = pool->Acquire(4096);  // same class: reused
  EXPECT_EQ(again.data(), first);
  EXPECT_EQ(again.size(), 4096u);
  s = pool->stats();
  EXPECT_EQ(s.hits, 1u);
  EXPECT_EQ(s.misses, 1u);
  EXPECT_EQ(s.cached_bytes, 0u);

  Buffer bigger = pool->Acquire(4097);  // next class: a miss
  EXPECT_EQ(bigger.capacity(), 8192u);
  EXPECT_NE(bigger.data(), first);
  EXPECT_EQ(pool->stats().misses, 2u);
  EXPECT_EQ(pool->stats().outstanding, 2u);
}

TEST(BufferPoolTest, SizeClasses) {
  auto pool =
      MakePool({.alignment = 512, .min_class = 1024, .max_class = kMiB});
  EXPECT_EQ(pool->Acquire(0).capacity(), 1024u);
  EXPECT_EQ(pool->Acquire(1).capacity(), 1024u);
  EXPECT_EQ(pool->Acquire(1025).capacity(), 2048u);
  EXPECT_EQ(pool->Acquire(300 * kKiB).capacity(), 512 * kKiB);
  EXPECT_EQ(pool->Acquire(kMiB).capacity(), kMiB);
  Buffer huge = pool->Acquire(kMiB + 1);  // above max_class: unpooled
  EXPECT_EQ(huge.size(), kMiB + 1);
  EXPECT_EQ(huge.capacity(), kMiB + 512);
  EXPECT_TRUE(IsAligned(huge.data(), 512));
}

TEST(BufferPoolTest, OversizeBuffersAreNotCached) {
  auto pool = MakePool({.max_class = 64 * kKiB});
  { Buffer huge = pool->Acquire(100 * kKiB); }
  auto s = pool->stats();
  EXPECT_EQ(s.cached_bytes, 0u);
  EXPECT_EQ(s.outstanding, 0u);
  EXPECT_EQ(s.misses, 1u);
  { Buffer huge = pool->Acquire(100 * kKiB); }
  EXPECT_EQ(pool->stats().misses, 2u);
  EXPECT_EQ(pool->stats().hits, 0u);
}

TEST(BufferPoolTest, CachedBytesAreCapped) {
  auto pool = MakePool({.max_cached_bytes = 4 * 4096});
  {
    std::vector<Buffer> held;
    for (int i = 0; i < 6; ++i) held.push_back(pool->Acquire(4096));
    EXPECT_EQ(pool->stats().outstanding, 6u);
  }
  auto s = pool->stats();
  EXPECT_EQ(s.cached_bytes, 4u * 4096);  // two were freed
  EXPECT_EQ(s.outstanding, 0u);
  {
    std::vector<Buffer> held;
    for (int i = 0; i < 6; ++i) held.push_back(pool->Acquire(10));
  }
  s = pool->stats();
  EXPECT_EQ(s.hits, 4u);
  EXPECT_EQ(s.misses, 6u + 2u);
  // A buffer of a bigger class does not fit in the full cache either.
  { Buffer b = pool->Acquire(8192); }
  EXPECT_EQ(pool->stats().cached_bytes, 4u * 4096);
}

TEST(BufferPoolTest, HeldBuffersDoNotOverlap) {
  auto pool = MakePool({.alignment = 0, .min_class = 64});
  std::vector<Buffer> held;
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 16; ++i) {
      held.push_back(pool->Acquire(64));
      Fill(held.back(), static_cast<uint8_t>(i));
    }
    for (int i = 0; i < 16; ++i) {
      EXPECT_TRUE(Check(held[i], static_cast<uint8_t>(i)));
    }
    held.clear();
  }
  EXPECT_EQ(pool->stats().hits, 16u);
}

TEST(BufferPoolTest, MoveAssignmentReturnsPreviousBuffer) {
  auto pool = MakePool({});
  Buffer a = pool->Acquire(10);
  Buffer b = pool->Acquire(10);
  a = std::move(b);
  EXPECT_EQ(pool->stats().outstanding, 1u);
  EXPECT_EQ(pool->stats().cached_bytes, 4096u);
}

TEST(BufferPoolTest, BufferMayOutliveThePool) {
  auto pool = MakePool({});
  Buffer cached_then_freed = pool->Acquire(100);
  Buffer kept = pool->Acquire(20000);
  { Buffer returned = pool->Acquire(100); }
  pool.reset();  // frees the cache; `kept` stays valid
  Fill(kept, 9);
  EXPECT_TRUE(Check(kept, 9));
  std::thread t([b = std::move(kept)]() mutable {
    EXPECT_TRUE(Check(b, 9));
    b = Buffer();  // released on another thread, after the pool is gone
  });
  t.join();
  cached_then_freed = Buffer();
}

TEST(BufferPoolTest, ConcurrentAcquireAndRelease) {
  constexpr int kThreads = 8;
  constexpr int kIterations = 5000;
  auto pool = MakePool({.alignment = 512,
                        .min_class = 512,
                        .max_class = 64 * kKiB,
                        .max_cached_bytes = 256 * kKiB});
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&pool, t] {
      std::mt19937 rng(t);
      std::vector<Buffer> held;
      for (int i = 0; i < kIterations; ++i) {
        size_t size = rng() % (80 * kKiB);  // some above max_class
        Buffer b = pool->Acquire(size);
        ASSERT_EQ(b.size(), size);
        ASSERT_TRUE(IsAligned(b.data(), 512));
        Stamp(b, static_cast<uint8_t>(i));
        held.push_back(std::move(b));
        if (held.size() > 4) {
          ASSERT_TRUE(CheckStamp(held.front(), static_cast<uint8_t>(i - 4)));
          held.erase(held.begin());
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  auto s = pool->stats();
  EXPECT_EQ(s.outstanding, 0u);
  EXPECT_EQ(s.hits + s.misses, uint64_t{kThreads} * kIterations);
  EXPECT_GT(s.hits, 0u);
  EXPECT_LE(s.cached_bytes, 256 * kKiB);
}

}  // namespace
}  // namespace strata
