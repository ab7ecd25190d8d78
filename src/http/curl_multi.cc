// MultiDriver: curl's socket/timer callbacks on the runtime's readiness
// waits and timers.

#include "http/curl_multi.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <string>
#include <utility>

#include "strata/runtime/io.h"

namespace strata::http::internal {
namespace {

std::once_flag g_curl_init_once;
CURLcode g_curl_init_result = CURLE_OK;

// Waits for readiness of one direction and drives curl until stopped.
Task<void> WatchLoop(std::shared_ptr<MultiDriver> driver, curl_socket_t fd,
                     bool write, std::stop_token stop) {
  while (!stop.stop_requested()) {
    int64_t r = 0;
    if (write) {
      r = co_await runtime::WaitWritable(fd, stop);
    } else {
      r = co_await runtime::WaitReadable(fd, stop);
    }
    if (stop.stop_requested()) co_return;
    if (r == -ECANCELED) co_return;  // the runtime is shutting down
    if (r < 0) {
      // Only our own bookkeeping races land here (a stale waiter on the
      // same fd still being cancelled: EBUSY/ENOENT); real socket errors
      // report as readiness. Back off briefly and wait again.
      Status s = co_await runtime::SleepFor(std::chrono::milliseconds(1), stop);
      if (!s.ok()) co_return;
      continue;
    }
    driver->Drive(fd, write ? CURL_CSELECT_OUT : CURL_CSELECT_IN);
  }
}

Task<void> WatchSocket(std::shared_ptr<MultiDriver> driver, curl_socket_t fd,
                       bool write, std::stop_token stop) {
  co_await WatchLoop(driver, fd, write, stop);
  driver->WatcherExited(fd, write, stop);
}

Task<void> RunTimer(std::shared_ptr<MultiDriver> driver, uint64_t gen,
                    std::chrono::milliseconds delay, std::stop_token stop) {
  Status s = co_await runtime::SleepFor(delay, stop);
  if (stop.stop_requested()) co_return;
  if (!s.ok()) {
    driver->TimerLost(gen);  // the runtime stops
    co_return;
  }
  driver->Drive(CURL_SOCKET_TIMEOUT, 0, gen);
}

}  // namespace

void Resume(const Waiter& w) {
  if (w.runtime != nullptr) {
    w.runtime->Schedule(w.handle, w.reactor);
  } else {
    w.handle.resume();
  }
}

Waiter CurrentWaiter(std::coroutine_handle<> h) {
  Waiter w;
  w.handle = h;
  w.runtime = runtime::Runtime::Current();
  w.reactor = w.runtime ? runtime::detail::CurrentReactorIndex() : 0;
  return w;
}

Result<std::shared_ptr<MultiDriver>> MultiDriver::Create(
    const ClientOptions& options, DoneFn on_done) {
  std::call_once(g_curl_init_once, [] {
    g_curl_init_result = curl_global_init(CURL_GLOBAL_DEFAULT);
  });
  if (g_curl_init_result != CURLE_OK) {
    return InternalError(std::string("curl_global_init: ") +
                         curl_easy_strerror(g_curl_init_result));
  }
  std::shared_ptr<MultiDriver> d(new MultiDriver());
  d->on_done_ = on_done;
  d->multi_ = curl_multi_init();
  if (d->multi_ == nullptr) return InternalError("curl_multi_init failed");
  CURLM* m = d->multi_;
  curl_multi_setopt(m, CURLMOPT_SOCKETFUNCTION, &MultiDriver::OnSocket);
  curl_multi_setopt(m, CURLMOPT_SOCKETDATA, d.get());
  curl_multi_setopt(m, CURLMOPT_TIMERFUNCTION, &MultiDriver::OnTimer);
  curl_multi_setopt(m, CURLMOPT_TIMERDATA, d.get());
  curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS,
                    static_cast<long>(options.max_connections_per_host));
  curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS,
                    static_cast<long>(options.max_connections));
  curl_multi_setopt(m, CURLMOPT_MAXCONNECTS,
                    static_cast<long>(options.max_idle_connections));
  return d;
}

MultiDriver::~MultiDriver() { Shutdown(); }

void MultiDriver::Shutdown() {
  std::lock_guard lock(mu_);
  if (closed_) return;
  closed_ = true;
  for (auto& [fd, w] : watches_) {
    if (w.in) w.in->request_stop();
    if (w.out) w.out->request_stop();
  }
  watches_.clear();
  handles_.clear();
  lost_ = false;
  timer_lost_ = false;
  if (timer_stop_) timer_stop_->request_stop();
  timer_stop_.reset();
  if (multi_ != nullptr) curl_multi_cleanup(multi_);
  multi_ = nullptr;
}

void MultiDriver::QueueWake(Waiter w) {
  if (w) wakes_.push_back(w);
}

Status MultiDriver::Add(CURL* easy, Waiter* waiter) {
  if (closed_ || multi_ == nullptr) {
    return FailedPreconditionError("http client is shut down");
  }
  CURLMcode rc = curl_multi_add_handle(multi_, easy);
  if (rc != CURLM_OK) {
    return InternalError(std::string("curl_multi_add_handle: ") +
                         curl_multi_strerror(rc));
  }
  handles_[easy] = waiter;
  return Status::OK();
}

void MultiDriver::Remove(CURL* easy) {
  handles_.erase(easy);
  if (multi_ != nullptr) curl_multi_remove_handle(multi_, easy);
}

void MultiDriver::Drive(curl_socket_t fd, int events,
                        std::optional<uint64_t> timer_gen) {
  WithLock([&] {
    if (closed_ || multi_ == nullptr) return;
    if (timer_gen && *timer_gen != timer_gen_) return;
    int running = 0;
    curl_multi_socket_action(multi_, fd, events, &running);
    ReadInfo();
  });
}

void MultiDriver::ReadInfo() {
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
    if (msg->msg != CURLMSG_DONE) continue;
    CURL* easy = msg->easy_handle;
    CURLcode result = msg->data.result;
    Remove(easy);
    on_done_(easy, result);
  }
}

int MultiDriver::OnSocket(CURL*, curl_socket_t fd, int what, void* userp,
                          void*) {
  static_cast<MultiDriver*>(userp)->UpdateWatch(fd, what);
  return 0;
}

void MultiDriver::UpdateWatch(curl_socket_t fd, int what) {
  if (what == CURL_POLL_REMOVE || closed_) {
    auto it = watches_.find(fd);
    if (it == watches_.end()) return;
    if (it->second.in) it->second.in->request_stop();
    if (it->second.out) it->second.out->request_stop();
    watches_.erase(it);
    return;
  }
  Watch& w = watches_[fd];
  const bool want_in = what == CURL_POLL_IN || what == CURL_POLL_INOUT;
  const bool want_out = what == CURL_POLL_OUT || what == CURL_POLL_INOUT;
  if (want_in && !w.in) {
    StartWatcher(fd, w, false);
  } else if (!want_in) {
    if (w.in) w.in->request_stop();
    w.in.reset();
    w.in_lost = false;
  }
  if (want_out && !w.out) {
    StartWatcher(fd, w, true);
  } else if (!want_out) {
    if (w.out) w.out->request_stop();
    w.out.reset();
    w.out_lost = false;
  }
}

void MultiDriver::StartWatcher(curl_socket_t fd, Watch& w, bool write) {
  std::optional<std::stop_source>& slot = write ? w.out : w.in;
  bool& lost = write ? w.out_lost : w.in_lost;
  runtime::Runtime* rt = runtime::Runtime::Current();
  if (rt == nullptr) {  // curl driven from a plain thread
    lost = true;
    MarkLost();
    return;
  }
  lost = false;
  slot.emplace();
  ++live_watchers_[fd];
  auto handle =
      rt->Spawn(WatchSocket(shared_from_this(), fd, write, slot->get_token()));
  (void)handle;  // detached
}

void MultiDriver::MarkLost() {
  lost_ = true;
  runtime::Runtime* self = runtime::Runtime::Current();
  for (auto& [easy, w] : handles_) {
    // Waiters on this (stopping) runtime or on no runtime cannot re-arm.
    if (w == nullptr || !*w || w->runtime == nullptr || w->runtime == self) {
      continue;
    }
    QueueWake(*w);
    *w = Waiter();
  }
}

void MultiDriver::Rearm() {
  if (closed_ || runtime::Runtime::Current() == nullptr) return;
  lost_ = false;
  for (auto& [fd, w] : watches_) {
    if (w.in_lost && !w.in) StartWatcher(fd, w, false);
    if (w.out_lost && !w.out) StartWatcher(fd, w, true);
  }
  if (timer_lost_) {
    auto left = timer_deadline_ - std::chrono::steady_clock::now();
    auto ms = std::chrono::ceil<std::chrono::milliseconds>(left);
    SpawnTimer(runtime::Runtime::Current(),
               std::max(ms, std::chrono::milliseconds(0)));
  }
}

void MultiDriver::ResumeQueued(std::unique_lock<std::mutex>& lock) {
  std::vector<Waiter> wakes;
  wakes.swap(wakes_);
  lock.unlock();
  for (const Waiter& w : wakes) Resume(w);
}

int MultiDriver::OnCloseSocket(void* userp, curl_socket_t fd) {
  auto* d = static_cast<MultiDriver*>(userp);  // lock held
  if (d->live_watchers_.count(fd) > 0) {
    d->close_pending_[fd] = true;  // the last watcher closes it
    return 0;
  }
  return ::close(fd);
}

void MultiDriver::WatcherExited(curl_socket_t fd, bool write,
                                std::stop_token stop) {
  std::unique_lock lock(mu_);
  if (!stop.stop_requested() && !closed_) {
    auto w = watches_.find(fd);
    std::optional<std::stop_source>* slot = nullptr;
    if (w != watches_.end()) slot = write ? &w->second.out : &w->second.in;
    if (slot != nullptr && *slot && (*slot)->get_token() == stop) {
      slot->reset();  // our runtime stops: someone else must watch
      (write ? w->second.out_lost : w->second.in_lost) = true;
      MarkLost();
    }
  }
  auto it = live_watchers_.find(fd);
  if (it != live_watchers_.end() && --it->second == 0) {
    live_watchers_.erase(it);
    if (close_pending_.erase(fd) > 0) ::close(fd);
  }
  ResumeQueued(lock);
}

void MultiDriver::TimerLost(uint64_t gen) {
  std::unique_lock lock(mu_);
  if (!closed_ && gen == timer_gen_) {
    timer_stop_.reset();
    timer_lost_ = true;
    MarkLost();
  }
  ResumeQueued(lock);
}

int MultiDriver::OnTimer(CURLM*, long timeout_ms, void* userp) {
  static_cast<MultiDriver*>(userp)->SetTimer(timeout_ms);
  return 0;
}

void MultiDriver::SetTimer(long timeout_ms) {
  if (timer_stop_) timer_stop_->request_stop();
  timer_stop_.reset();
  ++timer_gen_;
  timer_lost_ = false;
  if (timeout_ms < 0 || closed_) return;
  timer_deadline_ =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  runtime::Runtime* rt = runtime::Runtime::Current();
  if (rt == nullptr) {
    // Off a runtime thread (a ResponseBody destroyed on a plain thread may
    // free a connection for a queued request): a runtime arms it.
    timer_lost_ = true;
    MarkLost();
    return;
  }
  SpawnTimer(rt, std::chrono::milliseconds(timeout_ms));
}

void MultiDriver::SpawnTimer(runtime::Runtime* rt,
                             std::chrono::milliseconds delay) {
  timer_lost_ = false;
  timer_stop_.emplace();
  auto handle = rt->Spawn(RunTimer(shared_from_this(), timer_gen_, delay,
                                   timer_stop_->get_token()));
  (void)handle;  // detached
}

}  // namespace strata::http::internal
