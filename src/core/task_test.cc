// Tests for Task<T>, WhenAll and AsyncStream, driven without a runtime.
#include "strata/core/task.h"

#include <gtest/gtest.h>
#include <pthread.h>

#include <atomic>
#include <coroutine>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <variant>
#include <vector>

#include "strata/core/async_stream.h"
#include "strata/core/when_all.h"

namespace strata {
namespace {

// ---- test-only drivers ------------------------------------------------------

template <typename T>
using ValueOf = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

// What happened to a task driven by Start().
template <typename T>
struct Outcome {
  std::atomic<bool> done{false};
  std::exception_ptr error;
  std::optional<ValueOf<T>> value;
};

template <typename T>
detail::DetachedTask Drive(Task<T> task, std::shared_ptr<Outcome<T>> out) {
  try {
    if constexpr (std::is_void_v<T>) {
      co_await std::move(task);
      out->value.emplace();
    } else {
      out->value.emplace(co_await std::move(task));
    }
  } catch (...) {
    out->error = std::current_exception();
  }
  out->done.store(true, std::memory_order_release);
}

// Starts `task` on this thread; it runs until it first suspends.
template <typename T>
std::shared_ptr<Outcome<T>> Start(Task<T> task) {
  auto out = std::make_shared<Outcome<T>>();
  Drive(std::move(task), out).Release().resume();
  return out;
}

// Runs a task that must complete without suspending; rethrows its exception.
// Returns its value (std::monostate for void), or nullopt if it suspended.
template <typename T>
std::optional<ValueOf<T>> SyncRun(Task<T> task) {
  auto out = Start(std::move(task));
  EXPECT_TRUE(out->done) << "task suspended; SyncRun needs it to complete";
  if (out->error) std::rethrow_exception(out->error);
  return std::move(out->value);
}

// A manual one-shot event: awaiting it suspends until the test calls Set().
class Event {
 public:
  bool await_ready() const noexcept { return set_; }
  void await_suspend(std::coroutine_handle<> h) noexcept { waiter_ = h; }
  void await_resume() const noexcept {}

  bool has_waiter() const { return static_cast<bool>(waiter_); }
  // Resumes the waiter (if any) on the calling thread.
  void Set() {
    set_ = true;
    if (auto h = std::exchange(waiter_, {})) h.resume();
  }

 private:
  bool set_ = false;
  std::coroutine_handle<> waiter_;
};

// Counts destructions, to observe coroutine frames being destroyed.
struct Tracker {
  explicit Tracker(int* counter) : counter(counter) {}
  Tracker(Tracker&& o) noexcept : counter(std::exchange(o.counter, nullptr)) {}
  ~Tracker() {
    if (counter != nullptr) ++*counter;
  }
  int* counter;
};

// ---- Task -------------------------------------------------------------------

Task<int> Answer() { co_return 42; }
Task<int> Add(int a, int b) { co_return a + b; }
Task<int> AddAnswers() {
  int a = co_await Answer();
  int b = co_await Add(a, 1);
  co_return a + b;
}
Task<int> Chain3() { co_return co_await AddAnswers() * 2; }

TEST(TaskTest, ReturnsValue) { EXPECT_EQ(SyncRun(Answer()), 42); }

TEST(TaskTest, ChainsAwaitedTasks) {
  EXPECT_EQ(SyncRun(AddAnswers()), 85);
  EXPECT_EQ(SyncRun(Chain3()), 170);
}

Task<void> SetFlag(bool* flag) {
  *flag = true;
  co_return;
}

TEST(TaskTest, IsLazyUntilAwaited) {
  bool flag = false;
  Task<void> task = SetFlag(&flag);
  EXPECT_TRUE(task.valid());
  EXPECT_FALSE(flag);
  EXPECT_TRUE(SyncRun(std::move(task)).has_value());
  EXPECT_TRUE(flag);
}

Task<void> SetBoth(bool* a, bool* b) {
  co_await SetFlag(a);
  co_await SetFlag(b);
}

TEST(TaskTest, VoidTasksChain) {
  bool a = false, b = false;
  EXPECT_TRUE(SyncRun(SetBoth(&a, &b)).has_value());
  EXPECT_TRUE(a);
  EXPECT_TRUE(b);
}

Task<std::unique_ptr<int>> MakeUnique(int v) {
  co_return std::make_unique<int>(v);
}

TEST(TaskTest, MoveOnlyResult) {
  auto result = SyncRun(MakeUnique(7));
  ASSERT_TRUE(result.has_value());
  ASSERT_NE(*result, nullptr);
  EXPECT_EQ(**result, 7);
}

Task<int> HoldTracker(Tracker t) {
  (void)t;
  co_return 1;
}

TEST(TaskTest, MoveTransfersOwnership) {
  int destroyed = 0;
  Task<int> a = HoldTracker(Tracker(&destroyed));
  Task<int> b = std::move(a);
  EXPECT_FALSE(a.valid());  // NOLINT(bugprone-use-after-move)
  EXPECT_TRUE(b.valid());
  EXPECT_EQ(destroyed, 0);
  EXPECT_EQ(SyncRun(std::move(b)), 1);
  EXPECT_EQ(destroyed, 1);
}

TEST(TaskTest, DestroyingUnstartedTaskFreesFrame) {
  int destroyed = 0;
  { Task<int> t = HoldTracker(Tracker(&destroyed)); }
  EXPECT_EQ(destroyed, 1);
}

TEST(TaskTest, MoveAssignmentDestroysPreviousFrame) {
  int first = 0, second = 0;
  Task<int> t = HoldTracker(Tracker(&first));
  t = HoldTracker(Tracker(&second));
  EXPECT_EQ(first, 1);
  EXPECT_EQ(second, 0);
  t = Task<int>();
  EXPECT_EQ(second, 1);
  EXPECT_FALSE(t.valid());
}

Task<int> Throws() {
  throw std::runtime_error("boom");
  co_return 0;
}
Task<void> ThrowsVoid() {
  throw std::logic_error("void boom");
  co_return;
}

Task<std::string> CatchFromChild() {
  try {
    co_await Throws();
  } catch (const std::runtime_error& e) {
    co_return std::string("caught ") + e.what();
  }
  co_return "not caught";
}

Task<int> PassThrough() { co_return co_await Throws() + 1; }

TEST(TaskTest, ExceptionPropagatesToAwaiter) {
  EXPECT_EQ(SyncRun(CatchFromChild()), "caught boom");
  EXPECT_THROW(SyncRun(PassThrough()), std::runtime_error);
  EXPECT_THROW(SyncRun(ThrowsVoid()), std::logic_error);
}

Task<int> WaitThenAnswer(Event* event) {
  co_await *event;
  co_return co_await Answer();
}

TEST(TaskTest, SuspendsUntilResumedExternally) {
  Event event;
  auto out = Start(WaitThenAnswer(&event));
  EXPECT_FALSE(out->done);
  EXPECT_TRUE(event.has_waiter());
  event.Set();
  EXPECT_TRUE(out->done);
  EXPECT_EQ(out->value, 42);
}

// ---- symmetric transfer keeps the stack flat --------------------------------

Task<uint64_t> SumTo(uint64_t n) {
  if (n == 0) co_return 0;
  co_return n + co_await SumTo(n - 1);
}

Task<uint64_t> SumLoop(uint64_t n) {
  uint64_t total = 0;
  for (uint64_t i = 1; i <= n; ++i) total += co_await Add(0, int(i % 7));
  co_return total;
}

// Runs `fn` on a thread with a deliberately small stack (1 MiB); nested
// resumption would need several MiB for 100k levels. Returns false if the
// thread could not be started.
template <typename Fn>
bool RunOnSmallStack(Fn fn) {
  pthread_attr_t attr;
  if (pthread_attr_init(&attr) != 0) return false;
  pthread_attr_setstacksize(&attr, size_t{1} << 20);
  auto trampoline = [](void* arg) -> void* {
    (*static_cast<Fn*>(arg))();
    return nullptr;
  };
  pthread_t thread;
  bool started = pthread_create(&thread, &attr, trampoline, &fn) == 0;
  if (started) pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
  return started;
}

// Symmetric transfer only bounds the stack if the compiler turns the resume
// of the returned handle into a tail call. Clang always does; GCC 12 does
// only when optimising (-O2 and up; -O1 cannot be told apart here) and never
// under AddressSanitizer or ThreadSanitizer.
#if defined(__GNUC__) && !defined(__clang__) &&                       \
    (defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__) || \
     !defined(__OPTIMIZE__))
constexpr bool kTailCallsGuaranteed = false;
#else
constexpr bool kTailCallsGuaranteed = true;
#endif
constexpr const char* kNoTailCalls =
    "GCC emits no tail call for symmetric transfer in unoptimised, ASan or "
    "TSan builds, so deep task chains use stack with this toolchain";

// Runs `task` to completion on a small stack in a child process (so a stack
// overflow fails this test instead of killing the suite) and expects
// `expected`.
void ExpectFlatStack(Task<uint64_t> (*make)(uint64_t), uint64_t arg,
                     uint64_t expected) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        std::optional<uint64_t> result;
        bool ran = RunOnSmallStack([&] {
          auto out = Start(make(arg));
          if (out->done && out->value) result = *out->value;
        });
        std::exit(ran && result == expected ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

TEST(TaskDeathTest, DeepRecursionDoesNotOverflowTheStack) {
  if (!kTailCallsGuaranteed) GTEST_SKIP() << kNoTailCalls;
  constexpr uint64_t kDepth = 100'000;
  ExpectFlatStack(SumTo, kDepth, kDepth * (kDepth + 1) / 2);
}

TEST(TaskDeathTest, LongAwaitLoopDoesNotOverflowTheStack) {
  if (!kTailCallsGuaranteed) GTEST_SKIP() << kNoTailCalls;
  constexpr uint64_t kIterations = 100'000;
  uint64_t expected = 0;
  for (uint64_t i = 1; i <= kIterations; ++i) expected += i % 7;
  ExpectFlatStack(SumLoop, kIterations, expected);
}

// ---- WhenAll ----------------------------------------------------------------

Task<int> WaitAndReturn(Event* event, int value) {
  co_await *event;
  co_return value;
}

TEST(WhenAllTest, VectorKeepsArgumentOrder) {
  std::vector<Task<int>> tasks;
  for (int i = 0; i < 5; ++i) tasks.push_back(Add(i, 10));
  EXPECT_EQ(SyncRun(WhenAll(std::move(tasks))),
            (std::vector<int>{10, 11, 12, 13, 14}));
}

// A throwing branch does not abandon the others: WhenAll waits for all of
// them, then rethrows the first exception.
TEST(WhenAllTest, RethrowsAfterEveryBranchFinished) {
  Event later;
  std::vector<Task<int>> tasks;
  tasks.push_back(Throws());
  tasks.push_back(WaitAndReturn(&later, 5));
  std::optional<bool> threw;
  struct Driver {
    static ::strata::detail::DetachedTask Go(Task<std::vector<int>> t,
                                             std::optional<bool>* out) {
      try {
        (void)co_await std::move(t);
        *out = false;
      } catch (const std::runtime_error&) {
        *out = true;
      }
    }
  };
  Driver::Go(WhenAll(std::move(tasks)), &threw).Release().resume();
  EXPECT_FALSE(threw.has_value());  // still waiting for the second branch
  later.Set();
  ASSERT_TRUE(threw.has_value());
  EXPECT_TRUE(*threw);
}

TEST(WhenAllTest, EmptyVectorCompletesImmediately) {
  EXPECT_EQ(SyncRun(WhenAll(std::vector<Task<int>>{})), std::vector<int>{});
  EXPECT_TRUE(SyncRun(WhenAll(std::vector<Task<void>>{})).has_value());
}

TEST(WhenAllTest, WaitsForBranchesResumedLater) {
  Event events[3];
  std::vector<Task<int>> tasks;
  tasks.push_back(WaitAndReturn(&events[0], 100));
  tasks.push_back(Add(1, 1));  // completes synchronously
  tasks.push_back(WaitAndReturn(&events[1], 300));
  tasks.push_back(WaitAndReturn(&events[2], 400));
  auto out = Start(WhenAll(std::move(tasks)));
  // Every branch was started before WhenAll suspended.
  for (Event& e : events) EXPECT_TRUE(e.has_waiter());
  events[2].Set();
  EXPECT_FALSE(out->done);
  events[0].Set();
  EXPECT_FALSE(out->done);
  events[1].Set();
  ASSERT_TRUE(out->done);
  EXPECT_EQ(out->value, (std::vector<int>{100, 2, 300, 400}));
}

Task<void> WaitAndCount(Event* event, int* counter) {
  co_await *event;
  ++*counter;
}

TEST(WhenAllTest, VoidVectorWaitsForAll) {
  Event events[2];
  int counter = 0;
  bool flag = false;
  std::vector<Task<void>> tasks;
  tasks.push_back(WaitAndCount(&events[0], &counter));
  tasks.push_back(SetFlag(&flag));
  tasks.push_back(WaitAndCount(&events[1], &counter));
  auto out = Start(WhenAll(std::move(tasks)));
  EXPECT_TRUE(flag);
  EXPECT_FALSE(out->done);
  events[0].Set();
  EXPECT_FALSE(out->done);
  events[1].Set();
  EXPECT_TRUE(out->done);
  EXPECT_EQ(counter, 2);
}

Task<std::string> Greeting(Event* event) {
  co_await *event;
  co_return "hello";
}

TEST(WhenAllTest, TupleOfHeterogeneousTasks) {
  Event event;
  auto out = Start(WhenAll(Answer(), Greeting(&event), MakeUnique(9)));
  EXPECT_FALSE(out->done);
  event.Set();
  ASSERT_TRUE(out->done);
  ASSERT_TRUE(out->value.has_value());
  auto& [answer, greeting, ptr] = *out->value;
  EXPECT_EQ(answer, 42);
  EXPECT_EQ(greeting, "hello");
  ASSERT_NE(ptr, nullptr);
  EXPECT_EQ(*ptr, 9);
}

TEST(WhenAllTest, BranchesMayCompleteOnOtherThreads) {
  constexpr int kBranches = 8;
  std::vector<Event> events(kBranches);
  std::vector<Task<int>> tasks;
  for (int i = 0; i < kBranches; ++i) {
    tasks.push_back(WaitAndReturn(&events[i], i * i));
  }
  auto out = Start(WhenAll(std::move(tasks)));
  EXPECT_FALSE(out->done);
  std::vector<std::thread> threads;
  for (auto& e : events) threads.emplace_back([&e] { e.Set(); });
  for (auto& t : threads) t.join();
  ASSERT_TRUE(out->done.load(std::memory_order_acquire));
  std::vector<int> expected;
  for (int i = 0; i < kBranches; ++i) expected.push_back(i * i);
  EXPECT_EQ(out->value, expected);
}

// ---- AsyncStream ------------------------------------------------------------

AsyncStream<int> Count(int n, int* started) {
  ++*started;
  for (int i = 0; i < n; ++i) co_yield i;
}

Task<std::vector<int>> Collect(AsyncStream<int> stream) {
  std::vector<int> out;
  while (auto v = co_await stream.Next()) out.push_back(*v);
  co_return out;
}

TEST(AsyncStreamTest, YieldsValuesInOrderThenEnds) {
  int started = 0;
  AsyncStream<int> stream = Count(4, &started);
  EXPECT_EQ(started, 0);  // lazy until the first Next()
  EXPECT_EQ(SyncRun(Collect(std::move(stream))),
            (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(started, 1);
}

TEST(AsyncStreamTest, EmptyStream) {
  int started = 0;
  EXPECT_EQ(SyncRun(Collect(Count(0, &started))), std::vector<int>{});
  EXPECT_EQ(started, 1);
  EXPECT_EQ(SyncRun(Collect(AsyncStream<int>())), std::vector<int>{});
}

Task<std::optional<int>> NextOf(AsyncStream<int>* stream) {
  co_return co_await stream->Next();
}

TEST(AsyncStreamTest, NextAfterEndKeepsReturningNullopt) {
  int started = 0;
  AsyncStream<int> stream = Count(1, &started);
  EXPECT_EQ(SyncRun(NextOf(&stream)), std::optional<int>(0));
  EXPECT_EQ(SyncRun(NextOf(&stream)),
            std::optional<std::optional<int>>(std::optional<int>()));
  EXPECT_EQ(SyncRun(NextOf(&stream)),
            std::optional<std::optional<int>>(std::optional<int>()));
}

AsyncStream<int> Endless(Tracker tracker, int* produced) {
  Tracker local(std::move(tracker));
  for (int i = 0;; ++i) {
    ++*produced;
    co_yield i;
  }
}

TEST(AsyncStreamTest, EarlyDestructionDestroysProducer) {
  int destroyed = 0, produced = 0;
  {
    AsyncStream<int> stream = Endless(Tracker(&destroyed), &produced);
    EXPECT_EQ(SyncRun(NextOf(&stream)), std::optional<int>(0));
    EXPECT_EQ(SyncRun(NextOf(&stream)), std::optional<int>(1));
    EXPECT_EQ(destroyed, 0);
  }
  EXPECT_EQ(destroyed, 1);
  EXPECT_EQ(produced, 2);
}

AsyncStream<int> FailAfter(int n) {
  for (int i = 0; i < n; ++i) co_yield i;
  throw std::runtime_error("listing failed");
}

TEST(AsyncStreamTest, ExceptionIsRethrownFromNext) {
  AsyncStream<int> stream = FailAfter(2);
  EXPECT_EQ(SyncRun(NextOf(&stream)), std::optional<int>(0));
  EXPECT_EQ(SyncRun(NextOf(&stream)), std::optional<int>(1));
  EXPECT_THROW(SyncRun(NextOf(&stream)), std::runtime_error);
  // The producer is finished; the stream now just reports its end.
  EXPECT_EQ(SyncRun(NextOf(&stream)),
            std::optional<std::optional<int>>(std::optional<int>()));
}

AsyncStream<std::unique_ptr<int>> Pages(Event* event) {
  co_yield std::make_unique<int>(1);
  co_await *event;  // e.g. waiting for the next page of a listing
  co_yield std::make_unique<int>(2);
}

Task<int> SumPages(AsyncStream<std::unique_ptr<int>> stream) {
  int sum = 0;
  while (auto page = co_await stream.Next()) sum += **page;
  co_return sum;
}

TEST(AsyncStreamTest, ProducerMaySuspendBetweenValues) {
  Event event;
  auto out = Start(SumPages(Pages(&event)));
  EXPECT_FALSE(out->done);
  event.Set();
  ASSERT_TRUE(out->done);
  EXPECT_EQ(out->value, 3);
}

}  // namespace
}  // namespace strata
