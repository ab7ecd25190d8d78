// journal_peers: the peers `strata journal bench` is compared with (see
// bench/journal_vs_peers.sh and docs/benchmarks.md).
//
//   journal_peers --mode pwrite|rocksdb --dir DIR --writers W --size BYTES
//                 --seconds S [--json]
//
// Both modes run W threads that each make one durable record at a time and
// measure it from request to acknowledgement:
//   pwrite   all threads share DIR/pwrite.dat (O_WRONLY|O_CREAT|O_TRUNC);
//            a record reserves the next offset (atomic fetch_add), pwrites
//            BYTES with no header, then fdatasyncs. Latency is pwrite +
//            fdatasync; fsync_p50_us is the fdatasync alone.
//   rocksdb  a DB in DIR (create_if_missing, no compression, WAL on); a
//            record is Put(key unique per thread and sequence, BYTES) with
//            WriteOptions::sync = true. syncs is RocksDB's WAL sync count.
// Records completed in a 0.5 s warm-up are not counted; the measured window
// is S seconds. With --json the output has the keys of `strata journal
// bench --json` (plus fsync_p50_us in pwrite mode); without, one line.
//
// Standalone on purpose: it must not share code with what it measures.

#include <fcntl.h>
#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/statistics.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

constexpr double kWarmupSeconds = 0.5;
constexpr int kMaxWriters = 4096;
constexpr uint64_t kMaxSize = uint64_t{64} << 20;
constexpr double kMaxSeconds = 86400;

enum class Mode { kPwrite, kRocksdb };

struct Options {
  std::optional<Mode> mode;
  std::string dir;
  int writers = 0;
  uint64_t size = 0;
  double seconds = 0;
  bool json = false;
};

// ---- argument parsing ------------------------------------------------------

void Usage(FILE* out) {
  std::fputs(
      "usage: journal_peers --mode pwrite|rocksdb --dir DIR --writers W\n"
      "                     --size BYTES --seconds S [--json]\n",
      out);
}

std::optional<int64_t> ParseInt(std::string_view s) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// Bytes: a plain number, or with a k/m suffix (powers of 1024), at most
// kMaxSize.
std::optional<uint64_t> ParseSize(std::string_view s) {
  int shift = 0;
  if (!s.empty() && (s.back() == 'k' || s.back() == 'K')) shift = 10;
  if (!s.empty() && (s.back() == 'm' || s.back() == 'M')) shift = 20;
  if (shift != 0) s.remove_suffix(1);
  std::optional<int64_t> v = ParseInt(s);
  if (!v || *v <= 0 || static_cast<uint64_t>(*v) > (kMaxSize >> shift)) {
    return std::nullopt;
  }
  return static_cast<uint64_t>(*v) << shift;
}

// Each flag's setter: parses `value` into `o`; returns an error or "".
using Setter = std::string (*)(const std::string& value, Options& o);

std::string SetMode(const std::string& value, Options& o) {
  if (value == "pwrite") {
    o.mode = Mode::kPwrite;
  } else if (value == "rocksdb") {
    o.mode = Mode::kRocksdb;
  } else {
    return "--mode: expected pwrite or rocksdb, got '" + value + "'";
  }
  return "";
}

std::string SetDir(const std::string& value, Options& o) {
  if (value.empty()) return "--dir: empty path";
  o.dir = value;
  return "";
}

std::string SetWriters(const std::string& value, Options& o) {
  std::optional<int64_t> w = ParseInt(value);
  if (!w || *w < 1 || *w > kMaxWriters) {
    return "--writers: expected an integer in [1, 4096], got '" + value + "'";
  }
  o.writers = static_cast<int>(*w);
  return "";
}

std::string SetSize(const std::string& value, Options& o) {
  std::optional<uint64_t> b = ParseSize(value);
  if (!b) return "--size: expected bytes in [1, 64m], got '" + value + "'";
  o.size = *b;
  return "";
}

std::string SetSeconds(const std::string& value, Options& o) {
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(value.c_str(), &end);
  if (errno != 0 || end == value.c_str() || *end != '\0' || !(v > 0) ||
      v > kMaxSeconds) {
    return "--seconds: expected a number in (0, 86400], got '" + value + "'";
  }
  o.seconds = v;
  return "";
}

Setter FindSetter(std::string_view flag) {
  static constexpr std::pair<std::string_view, Setter> kSetters[] = {
      {"--mode", SetMode}, {"--dir", SetDir},         {"--writers", SetWriters},
      {"--size", SetSize}, {"--seconds", SetSeconds},
  };
  for (const auto& [name, setter] : kSetters) {
    if (name == flag) return setter;
  }
  return nullptr;
}

std::string MissingFlag(const Options& o) {
  if (!o.mode) return "--mode is required";
  if (o.dir.empty()) return "--dir is required";
  if (o.writers == 0) return "--writers is required";
  if (o.size == 0) return "--size is required";
  if (o.seconds == 0) return "--seconds is required";
  return "";
}

// Parses argv into `options`; returns an error message or "".
std::string ParseArgs(int argc, char** argv, Options& options) {
  for (int i = 1; i < argc; ++i) {
    std::string_view flag = argv[i];
    if (flag == "--json") {
      options.json = true;
      continue;
    }
    Setter setter = FindSetter(flag);
    if (setter == nullptr)
      return "unknown argument '" + std::string(flag) + "'";
    if (i + 1 >= argc) return std::string(flag) + ": missing value";
    std::string error = setter(argv[++i], options);
    if (!error.empty()) return error;
  }
  return MissingFlag(options);
}

// ---- measurement -----------------------------------------------------------

// Phases of a run: workers count only what completes while kMeasuring.
enum Phase : int { kWarmup, kMeasuring, kStopped };

// What every worker shares: the phase and the first error.
struct RunState {
  std::atomic<int> phase{kWarmup};
  std::mutex mu;
  std::string error;

  bool Running() const {
    return phase.load(std::memory_order_relaxed) != kStopped;
  }
  bool Measuring() const {
    return phase.load(std::memory_order_relaxed) == kMeasuring;
  }
  void Fail(std::string message) {
    std::lock_guard<std::mutex> lock(mu);
    if (error.empty()) error = std::move(message);
    phase.store(kStopped);
  }
};

// One worker's measured records (nanoseconds).
struct WorkerStats {
  std::vector<uint64_t> latency_ns;
  std::vector<uint64_t> fsync_ns;  // pwrite mode only
};

struct Result {
  double seconds = 0;  // length of the measured window
  uint64_t ops = 0;
  std::vector<uint64_t> latency_ns;
  std::vector<uint64_t> fsync_ns;
  int64_t syncs = -1;
  int64_t group_followers = -1;  // rocksdb: writes committed by another
};

uint64_t Nanos(Clock::time_point from, Clock::time_point to) {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(to - from).count());
}

std::string ErrnoMessage(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

// Value at quantile q of `v` (same rank rule as strata's histogram), in µs.
double QuantileUs(std::vector<uint64_t>& v, double q) {
  if (v.empty()) return 0;
  auto rank = static_cast<size_t>(q * static_cast<double>(v.size()));
  rank = std::min(rank, v.size() - 1);
  std::nth_element(v.begin(), v.begin() + static_cast<ptrdiff_t>(rank),
                   v.end());
  return static_cast<double>(v[rank]) / 1000;
}

// Runs `body(i, state, stats)` on `writers` threads through the warm-up
// and the measured window; `on_edge(phase)` runs on this thread right after
// the window opens (kMeasuring) and closes (kStopped). Merges what the
// workers measured.
template <typename Body>
Result RunWorkers(const Options& o, RunState& state, Body body,
                  const std::function<void(Phase)>& on_edge) {
  std::vector<WorkerStats> stats(static_cast<size_t>(o.writers));
  std::vector<std::thread> threads;
  threads.reserve(stats.size());
  for (int i = 0; i < o.writers; ++i) {
    threads.emplace_back(
        [&, i] { body(i, state, stats[static_cast<size_t>(i)]); });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(kWarmupSeconds));
  int expected = kWarmup;
  state.phase.compare_exchange_strong(expected, kMeasuring);
  Clock::time_point start = Clock::now();
  on_edge(kMeasuring);
  std::this_thread::sleep_for(std::chrono::duration<double>(o.seconds));
  state.phase.store(kStopped);
  Result result;
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  on_edge(kStopped);
  for (std::thread& t : threads) t.join();
  for (WorkerStats& s : stats) {
    result.latency_ns.insert(result.latency_ns.end(), s.latency_ns.begin(),
                             s.latency_ns.end());
    result.fsync_ns.insert(result.fsync_ns.end(), s.fsync_ns.begin(),
                           s.fsync_ns.end());
  }
  result.ops = result.latency_ns.size();
  return result;
}

// ---- pwrite + fdatasync ----------------------------------------------------

// Writes one record at the next offset and fdatasyncs; false on error.
bool PwriteRecord(int fd, const std::string& payload,
                  std::atomic<uint64_t>& next_offset, RunState& state,
                  WorkerStats& stats) {
  auto offset = static_cast<off_t>(next_offset.fetch_add(payload.size()));
  Clock::time_point t0 = Clock::now();
  ssize_t n = pwrite(fd, payload.data(), payload.size(), offset);
  if (n != static_cast<ssize_t>(payload.size())) {
    state.Fail(n < 0 ? ErrnoMessage("pwrite") : "pwrite: short write");
    return false;
  }
  Clock::time_point t1 = Clock::now();
  if (fdatasync(fd) != 0) {
    state.Fail(ErrnoMessage("fdatasync"));
    return false;
  }
  Clock::time_point t2 = Clock::now();
  if (state.Measuring()) {
    stats.latency_ns.push_back(Nanos(t0, t2));
    stats.fsync_ns.push_back(Nanos(t1, t2));
  }
  return true;
}

std::optional<Result> RunPwrite(const Options& o, std::string& error) {
  if (mkdir(o.dir.c_str(), 0755) != 0 && errno != EEXIST) {
    error = ErrnoMessage("mkdir " + o.dir);
    return std::nullopt;
  }
  std::string path = o.dir + "/pwrite.dat";
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    error = ErrnoMessage("open " + path);
    return std::nullopt;
  }
  const std::string payload(o.size, 'p');
  std::atomic<uint64_t> next_offset{0};
  RunState state;
  auto body = [&](int, RunState& s, WorkerStats& w) {
    while (s.Running() && PwriteRecord(fd, payload, next_offset, s, w)) {
    }
  };
  Result result = RunWorkers(o, state, body, [](Phase) {});
  if (close(fd) != 0 && state.error.empty()) state.error = ErrnoMessage(path);
  if (!state.error.empty()) {
    error = state.error + " (" + path + ")";
    return std::nullopt;
  }
  result.syncs = static_cast<int64_t>(result.ops);  // one per record
  return result;
}

// ---- RocksDB, sync=true ----------------------------------------------------

std::string RecordKey(int writer, uint64_t seq) {
  char key[32];
  std::snprintf(key, sizeof key, "w%04d-%016llx", writer,
                static_cast<unsigned long long>(seq));
  return key;
}

void RocksdbWriter(rocksdb::DB* db, const std::string& value, int writer,
                   RunState& state, WorkerStats& stats) {
  rocksdb::WriteOptions write_options;
  write_options.sync = true;
  for (uint64_t seq = 0; state.Running(); ++seq) {
    Clock::time_point t0 = Clock::now();
    rocksdb::Status s = db->Put(write_options, RecordKey(writer, seq), value);
    if (!s.ok()) return state.Fail("Put: " + s.ToString());
    Clock::time_point t1 = Clock::now();
    if (state.Measuring()) stats.latency_ns.push_back(Nanos(t0, t1));
  }
}

rocksdb::Options RocksdbOptions() {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.compression = rocksdb::kNoCompression;
  options.statistics = rocksdb::CreateDBStatistics();
  return options;
}

std::optional<Result> RunRocksdb(const Options& o, std::string& error) {
  rocksdb::Options options = RocksdbOptions();
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, o.dir, &raw);
  if (!s.ok()) {
    error = "open RocksDB in " + o.dir + ": " + s.ToString();
    return std::nullopt;
  }
  std::unique_ptr<rocksdb::DB> db(raw);
  const std::string value(o.size, 'r');
  RunState state;
  // Tickers at the window's edges: WAL syncs and group-commit followers.
  rocksdb::Statistics& stats = *options.statistics;
  uint64_t edge[2][2] = {};
  auto on_edge = [&](Phase p) {
    int k = p == kMeasuring ? 0 : 1;
    edge[k][0] = stats.getTickerCount(rocksdb::WAL_FILE_SYNCED);
    edge[k][1] = stats.getTickerCount(rocksdb::WRITE_DONE_BY_OTHER);
  };
  auto body = [&](int i, RunState& st, WorkerStats& w) {
    RocksdbWriter(db.get(), value, i, st, w);
  };
  Result result = RunWorkers(o, state, body, on_edge);
  if (!state.error.empty()) {
    error = state.error + " (" + o.dir + ")";
    return std::nullopt;
  }
  result.syncs = static_cast<int64_t>(edge[1][0] - edge[0][0]);
  result.group_followers = static_cast<int64_t>(edge[1][1] - edge[0][1]);
  s = db->Close();
  if (!s.ok()) {
    error = "close RocksDB in " + o.dir + ": " + s.ToString();
    return std::nullopt;
  }
  return result;
}

// ---- output ----------------------------------------------------------------

void PrintJson(const Options& o, Result& r) {
  nlohmann::ordered_json j;
  j["writers"] = o.writers;
  j["size"] = o.size;
  j["ops_per_s"] = static_cast<double>(r.ops) / r.seconds;
  j["mib_per_s"] = static_cast<double>(r.ops * o.size) / r.seconds / (1 << 20);
  j["lat_p50_us"] = QuantileUs(r.latency_ns, 0.50);
  j["lat_p99_us"] = QuantileUs(r.latency_ns, 0.99);
  j["runtime_kind"] = "threads";
  j["syncs"] = r.syncs;
  if (o.mode == Mode::kPwrite) j["fsync_p50_us"] = QuantileUs(r.fsync_ns, 0.5);
  std::printf("%s\n", j.dump().c_str());
}

void PrintLine(const Options& o, Result& r) {
  std::printf(
      "%s writers=%d size=%llu: %.0f ops/s, %.1f MiB/s, p50 %.0f us, "
      "p99 %.0f us, syncs %lld",
      o.mode == Mode::kPwrite ? "pwrite+fdatasync" : "rocksdb sync=true",
      o.writers, static_cast<unsigned long long>(o.size),
      static_cast<double>(r.ops) / r.seconds,
      static_cast<double>(r.ops * o.size) / r.seconds / (1 << 20),
      QuantileUs(r.latency_ns, 0.50), QuantileUs(r.latency_ns, 0.99),
      static_cast<long long>(r.syncs));
  if (o.mode == Mode::kPwrite) {
    std::printf(", fsync p50 %.0f us", QuantileUs(r.fsync_ns, 0.5));
  } else {
    std::printf(
        ", %llu of %llu Puts committed by another thread (group commit)",
        static_cast<unsigned long long>(r.group_followers),
        static_cast<unsigned long long>(r.ops));
  }
  std::printf("\n");
}

int Run(int argc, char** argv) {
  if (argc == 2 &&
      (std::string(argv[1]) == "-h" || std::string(argv[1]) == "--help")) {
    Usage(stdout);
    return 0;
  }
  Options options;
  std::string error = ParseArgs(argc, argv, options);
  if (!error.empty()) {
    std::fprintf(stderr, "journal_peers: %s\n", error.c_str());
    Usage(stderr);
    return 2;
  }
  std::optional<Result> result = options.mode == Mode::kPwrite
                                     ? RunPwrite(options, error)
                                     : RunRocksdb(options, error);
  if (!result) {
    std::fprintf(stderr, "journal_peers: %s\n", error.c_str());
    return 1;
  }
  if (options.json) {
    PrintJson(options, *result);
  } else {
    PrintLine(options, *result);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const std::exception& e) {  // thread creation, allocation
    std::fprintf(stderr, "journal_peers: %s\n", e.what());
    return 1;
  }
}
