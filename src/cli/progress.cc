// The transfer progress bar.

#include "cli/progress.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

namespace strata::cli {
namespace {

constexpr auto kRedrawInterval = std::chrono::milliseconds(100);
constexpr int kBarWidth = 30;

}  // namespace

std::string FormatBytes(double bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int unit = 0;
  while (bytes >= 1024 && unit < 4) {
    bytes /= 1024;
    ++unit;
  }
  if (unit == 0) return fmt::format("{:.0f} B", bytes);
  return fmt::format("{:.1f} {}", bytes, kUnits[unit]);
}

Progress::Progress(bool enabled) : enabled_(enabled), start_(Clock::now()) {}

void Progress::AddTotal(uint64_t bytes) {
  total_.fetch_add(bytes, std::memory_order_relaxed);
}

void Progress::Add(uint64_t bytes) {
  done_.fetch_add(bytes, std::memory_order_relaxed);
  if (!enabled_) return;
  Clock::time_point now = Clock::now();
  std::lock_guard lock(mu_);
  if (now - last_draw_ >= kRedrawInterval) Draw(now);
}

void Progress::Finish() {
  if (!enabled_) return;
  std::lock_guard lock(mu_);
  Draw(Clock::now());
  std::fputc('\n', stderr);
  std::fflush(stderr);
}

void Progress::Draw(Clock::time_point now) {
  last_draw_ = now;
  double seconds = std::chrono::duration<double>(now - start_).count();
  std::string line =
      Render(done(), total_.load(std::memory_order_relaxed), seconds);
  std::fprintf(stderr, "\r%s\x1b[K", line.c_str());
  std::fflush(stderr);
}

std::string Progress::Render(uint64_t done, uint64_t total, double seconds) {
  double fraction =
      total == 0 ? 1.0 : std::min(1.0, static_cast<double>(done) / total);
  int filled = static_cast<int>(fraction * kBarWidth);
  std::string bar(static_cast<size_t>(filled), '=');
  if (filled < kBarWidth) bar += '>';
  bar.resize(kBarWidth, ' ');
  double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
  return fmt::format("[{}] {:3.0f}%  {} / {}  {}/s", bar, fraction * 100,
                     FormatBytes(static_cast<double>(done)),
                     FormatBytes(static_cast<double>(total)),
                     FormatBytes(rate));
}

}  // namespace strata::cli
