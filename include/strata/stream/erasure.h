// Reed–Solomon erasure coding over GF(2^8) (ISA-L kernels), with the same
// systematic Vandermonde matrix as klauspost/reedsolomon (MinIO), so shards
// are interchangeable with theirs: rows r^c for r in 0..k+m-1, c in 0..k-1,
// multiplied by the inverse of the top k×k square (polynomial 0x11d).
//
// A codec for k data and m parity shards (k >= 1, m >= 1, k + m <= 256) works
// on equally sized shards: Encode computes parity from data, Verify checks
// parity, Reconstruct fills in missing shards from any k present ones.
//
// Thread-safety: a ReedSolomon is immutable after Create; all methods are
// const and safe for concurrent use (decode matrices are computed per call).
// Encode allocates nothing; Verify and Reconstruct allocate O(k·m) tables
// (Verify also a bounded scratch buffer).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "strata/core/result.h"

namespace strata::stream {

class ReedSolomon {
 public:
  // kInvalidArgument naming the bad count.
  static Result<std::unique_ptr<ReedSolomon>> Create(int data_shards,
                                                     int parity_shards);
  ~ReedSolomon();

  int data_shards() const { return k_; }
  int parity_shards() const { return m_; }
  int total_shards() const { return k_ + m_; }

  // The (k+m)×k encoding matrix, row-major (top k rows are the identity).
  const std::vector<uint8_t>& matrix() const { return matrix_; }

  // shards: k + m spans of the same size; the first k are read, the last m
  // written. kInvalidArgument on count/size mismatch.
  [[nodiscard]] Status Encode(
      std::span<const std::span<std::byte>> shards) const;

  // The same with read-only data: k data spans and m parity spans, all of
  // the same size.
  [[nodiscard]] Status Encode(
      std::span<const std::span<const std::byte>> data,
      std::span<const std::span<std::byte>> parity) const;

  // True when the parity shards match the data shards.
  Result<bool> Verify(std::span<const std::span<const std::byte>> shards) const;

  // Rebuilds the shards whose `present[i]` is false, in place; they must be
  // allocated with the size of the present ones. With `data_only`, parity
  // shards are left alone and an absent parity shard may be an empty span.
  // kDataLoss when fewer than k shards are present; kInvalidArgument on
  // count/size mismatch.
  [[nodiscard]] Status Reconstruct(std::span<const std::span<std::byte>> shards,
                                   std::span<const bool> present,
                                   bool data_only = false) const;

 private:
  ReedSolomon(int k, int m, std::vector<uint8_t> matrix,
              std::vector<uint8_t> parity_tables);
  // Rows (×k) of the coefficients rebuilding `outputs` from `survivors`.
  bool DecodeRows(std::span<const int> survivors, std::span<const int> outputs,
                  std::vector<uint8_t>* rows) const;

  int k_;
  int m_;
  std::vector<uint8_t> matrix_;         // (k+m) x k
  std::vector<uint8_t> parity_tables_;  // ec_init_tables of the parity rows
};

}  // namespace strata::stream
