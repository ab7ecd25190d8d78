// RunUntilSignal: `strata server`'s body. SIGINT and SIGTERM may arrive on
// any thread of the process (the runtime's reactor threads already exist
// when this runs, with the signals unblocked), so the handler only writes a
// byte to a self-pipe; this thread sleeps reading that pipe and then shuts
// the server down from ordinary code.

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include "server/server.h"

namespace strata::server {
namespace {

// The write end of the self-pipe, written by the handler (async-signal-safe).
volatile sig_atomic_t g_wake_fd = -1;

void OnSignal(int signo) {
  int saved = errno;
  unsigned char byte = static_cast<unsigned char>(signo);
  if (g_wake_fd >= 0) {
    ssize_t ignored = ::write(g_wake_fd, &byte, 1);
    (void)ignored;
  }
  errno = saved;
}

// Installs the handlers for the lifetime of this object and restores the
// previous dispositions afterwards.
class SignalPipe {
 public:
  SignalPipe() = default;
  ~SignalPipe() {
    ::sigaction(SIGINT, &old_int_, nullptr);
    ::sigaction(SIGTERM, &old_term_, nullptr);
    g_wake_fd = -1;
    if (fds_[0] >= 0) ::close(fds_[0]);
    if (fds_[1] >= 0) ::close(fds_[1]);
  }

  Status Install() {
    if (::pipe2(fds_, O_CLOEXEC | O_NONBLOCK) != 0) {
      return ErrnoToStatus(errno, "strata server: signal pipe");
    }
    // The reader blocks; only the handler's end must never block.
    ::fcntl(fds_[0], F_SETFL, 0);
    g_wake_fd = fds_[1];
    struct sigaction action {};
    action.sa_handler = OnSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    ::sigaction(SIGINT, &action, &old_int_);
    ::sigaction(SIGTERM, &action, &old_term_);
    return Status::OK();
  }

  // Blocks until a signal arrives; returns its number.
  int Wait() {
    unsigned char byte = 0;
    for (;;) {
      ssize_t n = ::read(fds_[0], &byte, 1);
      if (n == 1) return byte;
      if (n < 0 && errno == EINTR) continue;
      return 0;
    }
  }

 private:
  int fds_[2] = {-1, -1};
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

std::string AbsoluteDir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::path path = std::filesystem::absolute(dir, ec);
  return ec ? dir : path.lexically_normal().string();
}

}  // namespace

Status RunUntilSignal(ServerOptions options, runtime::Runtime& runtime) {
  SignalPipe signals;
  STRATA_RETURN_IF_ERROR(signals.Install());
  std::string data_dir = AbsoluteDir(options.data_dir);
  STRATA_ASSIGN_OR_RETURN(std::unique_ptr<Server> server,
                          Server::Start(std::move(options), runtime));
  std::string metrics =
      server->metrics_address().empty()
          ? "metrics off"
          : "metrics on http://" + server->metrics_address() + "/metrics";
  std::printf("strata server listening on %s; %s; data in %s\n",
              server->listen_address().c_str(), metrics.c_str(),
              data_dir.c_str());
  std::fflush(stdout);
  signals.Wait();
  server->Shutdown();
  return Status::OK();
}

}  // namespace strata::server
