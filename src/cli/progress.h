// Progress: a one-line transfer progress bar on stderr (bytes done / total,
// percent, rate), redrawn at most ten times a second.
//
// A disabled Progress only counts. Thread-safety: Add/AddTotal may be called
// from any thread concurrently; Finish from one.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace strata::cli {

class Progress {
 public:
  explicit Progress(bool enabled);

  // Announces `bytes` more to transfer (the total may grow while running).
  void AddTotal(uint64_t bytes);
  // Records `bytes` transferred and redraws when due.
  void Add(uint64_t bytes);
  // Draws the final state and ends the line (no-op when disabled).
  void Finish();

  uint64_t done() const { return done_.load(std::memory_order_relaxed); }

  // The bar's text for the given state (exposed for tests and reuse).
  static std::string Render(uint64_t done, uint64_t total, double seconds);

 private:
  using Clock = std::chrono::steady_clock;
  void Draw(Clock::time_point now);

  const bool enabled_;
  const Clock::time_point start_;
  std::atomic<uint64_t> done_{0};
  std::atomic<uint64_t> total_{0};
  std::mutex mu_;  // guards drawing and last_draw_
  Clock::time_point last_draw_{};
};

// "512 B", "1.5 KiB", "3.2 MiB", ... (powers of 1024).
std::string FormatBytes(double bytes);

}  // namespace strata::cli
