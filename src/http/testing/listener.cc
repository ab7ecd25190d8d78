// Listener: thread-per-connection accept loop for test servers.

#include "http/testing/listener.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "http/testing/wire.h"

namespace strata::http::testing {

bool Listener::Start(ConnFn fn) {
  fn_ = std::move(fn);
  listen_fd_ = wire::ListenLoopback(&port_);
  if (listen_fd_ < 0) return false;
  accept_thread_ = std::thread([this] { AcceptLoop(); });
  return true;
}

void Listener::AcceptLoop() {
  for (;;) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;  // shut down
    }
    std::lock_guard lock(mu_);
    if (stopping_) {
      ::close(fd);
      return;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    accepted_.fetch_add(1);
    fds_.insert(fd);
    ++open_;
    if (open_ > max_open_.load()) max_open_.store(open_);
    threads_.emplace_back([this, fd] { Serve(fd); });
  }
}

void Listener::Serve(int fd) {
  bool reset = fn_(fd);
  {
    std::lock_guard lock(mu_);
    fds_.erase(fd);
    --open_;
  }
  if (reset) {
    wire::ResetAndClose(fd);
  } else {
    ::close(fd);
  }
}

void Listener::Stop() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mu_);
    if (stopping_.exchange(true)) return;
    if (listen_fd_ >= 0) ::shutdown(listen_fd_, SHUT_RDWR);
    for (int fd : fds_) ::shutdown(fd, SHUT_RDWR);
  }
  cv_.notify_all();
  if (accept_thread_.joinable()) accept_thread_.join();
  {
    std::lock_guard lock(mu_);
    threads.swap(threads_);
  }
  for (auto& t : threads) t.join();
  if (listen_fd_ >= 0) ::close(listen_fd_);
  listen_fd_ = -1;
}

bool Listener::SleepFor(std::chrono::milliseconds d) {
  std::unique_lock lock(mu_);
  return !cv_.wait_for(lock, d, [this] { return stopping_.load(); });
}

void Listener::Track(int fd) {
  std::lock_guard lock(mu_);
  fds_.insert(fd);
  if (stopping_) ::shutdown(fd, SHUT_RDWR);
}

void Listener::Untrack(int fd) {
  std::lock_guard lock(mu_);
  fds_.erase(fd);
}

}  // namespace strata::http::testing
