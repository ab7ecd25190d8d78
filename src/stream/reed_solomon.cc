#include <isa-l/erasure_code.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <string>
#include <utility>

#include "strata/stream/erasure.h"
#include "stream/gf256.h"

namespace strata::stream {
namespace {

constexpr int kMaxShards = 256;
// ec_encode_data takes an int length; longer shards go in pieces.
constexpr size_t kMaxPiece = size_t{1} << 30;
// Verify recomputes parity in pieces of this size (bounded scratch).
constexpr size_t kVerifyPiece = size_t{64} << 10;

using PtrArray = std::array<unsigned char*, kMaxShards>;

unsigned char* Ptr(std::span<const std::byte> s) {
  return reinterpret_cast<unsigned char*>(const_cast<std::byte*>(s.data()));
}

// out[j] = sum_i tables(j, i) * in[i] for `size` bytes, in int-sized pieces.
void RunEncode(size_t size, int k, int rows, const std::vector<uint8_t>& tables,
               unsigned char** in, unsigned char** out) {
  auto* gftbls = const_cast<unsigned char*>(tables.data());
  if (size <= kMaxPiece) {
    ec_encode_data(static_cast<int>(size), k, rows, gftbls, in, out);
    return;
  }
  PtrArray in_at;
  PtrArray out_at;
  for (size_t done = 0; done < size; done += kMaxPiece) {
    const size_t len = std::min(kMaxPiece, size - done);
    for (int i = 0; i < k; ++i) in_at[i] = in[i] + done;
    for (int j = 0; j < rows; ++j) out_at[j] = out[j] + done;
    ec_encode_data(static_cast<int>(len), k, rows, gftbls, in_at.data(),
                   out_at.data());
  }
}

std::string ShapeName(int k, int m) {
  std::string out = "reed-solomon ";
  out += std::to_string(k);
  out += '+';
  out += std::to_string(m);
  return out;
}

}  // namespace

ReedSolomon::ReedSolomon(int k, int m, std::vector<uint8_t> matrix,
                         std::vector<uint8_t> parity_tables)
    : k_(k),
      m_(m),
      matrix_(std::move(matrix)),
      parity_tables_(std::move(parity_tables)) {}

ReedSolomon::~ReedSolomon() = default;

Result<std::unique_ptr<ReedSolomon>> ReedSolomon::Create(int data_shards,
                                                         int parity_shards) {
  const int k = data_shards;
  const int m = parity_shards;
  if (k < 1 || m < 1 || k > kMaxShards - m) {
    return InvalidArgumentError(
        ShapeName(k, m) +
        ": need data_shards >= 1, parity_shards >= 1, total <= 256");
  }
  std::vector<uint8_t> matrix = gf::BuildEncodingMatrix(k, k + m);
  if (matrix.empty()) return InternalError(ShapeName(k, m) + ": singular");
  std::vector<uint8_t> tables(size_t{32} * k * m);
  ec_init_tables(k, m, matrix.data() + k * k, tables.data());
  return std::unique_ptr<ReedSolomon>(
      new ReedSolomon(k, m, std::move(matrix), std::move(tables)));
}

Status ReedSolomon::Encode(std::span<const std::span<std::byte>> shards) const {
  if (shards.size() != static_cast<size_t>(k_ + m_)) {
    return InvalidArgumentError(ShapeName(k_, m_) +
                                " encode: wrong shard count");
  }
  std::array<std::span<const std::byte>, kMaxShards> data;
  for (int i = 0; i < k_; ++i) data[i] = shards[i];
  return Encode(std::span(data.data(), k_), shards.subspan(k_));
}

Status ReedSolomon::Encode(std::span<const std::span<const std::byte>> data,
                           std::span<const std::span<std::byte>> parity) const {
  if (data.size() != static_cast<size_t>(k_) ||
      parity.size() != static_cast<size_t>(m_)) {
    return InvalidArgumentError(ShapeName(k_, m_) +
                                " encode: wrong shard count");
  }
  const size_t size = data[0].size();
  PtrArray in;
  PtrArray out;
  for (int i = 0; i < k_; ++i) {
    if (data[i].size() != size) {
      return InvalidArgumentError(ShapeName(k_, m_) +
                                  " encode: shards differ in size");
    }
    in[i] = Ptr(data[i]);
  }
  for (int j = 0; j < m_; ++j) {
    if (parity[j].size() != size) {
      return InvalidArgumentError(ShapeName(k_, m_) +
                                  " encode: shards differ in size");
    }
    out[j] = Ptr(parity[j]);
  }
  if (size > 0) RunEncode(size, k_, m_, parity_tables_, in.data(), out.data());
  return Status::OK();
}

Result<bool> ReedSolomon::Verify(
    std::span<const std::span<const std::byte>> shards) const {
  if (shards.size() != static_cast<size_t>(k_ + m_)) {
    return InvalidArgumentError(ShapeName(k_, m_) +
                                " verify: wrong shard count");
  }
  const size_t size = shards[0].size();
  for (auto s : shards) {
    if (s.size() != size) {
      return InvalidArgumentError(ShapeName(k_, m_) +
                                  " verify: shards differ in size");
    }
  }
  const size_t piece = std::min(size, kVerifyPiece);
  std::vector<unsigned char> scratch(piece * m_);
  PtrArray in;
  PtrArray out;
  for (int j = 0; j < m_; ++j) out[j] = scratch.data() + j * piece;
  for (size_t done = 0; done < size; done += piece) {
    const size_t len = std::min(piece, size - done);
    for (int i = 0; i < k_; ++i) in[i] = Ptr(shards[i]) + done;
    RunEncode(len, k_, m_, parity_tables_, in.data(), out.data());
    for (int j = 0; j < m_; ++j) {
      if (std::memcmp(out[j], Ptr(shards[k_ + j]) + done, len) != 0) {
        return false;
      }
    }
  }
  return true;
}

bool ReedSolomon::DecodeRows(std::span<const int> survivors,
                             std::span<const int> outputs,
                             std::vector<uint8_t>* rows) const {
  std::vector<uint8_t> sub(static_cast<size_t>(k_) * k_);
  for (int r = 0; r < k_; ++r) {
    std::memcpy(sub.data() + r * k_, matrix_.data() + survivors[r] * k_, k_);
  }
  std::vector<uint8_t> inverse;
  if (!gf::Invert(std::move(sub), k_, &inverse)) return false;
  rows->clear();
  for (int o : outputs) {
    if (o < k_) {
      rows->insert(rows->end(), inverse.begin() + o * k_,
                   inverse.begin() + (o + 1) * k_);
    } else {
      std::vector<uint8_t> row =
          gf::Multiply(matrix_.data() + o * k_, inverse.data(), 1, k_, k_);
      rows->insert(rows->end(), row.begin(), row.end());
    }
  }
  return true;
}

Status ReedSolomon::Reconstruct(std::span<const std::span<std::byte>> shards,
                                std::span<const bool> present,
                                bool data_only) const {
  const size_t n = static_cast<size_t>(k_ + m_);
  if (shards.size() != n || present.size() != n) {
    return InvalidArgumentError(ShapeName(k_, m_) +
                                " reconstruct: wrong shard count");
  }
  std::vector<int> survivors;
  std::vector<int> outputs;
  int present_count = 0;
  for (size_t i = 0; i < n; ++i) {
    if (present[i]) {
      ++present_count;
      if (survivors.size() < static_cast<size_t>(k_)) survivors.push_back(i);
    } else if (static_cast<int>(i) < k_ || !data_only) {
      outputs.push_back(i);
    }
  }
  if (present_count < k_) {
    return DataLossError(ShapeName(k_, m_) + " reconstruct: only " +
                         std::to_string(present_count) +
                         " shards present, need " + std::to_string(k_));
  }
  const size_t size = shards[survivors[0]].size();
  for (size_t i = 0; i < n; ++i) {
    const bool used = present[i] || static_cast<int>(i) < k_ || !data_only;
    if (used && shards[i].size() != size) {
      return InvalidArgumentError(ShapeName(k_, m_) +
                                  " reconstruct: shards differ in size");
    }
  }
  if (outputs.empty() || size == 0) return Status::OK();
  std::vector<uint8_t> rows;
  if (!DecodeRows(survivors, outputs, &rows)) {
    return InternalError(ShapeName(k_, m_) + " reconstruct: singular matrix");
  }
  const int count = static_cast<int>(outputs.size());
  std::vector<uint8_t> tables(size_t{32} * k_ * count);
  ec_init_tables(k_, count, rows.data(), tables.data());
  PtrArray in;
  PtrArray out;
  for (int i = 0; i < k_; ++i) in[i] = Ptr(shards[survivors[i]]);
  for (int j = 0; j < count; ++j) out[j] = Ptr(shards[outputs[j]]);
  RunEncode(size, k_, count, tables, in.data(), out.data());
  return Status::OK();
}

}  // namespace strata::stream
