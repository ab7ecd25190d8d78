#include "strata/runtime/runtime.h"

#include <liburing.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "core/logging.h"
#include "runtime/blocking_pool.h"
#include "runtime/poll_reactor.h"
#include "runtime/reactor.h"
#include "runtime/uring_reactor.h"

namespace strata::runtime {
namespace {

constexpr size_t kDefaultBlockingThreads = 16;
constexpr size_t kDefaultMaxFileOps = 1024;

Result<size_t> MaxFileOpsFromEnv() {
  const char* v = std::getenv("STRATA_MAX_CONCURRENT_FILE_OPS");
  if (v == nullptr || *v == '\0') return kDefaultMaxFileOps;
  char* end = nullptr;
  unsigned long long n = std::strtoull(v, &end, 10);
  if (*v < '0' || *v > '9' || *end != '\0' || n == 0) {
    return InvalidArgumentError(
        std::string("STRATA_MAX_CONCURRENT_FILE_OPS must be a positive "
                    "integer, got '") +
        v + "'");
  }
  return static_cast<size_t>(n);
}

Status ValidateOptions(const RuntimeOptions& o) {
  if (o.reactor_threads == 0 || o.reactor_threads > 256) {
    return InvalidArgumentError(
        "RuntimeOptions::reactor_threads must be in [1, 256], got " +
        std::to_string(o.reactor_threads));
  }
  if (o.ring_entries < 2 || o.ring_entries > 32768) {
    return InvalidArgumentError(
        "RuntimeOptions::ring_entries must be in [2, 32768], got " +
        std::to_string(o.ring_entries));
  }
  return Status::OK();
}

}  // namespace

std::string_view RuntimeKindName(RuntimeKind kind) {
  return kind == RuntimeKind::kIoUring ? "io_uring" : "poll";
}

Result<IoUringMode> IoUringModeFromEnv() {
  const char* v = std::getenv("STRATA_IO_URING");
  if (v == nullptr || *v == '\0') return IoUringMode::kAuto;
  std::string s(v);
  if (s == "auto") return IoUringMode::kAuto;
  if (s == "on" || s == "1" || s == "true") return IoUringMode::kOn;
  if (s == "off" || s == "0" || s == "false") return IoUringMode::kOff;
  return InvalidArgumentError("STRATA_IO_URING must be auto, on or off, got '" +
                              s + "'");
}

bool IoUringAvailable() {
  struct io_uring ring;
  if (io_uring_queue_init(2, &ring, 0) != 0) return false;
  io_uring_queue_exit(&ring);
  return true;
}

Result<std::unique_ptr<Runtime>> Runtime::Create(RuntimeOptions options) {
  STRATA_RETURN_IF_ERROR(ValidateOptions(options));
  IoUringMode mode;
  if (options.io_uring) {
    mode = *options.io_uring;
  } else {
    STRATA_ASSIGN_OR_RETURN(mode, IoUringModeFromEnv());
  }
  if (options.max_concurrent_file_ops == 0) {
    STRATA_ASSIGN_OR_RETURN(options.max_concurrent_file_ops,
                            MaxFileOpsFromEnv());
  }
  if (options.blocking_threads == 0) {
    options.blocking_threads = kDefaultBlockingThreads;
  }

  std::unique_ptr<Runtime> rt(new Runtime());
  rt->options_ = options;
  rt->file_ops_ = std::make_unique<Semaphore>(options.max_concurrent_file_ops);
  rt->pool_ = std::make_unique<BlockingPool>(options.blocking_threads);

  bool use_uring = mode != IoUringMode::kOff;
  if (use_uring) {
    Status s = rt->CreateUringReactors();
    if (!s.ok()) {
      if (mode == IoUringMode::kOn) {
        return Status(StatusCode::kUnavailable,
                      "io_uring required (STRATA_IO_URING=on) but "
                      "unavailable: " +
                          std::string(s.message()),
                      s.sys_errno());
      }
      Logger().info("io_uring unavailable ({}); using the poll runtime",
                    s.message());
      rt->reactors_.clear();
      use_uring = false;
    }
  }
  if (!use_uring) STRATA_RETURN_IF_ERROR(rt->CreatePollReactors());
  for (auto& r : rt->reactors_) r->Start();
  return rt;
}

Status Runtime::CreateUringReactors() {
  kind_ = RuntimeKind::kIoUring;
  for (size_t i = 0; i < options_.reactor_threads; ++i) {
    STRATA_ASSIGN_OR_RETURN(
        auto r, UringReactor::Create(this, i, pool_.get(), options_));
    reactors_.push_back(std::move(r));
  }
  return Status::OK();
}

Status Runtime::CreatePollReactors() {
  kind_ = RuntimeKind::kPoll;
  for (size_t i = 0; i < options_.reactor_threads; ++i) {
    STRATA_ASSIGN_OR_RETURN(auto r, PollReactor::Create(this, i, pool_.get()));
    reactors_.push_back(std::move(r));
  }
  return Status::OK();
}

Runtime::~Runtime() {
  for (auto& r : reactors_) r->Stop();
  reactors_.clear();
  pool_.reset();
}

Runtime* Runtime::Current() {
  Reactor* r = Reactor::Current();
  return r ? r->runtime() : nullptr;
}

void Runtime::Schedule(std::coroutine_handle<> h, size_t index) {
  reactors_[index % reactors_.size()]->Schedule(h);
}

bool Runtime::OnReactorThread() const {
  Reactor* r = Reactor::Current();
  return r != nullptr && r->runtime() == this;
}

namespace detail {

size_t CurrentReactorIndex() {
  Reactor* r = Reactor::Current();
  return r ? r->index() : 0;
}

void CheckNotOnReactor(bool on_reactor) {
  if (!on_reactor) return;
  std::fprintf(stderr,
               "strata: Runtime::BlockOn called from one of its own reactor "
               "threads; co_await the task instead\n");
  std::abort();
}

}  // namespace detail
}  // namespace strata::runtime
