// MultiDriver: curl's socket/timer callbacks on the runtime's readiness
// waits and timers.

#include "http/curl_multi.h"

#include <unistd.h>

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
  co_await WatchLoop(driver, fd, write, std::move(stop));
  driver->WatcherExited(fd);
}

Task<void> RunTimer(std::shared_ptr<MultiDriver> driver, uint64_t gen,
                    std::chrono::milliseconds delay, std::stop_token stop) {
  Status s = co_await runtime::SleepFor(delay, stop);
  if (!s.ok() || stop.stop_requested()) co_return;
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
  if (timer_stop_) timer_stop_->request_stop();
  timer_stop_.reset();
  if (multi_ != nullptr) curl_multi_cleanup(multi_);
  multi_ = nullptr;
}

void MultiDriver::QueueWake(Waiter w) {
  if (w) wakes_.push_back(w);
}

Status MultiDriver::Add(CURL* easy) {
  if (closed_ || multi_ == nullptr) {
    return FailedPreconditionError("http client is shut down");
  }
  CURLMcode rc = curl_multi_add_handle(multi_, easy);
  if (rc != CURLM_OK) {
    return InternalError(std::string("curl_multi_add_handle: ") +
                         curl_multi_strerror(rc));
  }
  return Status::OK();
}

void MultiDriver::Remove(CURL* easy) {
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
    curl_multi_remove_handle(multi_, easy);
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
    w.in.emplace();
    StartWatcher(fd, false, &*w.in);
  } else if (!want_in && w.in) {
    w.in->request_stop();
    w.in.reset();
  }
  if (want_out && !w.out) {
    w.out.emplace();
    StartWatcher(fd, true, &*w.out);
  } else if (!want_out && w.out) {
    w.out->request_stop();
    w.out.reset();
  }
}

void MultiDriver::StartWatcher(curl_socket_t fd, bool write,
                               std::stop_source* slot) {
  runtime::Runtime* rt = runtime::Runtime::Current();
  if (rt == nullptr) return;  // only during shutdown from a plain thread
  ++live_watchers_[fd];
  auto handle =
      rt->Spawn(WatchSocket(shared_from_this(), fd, write, slot->get_token()));
  (void)handle;  // detached
}

int MultiDriver::OnCloseSocket(void* userp, curl_socket_t fd) {
  auto* d = static_cast<MultiDriver*>(userp);  // lock held
  if (d->live_watchers_.count(fd) > 0) {
    d->close_pending_[fd] = true;  // the last watcher closes it
    return 0;
  }
  return ::close(fd);
}

void MultiDriver::WatcherExited(curl_socket_t fd) {
  std::lock_guard lock(mu_);
  auto it = live_watchers_.find(fd);
  if (it == live_watchers_.end() || --it->second > 0) return;
  live_watchers_.erase(it);
  if (close_pending_.erase(fd) > 0) ::close(fd);
}

int MultiDriver::OnTimer(CURLM*, long timeout_ms, void* userp) {
  static_cast<MultiDriver*>(userp)->SetTimer(timeout_ms);
  return 0;
}

void MultiDriver::SetTimer(long timeout_ms) {
  runtime::Runtime* rt = runtime::Runtime::Current();
  if (rt == nullptr && timeout_ms >= 0 && !closed_) {
    // Called off a runtime thread (a ResponseBody destroyed on a plain
    // thread): keep the pending timer; when it fires curl re-arms.
    return;
  }
  if (timer_stop_) timer_stop_->request_stop();
  timer_stop_.reset();
  ++timer_gen_;
  if (timeout_ms < 0 || closed_) return;
  timer_stop_.emplace();
  auto handle = rt->Spawn(RunTimer(shared_from_this(), timer_gen_,
                                   std::chrono::milliseconds(timeout_ms),
                                   timer_stop_->get_token()));
  (void)handle;  // detached
}

}  // namespace strata::http::internal
