// Listener: a blocking TCP accept loop on 127.0.0.1 that runs a function
// per connection on its own thread, for the test server and fault proxy.
// Stop() (also run by the destructor) stops accepting, shuts down every
// tracked socket so blocked threads wake up, and joins all threads.
//
// Thread-safety: all methods are safe from any thread; Stop() must not be
// called from a connection thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace strata::http::testing {

class Listener {
 public:
  // Called with a connected socket; returns true to close it with a reset
  // (SO_LINGER 0), false for an orderly close. The Listener closes it.
  using ConnFn = std::function<bool(int fd)>;

  Listener() = default;
  ~Listener() { Stop(); }
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // Binds an ephemeral port and starts accepting; false on failure.
  bool Start(ConnFn fn);
  void Stop();

  uint16_t port() const { return port_; }
  size_t accepted() const { return accepted_.load(); }
  size_t max_open() const { return max_open_.load(); }
  bool stopping() const { return stopping_.load(); }

  // Sleeps `d` or until Stop(); returns false if stopped.
  bool SleepFor(std::chrono::milliseconds d);
  // Tracks an extra socket (e.g. an upstream connection) so Stop() shuts it
  // down; Untrack before closing it.
  void Track(int fd);
  void Untrack(int fd);

 private:
  void AcceptLoop();
  void Serve(int fd);

  ConnFn fn_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::thread accept_thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<size_t> accepted_{0};
  std::atomic<size_t> max_open_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  std::set<int> fds_;
  size_t open_ = 0;
  std::vector<std::thread> threads_;
};

}  // namespace strata::http::testing
