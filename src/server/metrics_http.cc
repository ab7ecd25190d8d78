// MetricsHttpServer: accept loop over poll(listening socket, self-pipe).
// Each connection is served with non-blocking I/O that also polls the
// self-pipe and runs against a deadline, so no client can hold the thread
// (or Shutdown) for long.

#include "server/metrics_http.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>

#include "strata/core/log.h"

namespace strata::server {
namespace {

constexpr size_t kMaxRequestBytes = 16 * 1024;

void CloseFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

using Clock = std::chrono::steady_clock;

// Time a client gets to send its request head, and to take the response.
constexpr std::chrono::seconds kReadDeadline{2};
constexpr std::chrono::seconds kWriteDeadline{5};

// Waits until `fd` is ready for `events`. False when the wake pipe became
// readable (Shutdown), `deadline` passed, or poll failed.
bool WaitReady(int fd, short events, int wake_fd, Clock::time_point deadline) {
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - Clock::now())
                    .count();
    if (left <= 0) return false;
    pollfd fds[2] = {{fd, events, 0}, {wake_fd, POLLIN, 0}};
    int n = ::poll(fds, 2, static_cast<int>(left));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || fds[1].revents != 0) return false;
    if (fds[0].revents != 0) return true;  // errors show in recv/send
  }
}

// Writes all of `data` to the non-blocking `fd`, giving up on the first
// error (the peer is gone), at Shutdown or after kWriteDeadline.
void WriteAll(int fd, int wake_fd, const std::string& data) {
  Clock::time_point deadline = Clock::now() + kWriteDeadline;
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n =
        ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!WaitReady(fd, POLLOUT, wake_fd, deadline)) return;
      continue;
    }
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

bool HeadComplete(const std::string& head) {
  return head.find("\r\n\r\n") != std::string::npos ||
         head.find("\n\n") != std::string::npos ||
         head.size() >= kMaxRequestBytes;
}

// Reads the request head from the non-blocking `fd` (what arrived before
// the peer closed, if it did). Empty when kReadDeadline passes first (the
// whole head, however it trickles in), at Shutdown, or on error.
std::string ReadRequestHead(int fd, int wake_fd) {
  Clock::time_point deadline = Clock::now() + kReadDeadline;
  std::string head;
  char buf[2048];
  while (!HeadComplete(head)) {
    ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!WaitReady(fd, POLLIN, wake_fd, deadline)) return "";
      continue;
    }
    if (n < 0) return "";
    if (n == 0) break;
    head.append(buf, static_cast<size_t>(n));
  }
  return head;
}

std::string Response(std::string_view status, std::string_view type,
                     const std::string& body) {
  std::string out = "HTTP/1.1 ";
  out += status;
  out += "\r\nContent-Type: ";
  out += type;
  out += "\r\nContent-Length: " + std::to_string(body.size());
  out += "\r\nConnection: close\r\n\r\n";
  out += body;
  return out;
}

std::string Answer(const std::string& head, metrics::Registry& registry) {
  size_t line_end = head.find_first_of("\r\n");
  std::string line = head.substr(0, line_end);
  size_t sp1 = line.find(' ');
  size_t sp2 = sp1 == std::string::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string::npos) {
    return Response("400 Bad Request", "text/plain", "bad request\n");
  }
  std::string method = line.substr(0, sp1);
  std::string target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string path = target.substr(0, target.find('?'));
  if (path != "/metrics") {
    return Response("404 Not Found", "text/plain", "not found\n");
  }
  if (method != "GET" && method != "HEAD") {
    return Response("405 Method Not Allowed", "text/plain",
                    "method not allowed\n");
  }
  std::string body = registry.RenderPrometheus();
  std::string out =
      Response("200 OK", "text/plain; version=0.0.4; charset=utf-8", body);
  if (method == "HEAD") out.resize(out.size() - body.size());
  return out;
}

std::string FormatAddress(const sockaddr_storage& addr) {
  char host[INET6_ADDRSTRLEN] = {0};
  std::string out;
  int port = 0;
  if (addr.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&addr);
    ::inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
    out.append("[").append(host).append("]");
    port = ntohs(in6->sin6_port);
  } else {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&addr);
    ::inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
    out.append(host);
    port = ntohs(in->sin_port);
  }
  out.append(":").append(std::to_string(port));
  return out;
}

// A listening socket bound to `listen`, with its bound address.
Result<int> Listen(const std::string& listen, std::string* bound) {
  std::string host, port;
  STRATA_RETURN_IF_ERROR(SplitHostPort(listen, &host, &port));
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* result = nullptr;
  int rc = ::getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(),
                         &hints, &result);
  if (rc != 0) {
    return InvalidArgumentError("cannot listen on " + listen + ": " +
                                ::gai_strerror(rc));
  }
  int fd = ::socket(result->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  if (fd >= 0) ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (fd < 0 || ::bind(fd, result->ai_addr, result->ai_addrlen) != 0 ||
      ::listen(fd, 64) != 0) {
    int err = errno;
    ::freeaddrinfo(result);
    if (fd >= 0) ::close(fd);
    return UnavailableError("cannot listen on " + listen + ": " +
                            std::strerror(err));
  }
  ::freeaddrinfo(result);
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  *bound = FormatAddress(addr);
  return fd;
}

class MetricsHttpServerImpl final : public MetricsHttpServer {
 public:
  MetricsHttpServerImpl(int listen_fd, int wake_read, int wake_write,
                        std::string address, metrics::Registry& registry)
      : listen_fd_(listen_fd),
        wake_read_(wake_read),
        wake_write_(wake_write),
        address_(std::move(address)),
        registry_(registry) {
    thread_ = std::thread([this] { Loop(); });
  }
  ~MetricsHttpServerImpl() override { Shutdown(); }

  const std::string& address() const override { return address_; }

  void Shutdown() override {
    if (!thread_.joinable()) return;
    char byte = 1;
    while (::write(wake_write_, &byte, 1) < 0 && errno == EINTR) {
    }
    thread_.join();
    CloseFd(listen_fd_);
    CloseFd(wake_read_);
    CloseFd(wake_write_);
  }

 private:
  void Loop() {
    for (;;) {
      pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_read_, POLLIN, 0}};
      int n = ::poll(fds, 2, -1);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 || (fds[1].revents & POLLIN) != 0) return;
      if ((fds[0].revents & POLLIN) != 0) Serve();
    }
  }

  void Serve() {
    int fd =
        ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) return;
    std::string head = ReadRequestHead(fd, wake_read_);
    if (!head.empty()) WriteAll(fd, wake_read_, Answer(head, registry_));
    ::shutdown(fd, SHUT_WR);
    ::close(fd);
  }

  int listen_fd_;
  int wake_read_;
  int wake_write_;
  std::string address_;
  metrics::Registry& registry_;
  std::thread thread_;
};

}  // namespace

Status SplitHostPort(const std::string& address, std::string* host,
                     std::string* port) {
  size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon + 1 == address.size()) {
    return InvalidArgumentError("address " + address +
                                " needs a port (HOST:PORT)");
  }
  *host = address.substr(0, colon);
  *port = address.substr(colon + 1);
  if (host->size() >= 2 && host->front() == '[' && host->back() == ']') {
    *host = host->substr(1, host->size() - 2);
  }
  return Status::OK();
}

Result<std::unique_ptr<MetricsHttpServer>> MetricsHttpServer::Start(
    const std::string& listen, metrics::Registry& registry) {
  std::string bound;
  STRATA_ASSIGN_OR_RETURN(int fd, Listen(listen, &bound));
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    int err = errno;
    ::close(fd);
    return ErrnoToStatus(err, "metrics server on " + listen + ": pipe");
  }
  return std::unique_ptr<MetricsHttpServer>(new MetricsHttpServerImpl(
      fd, pipe_fds[0], pipe_fds[1], std::move(bound), registry));
}

}  // namespace strata::server
