#include "strata/runtime/runtime.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <numeric>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "strata/core/when_all.h"
#include "strata/runtime/io.h"

namespace strata::runtime {
namespace {

using namespace std::chrono_literals;

struct Param {
  const char* name;
  IoUringMode mode;
};

class RuntimeTest : public testing::TestWithParam<Param> {
 protected:
  std::unique_ptr<Runtime> Make(RuntimeOptions o = {}) {
    o.io_uring = GetParam().mode;
    auto rt = Runtime::Create(o);
    EXPECT_TRUE(rt.ok()) << rt.status().ToString();
    return rt.ok() ? std::move(rt).value() : nullptr;
  }
  void SetUp() override {
    if (GetParam().mode != IoUringMode::kOn) return;
    auto env = IoUringModeFromEnv();
    if (env.ok() && *env == IoUringMode::kOff) {
      GTEST_SKIP() << "STRATA_IO_URING=off disables the io_uring runtime";
    }
    if (!IoUringAvailable()) {
      GTEST_SKIP() << "io_uring is not available on this kernel";
    }
  }
};

Task<int> Answer() { co_return 42; }
Task<int> AddOne(Task<int> t) { co_return (co_await std::move(t)) + 1; }

TEST_P(RuntimeTest, KindMatchesRequest) {
  auto rt = Make();
  EXPECT_EQ(rt->kind(), GetParam().mode == IoUringMode::kOn
                            ? RuntimeKind::kIoUring
                            : RuntimeKind::kPoll);
  EXPECT_EQ(RuntimeKindName(rt->kind()),
            GetParam().mode == IoUringMode::kOn ? "io_uring" : "poll");
}

TEST_P(RuntimeTest, BlockOnReturnsValue) {
  auto rt = Make();
  EXPECT_EQ(rt->BlockOn(AddOne(Answer())), 43);
}

Task<size_t> WhichReactor() {
  co_return Runtime::Current() != nullptr ? detail::CurrentReactorIndex() : 999;
}

TEST_P(RuntimeTest, SpawnRoundRobinsAcrossReactors) {
  RuntimeOptions o;
  o.reactor_threads = 3;
  auto rt = Make(o);
  std::vector<JoinHandle<size_t>> handles;
  for (int i = 0; i < 9; ++i) handles.push_back(rt->Spawn(WhichReactor()));
  std::vector<int> seen(3, 0);
  for (auto& h : handles) {
    size_t r = h.Join();
    ASSERT_LT(r, 3u);
    ++seen[r];
  }
  EXPECT_EQ(seen, std::vector<int>({3, 3, 3}));
}

Task<int> SleepThenReturn(int v) {
  Status s = co_await SleepFor(1ms);
  co_return s.ok() ? v : -1;
}

Task<int> AwaitSpawned(Runtime* rt) {
  auto h = rt->Spawn(SleepThenReturn(7));
  co_return co_await h;
}

TEST_P(RuntimeTest, JoinHandleIsAwaitableAcrossReactors) {
  RuntimeOptions o;
  o.reactor_threads = 2;
  auto rt = Make(o);
  EXPECT_EQ(rt->BlockOn(AwaitSpawned(rt.get())), 7);
}

TEST_P(RuntimeTest, SleepWaitsAtLeastItsDuration) {
  auto rt = Make();
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(rt->BlockOn(SleepFor(20ms)).ok());
  EXPECT_GE(std::chrono::steady_clock::now() - start, 20ms);
}

TEST_P(RuntimeTest, SleepIsCancelledByStopToken) {
  auto rt = Make();
  std::stop_source stop;
  std::thread canceller([&] {
    std::this_thread::sleep_for(20ms);
    stop.request_stop();
  });
  Status s = rt->BlockOn(SleepFor(1h, stop.get_token()));
  canceller.join();
  EXPECT_EQ(s.code(), StatusCode::kCancelled) << s.ToString();
}

TEST_P(RuntimeTest, StopRequestedBeforeSubmitCancelsImmediately) {
  auto rt = Make();
  std::stop_source stop;
  stop.request_stop();
  EXPECT_EQ(rt->BlockOn(SleepFor(1h, stop.get_token())).code(),
            StatusCode::kCancelled);
}

class TempFile {
 public:
  TempFile() {
    char tmpl[] = "/tmp/strata_rt_XXXXXX";
    fd_ = ::mkstemp(tmpl);
    path_ = tmpl;
  }
  ~TempFile() {
    ::close(fd_);
    ::unlink(path_.c_str());
  }
  int fd() const { return fd_; }

 private:
  int fd_;
  std::string path_;
};

Task<bool> WriteThenRead(int fd, size_t size) {
  std::vector<std::byte> out(size), in(size);
  for (size_t i = 0; i < size; ++i) out[i] = std::byte(i * 7 + 3);
  if (co_await WriteFull(fd, out, 0) != static_cast<int64_t>(size)) {
    co_return false;
  }
  if (co_await Fsync(fd, true) != 0) co_return false;
  if (co_await ReadFull(fd, in, 0) != static_cast<int64_t>(size)) {
    co_return false;
  }
  // Reading past EOF is short, not an error.
  std::vector<std::byte> tail(100);
  if (co_await ReadFull(fd, tail, size - 10) != 10) co_return false;
  co_return in == out;
}

TEST_P(RuntimeTest, FileWriteReadRoundTrip) {
  auto rt = Make();
  TempFile f;
  EXPECT_TRUE(rt->BlockOn(WriteThenRead(f.fd(), 3 << 20)));
}

Task<int64_t> ReadAt(int fd, std::vector<std::byte>* buf, uint64_t off) {
  co_return co_await ReadFull(fd, *buf, off);
}

Task<bool> ManyConcurrentReads(int fd, int n) {
  std::vector<std::vector<std::byte>> bufs(n, std::vector<std::byte>(512));
  std::vector<Task<int64_t>> tasks;
  for (int i = 0; i < n; ++i) tasks.push_back(ReadAt(fd, &bufs[i], i * 512));
  auto results = co_await WhenAll(std::move(tasks));
  for (int i = 0; i < n; ++i) {
    if (results[i] != 512) co_return false;
    if (bufs[i][0] != std::byte(i & 0xff)) co_return false;
  }
  co_return true;
}

TEST_P(RuntimeTest, MoreOpsThanRingEntriesQueueAndComplete) {
  RuntimeOptions o;
  o.ring_entries = 4;  // forces the pending queue and the CQ cap
  auto rt = Make(o);
  TempFile f;
  const int n = 300;
  std::vector<std::byte> data(n * 512);
  for (int i = 0; i < n; ++i) data[i * 512] = std::byte(i & 0xff);
  ASSERT_EQ(::pwrite(f.fd(), data.data(), data.size(), 0),
            static_cast<ssize_t>(data.size()));
  EXPECT_TRUE(rt->BlockOn(ManyConcurrentReads(f.fd(), n)));
}

Task<int64_t> WaitForPipe(int fd, std::stop_token stop) {
  int64_t r = co_await WaitReadable(fd, std::move(stop));
  if (r < 0) co_return r;
  char c = 0;
  co_return ::read(fd, &c, 1) == 1 ? c : -1;
}

TEST_P(RuntimeTest, WaitReadableWakesWhenDataArrives) {
  auto rt = Make();
  int p[2];
  ASSERT_EQ(::pipe2(p, O_NONBLOCK), 0);
  std::thread writer([&] {
    std::this_thread::sleep_for(20ms);
    ASSERT_EQ(::write(p[1], "x", 1), 1);
  });
  EXPECT_EQ(rt->BlockOn(WaitForPipe(p[0], {})), 'x');
  writer.join();
  ::close(p[0]);
  ::close(p[1]);
}

TEST_P(RuntimeTest, WaitReadableIsCancellable) {
  auto rt = Make();
  int p[2];
  ASSERT_EQ(::pipe2(p, O_NONBLOCK), 0);
  std::stop_source stop;
  std::thread canceller([&] {
    std::this_thread::sleep_for(20ms);
    stop.request_stop();
  });
  EXPECT_EQ(rt->BlockOn(WaitForPipe(p[0], stop.get_token())), -ECANCELED);
  canceller.join();
  ::close(p[0]);
  ::close(p[1]);
}

TEST_P(RuntimeTest, RunBlockingReturnsValue) {
  auto rt = Make();
  auto task = RunBlocking([] { return std::string("from a worker"); });
  EXPECT_EQ(rt->BlockOn(std::move(task)), "from a worker");
}

Task<void> HoldPermit(Semaphore* sem, std::atomic<int>* active,
                      std::atomic<int>* peak) {
  auto permit = co_await sem->Acquire();
  int now = ++*active;
  int prev = peak->load();
  while (now > prev && !peak->compare_exchange_weak(prev, now)) {
  }
  (co_await SleepFor(2ms)).IgnoreError();
  --*active;
}

TEST_P(RuntimeTest, SemaphoreBoundsConcurrencyAcrossReactors) {
  RuntimeOptions o;
  o.reactor_threads = 2;
  auto rt = Make(o);
  Semaphore sem(3);
  std::atomic<int> active{0}, peak{0};
  std::vector<JoinHandle<void>> hs;
  for (int i = 0; i < 40; ++i)
    hs.push_back(rt->Spawn(HoldPermit(&sem, &active, &peak)));
  for (auto& h : hs) h.Join();
  EXPECT_EQ(peak.load(), 3);
  EXPECT_EQ(sem.available(), 3u);
  EXPECT_EQ(sem.waiters(), 0u);
}

TEST_P(RuntimeTest, ManyForeignThreadsSpawnConcurrently) {
  RuntimeOptions o;
  o.reactor_threads = 2;
  auto rt = Make(o);
  std::atomic<int> total{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) total += rt->BlockOn(Answer());
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(total.load(), 4 * 200 * 42);
}

Task<int> SleepThenReturnAfter1h() {
  Status s = co_await SleepFor(1h);
  co_return s.ok() ? 1 : 0;
}

TEST_P(RuntimeTest, DestructionCancelsPendingSleeps) {
  auto rt = Make();
  auto h = rt->Spawn(SleepThenReturnAfter1h());
  rt.reset();  // cancels the sleep instead of waiting an hour
  EXPECT_EQ(h.Join(), 0) << "the sleep should have ended as cancelled";
}

INSTANTIATE_TEST_SUITE_P(Kinds, RuntimeTest,
                         testing::Values(Param{"io_uring", IoUringMode::kOn},
                                         Param{"poll", IoUringMode::kOff}),
                         [](const auto& info) { return info.param.name; });

// Sets an environment variable for one scope, restoring the old value.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    Set(value);
  }
  ~ScopedEnv() { Set(old_ ? old_->c_str() : nullptr); }
  void Set(const char* value) {
    if (value) {
      ::setenv(name_, value, 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(RuntimeOptionsTest, RejectsBadOptionsNamingThem) {
  RuntimeOptions o;
  o.reactor_threads = 0;
  auto rt = Runtime::Create(o);
  ASSERT_FALSE(rt.ok());
  EXPECT_EQ(rt.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(rt.status().message().find("reactor_threads"), std::string::npos);
}

TEST(RuntimeOptionsTest, EnvironmentSelectsKind) {
  ScopedEnv env("STRATA_IO_URING", "off");
  auto rt = Runtime::Create();
  ASSERT_TRUE(rt.ok());
  EXPECT_EQ((*rt)->kind(), RuntimeKind::kPoll);
  env.Set("sometimes");
  auto bad = Runtime::Create();
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("STRATA_IO_URING"), std::string::npos);
}

TEST(RuntimeOptionsTest, MaxConcurrentFileOpsFromEnvironment) {
  ScopedEnv env("STRATA_MAX_CONCURRENT_FILE_OPS", "7");
  auto rt = Runtime::Create();
  ASSERT_TRUE(rt.ok());
  EXPECT_EQ((*rt)->file_ops().capacity(), 7u);
  env.Set("-3");
  EXPECT_FALSE(Runtime::Create().ok());
  env.Set(nullptr);
  auto dflt = Runtime::Create();
  ASSERT_TRUE(dflt.ok());
  EXPECT_EQ((*dflt)->file_ops().capacity(), 1024u);
}

TEST(RuntimeOptionsTest, IoAwaitedOutsideARuntimeFailsCleanly) {
  // Drive the task by hand on this (non-reactor) thread.
  auto t = ReadFull(0, {}, 0);
  struct Runner {
    static ::strata::detail::DetachedTask Go(Task<int64_t> t, int64_t* out) {
      *out = co_await std::move(t);
    }
  };
  int64_t out = 1;
  Runner::Go(std::move(t), &out).Release().resume();
  EXPECT_EQ(out, 0);  // an empty read needs no I/O
  IoRequest r;
  r.opcode = IoOpcode::kTimeout;
  r.timeout = 1s;
  struct Sleeper {
    static ::strata::detail::DetachedTask Go(IoRequest r, int64_t* out) {
      *out = co_await IoOp(r);
    }
  };
  Sleeper::Go(r, &out).Release().resume();
  EXPECT_EQ(out, -EPERM);
}

}  // namespace
}  // namespace strata::runtime
