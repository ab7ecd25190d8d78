// The kill -9 durability harness: `strata journal append --sync each
// --print-acks` runs with 8 writers until SIGKILLed at a random moment; then
// `strata journal dump` must show a journal that recovers (exit 0, or 3
// after cutting a torn tail), holds only verified records, and holds every
// record that was ACKed -- at the LSN it was ACKed with. With a fresh
// directory each writer's records must also be exactly 0..k, once each
// (--sync each makes a writer's records sequential). Every fifth iteration
// appends again into the killed journal (and kills that run too), so
// recovery of a journal that was itself recovered is covered.
//
// Iterations cycle through variants (see VariantFor): the kill delay counted
// from the spawn (which also kills runs still creating the journal) or from
// the first ACK; the io_uring or the poll runtime; buffered or O_DIRECT
// segments (when the scratch file system allows O_DIRECT); 64 MiB or 64 KiB
// segments (rotation every few records).
//
// Iterations: STRATA_KILL_ITERATIONS, else 200 with STRATA_FULL_TESTS=1,
// else 40. STRATA_KILL_SEED replays a run (the seed is printed).

#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "cli/cli_journal_test_util.h"
#include "cli/cli_test_util.h"

namespace strata::cli::testing {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kWriters = 8;
constexpr int kReopenEvery = 5;
// Odd iterations start the kill delay at the first ACK (so most runs do
// acknowledge something); a child that never ACKs is killed after this.
constexpr std::chrono::seconds kFirstAckCap{20};
constexpr std::chrono::milliseconds kPollSlice{10};

uint64_t EnvNumber(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  return std::strtoull(v, nullptr, 10);
}

uint64_t Iterations() {
  const char* full = std::getenv("STRATA_FULL_TESTS");
  bool is_full = full != nullptr && std::string(full) == "1";
  return EnvNumber("STRATA_KILL_ITERATIONS", is_full ? 200 : 40);
}

// Appends whatever `fd` yields to `*out` until `deadline` (or EOF);
// returns false at EOF.
bool ReadUntil(int fd, Clock::time_point deadline, std::string* out) {
  char buf[65536];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - Clock::now());
    if (left.count() <= 0) return true;
    pollfd p{fd, POLLIN, 0};
    int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready <= 0) continue;  // timeout (loop exits) or EINTR
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n == 0) return false;
    if (n > 0) out->append(buf, static_cast<size_t>(n));
  }
}

// Reads until `*out` holds a complete line, EOF, or kFirstAckCap passed.
void WaitForLine(int fd, std::string* out) {
  Clock::time_point cap = Clock::now() + kFirstAckCap;
  while (out->find('\n') == std::string::npos && Clock::now() < cap) {
    if (!ReadUntil(fd, std::min(cap, Clock::now() + kPollSlice), out)) return;
  }
}

void ReadToEof(int fd, std::string* out) {
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n == 0 || (n < 0 && errno != EINTR)) return;
    if (n > 0) out->append(buf, static_cast<size_t>(n));
  }
}

struct KilledRun {
  int exit_code = -1;  // 128 + 9 when the kill landed
  std::string out;     // everything the child wrote to stdout
  std::string err;
};

// Runs the strata binary with stdout on a pipe read continuously, and
// SIGKILLs it `delay` after the spawn (after_first_ack: after its first
// complete line, waiting at most kFirstAckCap for it). `env` as for RunCli.
KilledRun RunAndKill(std::vector<std::string> args,
                     const std::vector<std::string>& env,
                     std::chrono::milliseconds delay, bool after_first_ack) {
  KilledRun run;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return run;
  std::string err_path = ::testing::TempDir() + "/strata_kill_err_XXXXXX";
  int err_fd = ::mkstemp(err_path.data());
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_fd, STDERR_FILENO);
  args.insert(args.begin(), STRATA_CLI_PATH);
  std::vector<char*> argv = CStrings(args);
  std::vector<std::string> envs = MakeEnv(env);
  std::vector<char*> c_env = CStrings(envs);
  pid_t pid = -1;
  int spawned =
      posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), c_env.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  ::close(err_fd);
  if (spawned == 0) {
    if (after_first_ack) WaitForLine(fds[0], &run.out);
    ReadUntil(fds[0], Clock::now() + delay, &run.out);
    ::kill(pid, SIGKILL);
    ReadToEof(fds[0], &run.out);
    int status = 0;
    ::waitpid(pid, &status, 0);
    run.exit_code =
        WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  ::close(fds[0]);
  run.err = ReadFile(err_path);
  std::filesystem::remove(err_path);
  return run;
}

struct Totals {
  uint64_t iterations = 0;
  uint64_t acks_checked = 0;
  uint64_t records_dumped = 0;
  uint64_t repaired = 0;     // dump exit 3
  uint64_t not_created = 0;  // killed before the journal existed
  uint64_t reopened = 0;
};

// Each writer's sequence numbers are exactly 0..k, each once.
void ExpectPrefixes(const ParsedDump& dump) {
  std::map<uint64_t, std::vector<uint64_t>> seqs;
  for (const DumpRecord& rec : dump.records) {
    if (rec.writer) seqs[*rec.writer].push_back(*rec.seq);
  }
  for (const auto& [writer, list] : seqs) {
    EXPECT_LT(writer, uint64_t{kWriters});
    for (size_t i = 0; i < list.size(); ++i) {
      ASSERT_EQ(list[i], i) << "writer " << writer << ": seq " << list[i]
                            << " at position " << i << " (gap or duplicate)";
    }
  }
}

// Every ACKed record is in the dump at its ACKed LSN.
void ExpectAcked(const ParsedDump& dump, const std::vector<Ack>& acks) {
  std::map<uint64_t, const DumpRecord*> by_lsn;
  for (const DumpRecord& rec : dump.records) by_lsn[rec.lsn] = &rec;
  for (const Ack& ack : acks) {
    auto it = by_lsn.find(ack.lsn);
    ASSERT_NE(it, by_lsn.end()) << "lost ACKed record (" << ack.writer << ", "
                                << ack.seq << ") at lsn " << ack.lsn;
    ASSERT_EQ(it->second->writer, ack.writer) << "lsn " << ack.lsn;
    ASSERT_EQ(it->second->seq, ack.seq) << "lsn " << ack.lsn;
  }
}

void ExpectWellFormed(const CliResult& r, const ParsedDump& dump) {
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 3)
      << "dump exit " << r.exit_code << ": " << r.err;
  ASSERT_TRUE(dump.malformed.empty()) << dump.malformed.front();
  ASSERT_TRUE(dump.has_end) << r.out;
  EXPECT_EQ(dump.end_count, dump.records.size());
  uint64_t prev = 0;
  for (const DumpRecord& rec : dump.records) {
    ASSERT_EQ(rec.verdict, "ok") << "REC " << rec.lsn;
    ASSERT_GT(rec.lsn, prev);
    prev = rec.lsn;
  }
  EXPECT_EQ(dump.end_lsn, prev);
}

// How one iteration runs its appends.
struct Variant {
  bool after_first_ack = false;  // start the kill delay at the first ACK
  bool poll = false;             // STRATA_IO_URING=off
  bool direct = false;           // --direct
  bool small_segments = false;   // --segment-bytes 64k: frequent rotation
  bool reopen = false;           // a second killed append into the same dir

  std::string Describe() const {
    return fmt::format(
        "{}{}{}{}{}", after_first_ack ? "from first ACK" : "from spawn",
        poll ? ", poll runtime" : "", direct ? ", direct" : "",
        small_segments ? ", 64k segments" : "", reopen ? ", reopened" : "");
  }
};

// Cycles through the variants: each setting occurs within any 8 consecutive
// iterations (direct and reopen within 3 and 5), every combination in 120.
Variant VariantFor(uint64_t i, bool direct_works) {
  Variant v;
  v.after_first_ack = i % 2 == 1;
  v.poll = (i / 2) % 2 == 1;
  v.direct = direct_works && i % 3 == 2;
  v.small_segments = (i / 4) % 2 == 1;
  v.reopen = i % kReopenEvery == kReopenEvery - 1;
  return v;
}

class CliJournalKillTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    int fd = ::open(Path("probe").c_str(), O_CREAT | O_RDWR | O_DIRECT, 0644);
    direct_works_ = fd >= 0;
    if (fd >= 0) ::close(fd);
    std::filesystem::remove(Path("probe"));
  }

  static std::vector<std::string> AppendArgs(const std::string& dir,
                                             size_t size, const Variant& v) {
    std::vector<std::string> args = {"journal",     "append",
                                     "--dir",       dir,
                                     "--writers",   std::to_string(kWriters),
                                     "--records",   "1000000",
                                     "--size",      std::to_string(size),
                                     "--sync",      "each",
                                     "--print-acks"};
    if (v.direct) args.push_back("--direct");
    if (v.small_segments) {
      args.push_back("--segment-bytes");
      args.push_back("64k");
    }
    return args;
  }

  // One append killed after a random delay; returns its complete ACKs.
  static std::vector<Ack> KillOne(const std::string& dir, const Variant& v,
                                  std::mt19937_64& rng) {
    static constexpr size_t kSizes[] = {16, 100, 4096};
    size_t size = kSizes[rng() % 3];
    std::chrono::milliseconds delay(5 + rng() % 146);
    SCOPED_TRACE(fmt::format("size {}, kill after {} ms", size, delay.count()));
    std::vector<std::string> env;
    if (v.poll) env.push_back("STRATA_IO_URING=off");
    KilledRun run =
        RunAndKill(AppendArgs(dir, size, v), env, delay, v.after_first_ack);
    EXPECT_EQ(run.exit_code, 128 + SIGKILL) << run.err;
    std::vector<std::string> bad;
    std::vector<Ack> acks = ParseAcks(run.out, &bad);
    EXPECT_TRUE(bad.empty()) << "malformed ACK line: " << bad.front();
    return acks;
  }

  void Iterate(uint64_t i, std::mt19937_64& rng, Totals* totals) {
    std::string dir = Path(fmt::format("k{}", i));
    const Variant v = VariantFor(i, direct_works_);
    SCOPED_TRACE(v.Describe());
    std::vector<Ack> acks = KillOne(dir, v, rng);
    if (v.reopen) {
      std::vector<Ack> more = KillOne(dir, v, rng);
      acks.insert(acks.end(), more.begin(), more.end());
      ++totals->reopened;
    }
    CliResult r = RunCli({"journal", "dump", "--dir", dir});
    if (r.exit_code == 1 && acks.empty() && SegmentFiles(dir).empty()) {
      ++totals->not_created;  // killed before the journal was created
    } else {
      ParsedDump dump = ParseDump(r.out);
      ExpectWellFormed(r, dump);
      ExpectAcked(dump, acks);
      if (!v.reopen) ExpectPrefixes(dump);
      totals->repaired += r.exit_code == 3;
      totals->records_dumped += dump.records.size();
    }
    totals->acks_checked += acks.size();
    ++totals->iterations;
    std::filesystem::remove_all(dir);
  }

  bool direct_works_ = false;
};

TEST_F(CliJournalKillTest, AckedRecordsSurviveKill9) {
  const uint64_t iterations = Iterations();
  const uint64_t seed = EnvNumber("STRATA_KILL_SEED", std::random_device{}());
  std::mt19937_64 rng(seed);
  Totals totals;
  for (uint64_t i = 0; i < iterations && !HasFailure(); ++i) {
    SCOPED_TRACE(fmt::format("iteration {}, STRATA_KILL_SEED={}", i, seed));
    Iterate(i, rng, &totals);
  }
  std::printf(
      "kill -9 harness: %llu iterations (%llu reopened), %llu ACKs checked, "
      "%llu records dumped, %llu repaired tails, %llu killed before the "
      "journal existed; STRATA_KILL_SEED=%llu\n",
      static_cast<unsigned long long>(totals.iterations),
      static_cast<unsigned long long>(totals.reopened),
      static_cast<unsigned long long>(totals.acks_checked),
      static_cast<unsigned long long>(totals.records_dumped),
      static_cast<unsigned long long>(totals.repaired),
      static_cast<unsigned long long>(totals.not_created),
      static_cast<unsigned long long>(seed));
  EXPECT_GT(totals.acks_checked, 0u) << "no run lived long enough to ACK";
}

}  // namespace
}  // namespace strata::cli::testing
