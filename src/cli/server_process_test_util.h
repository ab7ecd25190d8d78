// ServerProcess: a `strata server` subprocess for end-to-end tests of the
// `strata fs` client (unit tests in src/cli, integration tests in
// tests/integration).
//
// Start() spawns STRATA_CLI_PATH `server --data-dir DIR --listen
// 127.0.0.1:0 --metrics-listen 127.0.0.1:0`, reads its one stdout line
//   strata server listening on ADDR; metrics on http://MADDR/metrics; ...
// and keeps ADDR. Stop() sends SIGTERM and waits; Kill() sends SIGKILL
// (a crash); the destructor kills a server still running.
//
// Thread-safety: none (one test thread owns a ServerProcess).
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include "cli/cli_test_util.h"

namespace strata::cli::testing {

class ServerProcess {
 public:
  ServerProcess() = default;
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;
  ~ServerProcess() { Kill(); }

  // Starts a server on `data_dir` with `extra` arguments. Returns "" on
  // success, else what went wrong (with the server's stderr).
  std::string Start(const std::string& data_dir,
                    const std::vector<std::string>& extra = {}) {
    std::vector<std::string> argv = {
        STRATA_CLI_PATH, "server",      "--data-dir",       data_dir,
        "--listen",      "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    err_path_ = data_dir + ".server-stderr";
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return "pipe failed";
    int err_fd = ::open(err_path_.c_str(),
                        O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err_fd, STDERR_FILENO);
    std::vector<std::string> env = MakeEnv({});
    std::vector<char*> c_argv = CStrings(argv);
    std::vector<char*> c_env = CStrings(env);
    int rc = posix_spawn(&pid_, c_argv[0], &actions, nullptr, c_argv.data(),
                         c_env.data());
    posix_spawn_file_actions_destroy(&actions);
    ::close(pipe_fds[1]);
    ::close(err_fd);
    out_fd_ = pipe_fds[0];
    if (rc != 0) {
      pid_ = -1;
      return "posix_spawn failed";
    }
    std::string line = ReadLine(std::chrono::seconds(60));
    if (!ParseLine(line)) {
      Kill();
      return "server did not start (stdout: '" + line +
             "', stderr: " + ReadFile(err_path_) + ")";
    }
    return "";
  }

  // SIGTERM, then waits; returns the exit code (128 + signal if killed).
  int Stop() { return Signal(SIGTERM); }
  // SIGKILL, then waits (no-op when not running).
  void Kill() { (void)Signal(SIGKILL); }

  bool running() const { return pid_ > 0; }
  const std::string& address() const { return address_; }
  const std::string& metrics_address() const { return metrics_address_; }
  std::string stderr_text() const { return ReadFile(err_path_); }

 private:
  int Signal(int sig) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, sig);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    if (out_fd_ >= 0) ::close(out_fd_);
    out_fd_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  // The first stdout line, or what arrived before EOF or the timeout.
  std::string ReadLine(std::chrono::seconds timeout) {
    std::string line;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{out_fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      char c;
      ssize_t n = ::read(out_fd_, &c, 1);
      if (n <= 0 || c == '\n') break;
      line.push_back(c);
    }
    return line;
  }

  bool ParseLine(const std::string& line) {
    static constexpr std::string_view kListening =
        "strata server listening on ";
    static constexpr std::string_view kMetrics = "; metrics on http://";
    if (!line.starts_with(kListening)) return false;
    size_t end = line.find(';', kListening.size());
    if (end == std::string::npos) return false;
    address_ = line.substr(kListening.size(), end - kListening.size());
    size_t m = line.find(kMetrics);
    if (m != std::string::npos) {
      size_t start = m + kMetrics.size();
      metrics_address_ = line.substr(start, line.find('/', start) - start);
    }
    return !address_.empty();
  }

  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string err_path_;
  std::string address_;
  std::string metrics_address_;
};

}  // namespace strata::cli::testing
