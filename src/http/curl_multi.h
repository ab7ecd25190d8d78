// MultiDriver: one curl multi handle driven by strata's runtime.
//
// curl's socket callback becomes watcher coroutines (one per socket and
// direction) that await runtime::WaitReadable/WaitWritable and then call
// curl_multi_socket_action; its timer callback becomes a generation-counted,
// cancellable runtime::SleepFor coroutine. Helper coroutines are spawned on
// the runtime of the thread that is driving curl and hold a shared_ptr to
// the driver, so they never touch a destroyed one.
//
// A helper can outlive its usefulness when the runtime it was spawned on
// stops (its waits end with -ECANCELED) or when curl asks for one from a
// plain thread (a ResponseBody destroyed off the runtime). Such a socket
// direction or timer is marked lost, the waiters of the other runtimes'
// transfers are woken, and the next WithLock() from a runtime thread
// re-arms it there (watchers respawned, the timer from curl's last
// deadline).
//
// Every curl call on the multi handle or its easy handles happens with
// `mu()` held (curl callbacks therefore run with it held). Coroutines to be
// resumed are queued with QueueWake() while locked and resumed via
// Runtime::Schedule only after the lock is released (WithLock does both).
//
// Thread-safety: all public methods are safe from any thread.
#pragma once

#include <curl/curl.h>

#include <atomic>
#include <chrono>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <unordered_map>
#include <vector>

#include "strata/core/result.h"
#include "strata/core/task.h"
#include "strata/http/client.h"
#include "strata/runtime/runtime.h"

namespace strata::http::internal {

// A suspended coroutine and where to resume it.
struct Waiter {
  std::coroutine_handle<> handle;
  runtime::Runtime* runtime = nullptr;
  size_t reactor = 0;
  explicit operator bool() const { return static_cast<bool>(handle); }
};

// Resumes `w` on its reactor (or inline when it has no runtime).
void Resume(const Waiter& w);

// Called for each finished transfer (with the lock held).
using DoneFn = void (*)(CURL* easy, CURLcode result);

class MultiDriver : public std::enable_shared_from_this<MultiDriver> {
 public:
  static Result<std::shared_ptr<MultiDriver>> Create(
      const ClientOptions& options, DoneFn on_done);
  ~MultiDriver();

  std::mutex& mu() { return mu_; }
  // Lock held: the multi handle (nullptr after Shutdown()).
  CURLM* multi() { return multi_; }
  // Lock held: resume `w` once the lock is released.
  void QueueWake(Waiter w);

  // Runs fn() with the lock held, re-arms lost watchers/timer when called
  // on a runtime thread, then resumes the queued waiters.
  template <typename F>
  void WithLock(F&& fn) {
    std::vector<Waiter> wakes;
    {
      std::lock_guard lock(mu_);
      fn();
      if (lost_) Rearm();
      wakes.swap(wakes_);
    }
    for (const Waiter& w : wakes) Resume(w);
  }

  // Lock held: adds/removes an easy handle. Adding may fail. `waiter` is
  // the transfer's waiter slot (woken when a helper is lost); it must stay
  // valid until Remove() or the transfer completes.
  Status Add(CURL* easy, Waiter* waiter);
  void Remove(CURL* easy);

  // Stops every watcher and the timer and cleans up the multi handle.
  // Easy handles must have been removed. Idempotent.
  void Shutdown();

  // CURLOPT_CLOSESOCKETFUNCTION (userp = the driver): closes the socket
  // once no watcher coroutine still waits on it, so an fd number is never
  // reused while a stale readiness wait is being cancelled.
  static int OnCloseSocket(void* userp, curl_socket_t fd);
  // A watcher coroutine for `fd` finished; `stop` is its token (not
  // stopped: it was lost, see above).
  void WatcherExited(curl_socket_t fd, bool write, std::stop_token stop);
  // The timer coroutine of generation `gen` ended without firing or being
  // stopped (its runtime stops).
  void TimerLost(uint64_t gen);

  // Runs curl_multi_socket_action (lock taken inside) and completes
  // finished transfers. `timer_gen` (timer only) skips stale timers.
  void Drive(curl_socket_t fd, int events,
             std::optional<uint64_t> timer_gen = std::nullopt);

 private:
  struct Watch {
    std::optional<std::stop_source> in;
    std::optional<std::stop_source> out;
    bool in_lost = false;  // wanted, but no live watcher
    bool out_lost = false;
  };

  MultiDriver() = default;
  static int OnSocket(CURL* easy, curl_socket_t fd, int what, void* userp,
                      void* socketp);
  static int OnTimer(CURLM* multi, long timeout_ms, void* userp);
  void UpdateWatch(curl_socket_t fd, int what);
  void StartWatcher(curl_socket_t fd, Watch& w, bool write);
  void SetTimer(long timeout_ms);
  void SpawnTimer(runtime::Runtime* rt, std::chrono::milliseconds delay);
  void ReadInfo();
  // Lock held: marks that a helper is lost and wakes the waiters on other
  // runtimes, so one of them re-arms it.
  void MarkLost();
  // Lock held: re-arms lost helpers on the calling runtime (if any).
  void Rearm();
  // Takes the queued wakes and resumes them (lock NOT held).
  void ResumeQueued(std::unique_lock<std::mutex>& lock);

  std::mutex mu_;
  CURLM* multi_ = nullptr;
  DoneFn on_done_ = nullptr;
  bool closed_ = false;
  std::unordered_map<curl_socket_t, Watch> watches_;
  std::unordered_map<curl_socket_t, int> live_watchers_;
  std::unordered_map<curl_socket_t, bool> close_pending_;
  std::unordered_map<CURL*, Waiter*> handles_;
  bool lost_ = false;  // some watcher or the timer needs re-arming
  uint64_t timer_gen_ = 0;
  std::optional<std::stop_source> timer_stop_;
  bool timer_lost_ = false;
  std::chrono::steady_clock::time_point timer_deadline_;
  std::vector<Waiter> wakes_;
};

// The calling coroutine's resumption point.
Waiter CurrentWaiter(std::coroutine_handle<> h);

}  // namespace strata::http::internal
