// Helpers for the `strata` CLI tests: run the built binary as a subprocess
// (STRATA_CLI_PATH) capturing stdout, stderr and the exit code, and a
// fixture owning a scratch directory.
//
// Thread-safety: none needed (tests are single-threaded).
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <string>
#include <vector>

extern char** environ;

namespace strata::cli::testing {

struct CliResult {
  int exit_code = -1;  // 128 + signal if the process was killed
  std::string out;
  std::string err;
};

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void WriteFile(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

inline std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng() & 0xff);
  return s;
}

// The environment with `overrides` ("KEY=value") replacing or adding keys;
// an override "!KEY" removes KEY.
inline std::vector<std::string> MakeEnv(
    const std::vector<std::string>& overrides) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry(*e);
    bool replaced = false;
    for (const std::string& o : overrides) {
      std::string key =
          o.starts_with('!') ? o.substr(1) + "=" : o.substr(0, o.find('=') + 1);
      replaced = replaced || entry.starts_with(key);
    }
    if (!replaced) env.push_back(entry);
  }
  for (const std::string& o : overrides) {
    if (!o.starts_with('!')) env.push_back(o);
  }
  return env;
}

inline std::vector<char*> CStrings(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (std::string& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Runs `argv[0]` (a path) with the given arguments; stdout/stderr go to
// temporary files that are read back.
inline CliResult RunProgram(std::vector<std::string> argv,
                            const std::vector<std::string>& env = {}) {
  std::string out_path = ::testing::TempDir() + "/strata_cli_out_XXXXXX";
  std::string err_path = ::testing::TempDir() + "/strata_cli_err_XXXXXX";
  int out_fd = ::mkstemp(out_path.data());
  int err_fd = ::mkstemp(err_path.data());
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_fd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_fd, STDERR_FILENO);
  std::vector<std::string> envs = MakeEnv(env);
  std::vector<char*> c_argv = CStrings(argv);
  std::vector<char*> c_env = CStrings(envs);
  pid_t pid = -1;
  CliResult result;
  if (posix_spawn(&pid, c_argv[0], &actions, nullptr, c_argv.data(),
                  c_env.data()) == 0) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    result.exit_code =
        WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  posix_spawn_file_actions_destroy(&actions);
  ::close(out_fd);
  ::close(err_fd);
  result.out = ReadFile(out_path);
  result.err = ReadFile(err_path);
  std::filesystem::remove(out_path);
  std::filesystem::remove(err_path);
  return result;
}

// Runs the strata binary with `args`.
inline CliResult RunCli(const std::vector<std::string>& args,
                        const std::vector<std::string>& env = {}) {
  std::vector<std::string> argv = {STRATA_CLI_PATH};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProgram(std::move(argv), env);
}

inline std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Expects a runtime failure: exit 1 and exactly one "strata: ..." line on
// stderr that contains `needle`.
inline void ExpectOneLineError(const CliResult& r, const std::string& needle) {
  EXPECT_EQ(r.exit_code, 1) << r.err;
  std::vector<std::string> lines = Lines(r.err);
  ASSERT_EQ(lines.size(), 1u) << r.err;
  EXPECT_TRUE(lines[0].starts_with("strata: ")) << lines[0];
  EXPECT_NE(lines[0].find(needle), std::string::npos)
      << "'" << needle << "' not in: " << lines[0];
}

// A fresh scratch directory per test, removed afterwards.
class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Normalised and absolute, as the tool prints paths in messages.
    std::string tmpl = (std::filesystem::absolute(::testing::TempDir()) /
                        "strata_cli_test_XXXXXX")
                           .lexically_normal()
                           .string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  std::string dir_;
};

}  // namespace strata::cli::testing
