// AtomicReplace on the local disk, under both runtimes, and under kill -9:
// this binary re-executes itself as a child that replaces one file with A,
// B, A, ... until the parent SIGKILLs it at a random moment; the file must
// then hold exactly A or exactly B.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "journal/atomic_file_test_util.h"
#include "strata/fs/fault_injection.h"
#include "strata/fs/local.h"
#include "strata/journal/atomic_file.h"

extern char** environ;

namespace strata::journal {
namespace {

using atomic_test::AsBytes;
using atomic_test::Pattern;

constexpr char kChildEnv[] = "STRATA_ATOMIC_CHILD";
constexpr int kTickFd = 3;  // the child writes a byte here per replacement
constexpr size_t kKillSize = 256 * 1024;

std::string ContentA() { return Pattern('A', kKillSize); }
std::string ContentB() { return Pattern('B', kKillSize); }

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::vector<std::string> DirNames(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// ---- the child -----------------------------------------------------------

Task<Status> ReplaceForever(fs::FileSystem* fs, std::string path) {
  const std::string a = ContentA();
  const std::string b = ContentB();
  for (uint64_t i = 0;; ++i) {
    const std::string& content = i % 2 == 0 ? b : a;
    Status s = co_await AtomicReplace(*fs, path, AsBytes(content));
    if (!s.ok()) co_return s;
    const char tick = 1;
    if (::write(kTickFd, &tick, 1) != 1) {
      co_return ErrnoToStatus(errno, "write tick");
    }
  }
}

[[noreturn]] void RunChild(const std::string& path) {
  auto rt = runtime::Runtime::Create();
  if (!rt.ok()) {
    std::fprintf(stderr, "child: %s\n", rt.status().ToString().c_str());
    std::_Exit(3);
  }
  fs::LocalFileSystem local;
  Status s = (*rt)->BlockOn(ReplaceForever(&local, path));
  std::fprintf(stderr, "child: %s\n", s.ToString().c_str());
  std::_Exit(2);
}

// Runs before any test, after main() started: the child never gets further.
class ChildEnvironment : public testing::Environment {
 public:
  void SetUp() override {
    if (const char* path = std::getenv(kChildEnv)) RunChild(path);
  }
};
[[maybe_unused]] testing::Environment* const kChildEnvironment =
    testing::AddGlobalTestEnvironment(new ChildEnvironment);

// ---- the parent ----------------------------------------------------------

struct Child {
  pid_t pid = -1;
  int ticks_fd = -1;  // read end
};

// Starts this binary as a child replacing `path` (stdout to /dev/null; only
// the current test selected, so gtest has something to run).
Child StartChild(const std::string& path) {
  std::string exe = std::filesystem::read_symlink("/proc/self/exe");
  const auto* test = testing::UnitTest::GetInstance()->current_test_info();
  std::string filter = std::string("--gtest_filter=") +
                       test->test_suite_name() + "." + test->name();
  std::vector<std::string> env = {std::string(kChildEnv) + "=" + path};
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::string_view(*e).rfind("GTEST_", 0) != 0) env.emplace_back(*e);
  }
  std::vector<char*> argv = {exe.data(), filter.data(), nullptr};
  std::vector<char*> envp;
  for (std::string& s : env) envp.push_back(s.data());
  envp.push_back(nullptr);
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return {};
  int devnull = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  pid_t pid = ::fork();
  if (pid == 0) {  // only async-signal-safe calls until execve
    if (fds[1] == kTickFd) {
      ::fcntl(kTickFd, F_SETFD, 0);
    } else {
      ::dup2(fds[1], kTickFd);
    }
    ::dup2(devnull, STDOUT_FILENO);
    ::execve(exe.c_str(), argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  ::close(devnull);
  return Child{pid, fds[0]};
}

// Waits for the child's first completed replacement; false on timeout/EOF.
bool AwaitFirstTick(const Child& child) {
  struct pollfd p {};
  p.fd = child.ticks_fd;
  p.events = POLLIN;
  if (::poll(&p, 1, 10000) != 1) return false;
  char c;
  return ::read(child.ticks_fd, &c, 1) == 1;
}

// Kills and reaps the child; returns the replacements it reported that
// AwaitFirstTick did not read.
uint64_t KillAndReap(const Child& child) {
  ::kill(child.pid, SIGKILL);
  int status = 0;
  EXPECT_EQ(::waitpid(child.pid, &status, 0), child.pid);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "the child exited on its own with status " << status;
  uint64_t ticks = 0;
  char buf[256];
  for (ssize_t n; (n = ::read(child.ticks_fd, buf, sizeof(buf))) > 0;) {
    ticks += static_cast<uint64_t>(n);
  }
  ::close(child.ticks_fd);
  return ticks;
}

class AtomicFileLocalTest
    : public testing::TestWithParam<runtime::IoUringMode> {
 protected:
  void SetUp() override {
    if (GetParam() == runtime::IoUringMode::kOn &&
        !runtime::IoUringAvailable()) {
      GTEST_SKIP() << "io_uring is not available on this kernel";
    }
    char tmpl[] = "/tmp/strata_atomic_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/file";
    rt_ = atomic_test::NewRuntime(GetParam());
  }
  void TearDown() override {
    rt_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  Status Replace(fs::FileSystem& fs, const std::string& content) {
    return rt_->BlockOn(AtomicReplace(fs, path_, AsBytes(content)));
  }

  std::string dir_;
  std::string path_;
  std::unique_ptr<runtime::Runtime> rt_;
  std::shared_ptr<fs::LocalFileSystem> local_ = fs::NewLocalFileSystem();
};

TEST_P(AtomicFileLocalTest, CreatesAndReplaces) {
  for (const std::string& content :
       {Pattern('x', 100000), std::string(), Pattern('y', 4097)}) {
    ASSERT_TRUE(Replace(*local_, content).ok());
    EXPECT_EQ(Slurp(path_), content);
    EXPECT_EQ(DirNames(dir_), std::vector<std::string>{"file"});
  }
}

TEST_P(AtomicFileLocalTest, FailedDirectoryFsyncIsReported) {
  fs::FaultInjectionFileSystem faulty(local_);
  fs::FaultRule rule;
  rule.op = fs::FaultOp::kSync;
  rule.nth = 2;  // the directory's fsync, after the file's fdatasync
  faulty.AddFault(rule);
  Status s = Replace(faulty, "new");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.sys_errno(), EIO);
  EXPECT_EQ(s.message(), "atomic replace " + path_ +
                             " (fsync directory): sync " + dir_ +
                             ": Input/output error");
  EXPECT_EQ(Slurp(path_), "new");  // renamed, durability unknown
}

TEST_P(AtomicFileLocalTest, RealErrorsNameTheStep) {
  const fs::ConstBytes nothing;
  Status s = rt_->BlockOn(AtomicReplace(*local_, dir_ + "/no/file", nothing));
  EXPECT_EQ(s.code(), StatusCode::kNotFound) << s.ToString();
  EXPECT_NE(s.message().find("(create temp): open " + dir_ + "/no/file.tmp-"),
            std::string::npos)
      << s.ToString();
  std::filesystem::create_directory(dir_ + "/sub");
  std::filesystem::create_directory(dir_ + "/sub/inner");
  const std::string content = "new";
  s = rt_->BlockOn(AtomicReplace(*local_, dir_ + "/sub", AsBytes(content)));
  EXPECT_NE(s.message().find("(rename)"), std::string::npos) << s.ToString();
  EXPECT_EQ(DirNames(dir_), std::vector<std::string>{"sub"});
}

std::string ModeName(const testing::TestParamInfo<runtime::IoUringMode>& info) {
  switch (info.param) {
    case runtime::IoUringMode::kOn:
      return "io_uring";
    case runtime::IoUringMode::kOff:
      return "poll";
    case runtime::IoUringMode::kAuto:
      break;
  }
  return "auto";
}

INSTANTIATE_TEST_SUITE_P(Runtimes, AtomicFileLocalTest,
                         testing::Values(runtime::IoUringMode::kOn,
                                         runtime::IoUringMode::kOff),
                         ModeName);

using AtomicFileKillTest = AtomicFileLocalTest;

TEST_P(AtomicFileKillTest, KillNineLeavesOldOrNew) {
  const std::string a = ContentA();
  const std::string b = ContentB();
  ASSERT_TRUE(Replace(*local_, a).ok());
  const uint64_t seed = std::random_device()();
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> delay_us(0, 30000);
  uint64_t replaced = 0, with_temps = 0, found_a = 0;
  constexpr int kRounds = 30;
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round) + ", seed " +
                 std::to_string(seed));
    Child child = StartChild(path_);
    ASSERT_GT(child.pid, 0);
    const bool ticked = AwaitFirstTick(child);
    if (ticked) {
      std::this_thread::sleep_for(std::chrono::microseconds(delay_us(rng)));
    }
    replaced += KillAndReap(child) + (ticked ? 1 : 0);
    ASSERT_TRUE(ticked) << "the child made no progress";
    const std::string content = Slurp(path_);
    ASSERT_TRUE(content == a || content == b)
        << "a torn file of " << content.size() << " bytes";
    found_a += content == a;
    for (const std::string& name : DirNames(dir_)) {
      ASSERT_TRUE(name == "file" || IsAtomicTempFor(path_, dir_ + "/" + name))
          << "stray entry " << name;
    }
    auto removed = rt_->BlockOn(RemoveAtomicTemps(*local_, path_));
    ASSERT_TRUE(removed.ok()) << removed.status().ToString();
    with_temps += *removed > 0;
    ASSERT_EQ(DirNames(dir_), std::vector<std::string>{"file"});
  }
  std::printf(
      "[ kill -9  ] %d kills, %llu replacements, %llu found A, "
      "%llu left a temp file\n",
      kRounds, static_cast<unsigned long long>(replaced),
      static_cast<unsigned long long>(found_a),
      static_cast<unsigned long long>(with_temps));
}

// The kill test needs only one runtime: the child picks its own.
INSTANTIATE_TEST_SUITE_P(Runtimes, AtomicFileKillTest,
                         testing::Values(runtime::IoUringMode::kAuto),
                         ModeName);

}  // namespace
}  // namespace strata::journal
