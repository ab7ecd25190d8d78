#include "stream/gf256.h"

#include <isa-l/erasure_code.h>

#include <cstddef>

namespace strata::stream::gf {

uint8_t Mul(uint8_t a, uint8_t b) { return gf_mul(a, b); }

uint8_t Exp(uint8_t a, int n) {
  uint8_t out = 1;
  for (int i = 0; i < n; ++i) out = Mul(out, a);
  return out;
}

std::vector<uint8_t> Multiply(const uint8_t* a, const uint8_t* b, int rows,
                              int n, int cols) {
  std::vector<uint8_t> out(static_cast<size_t>(rows) * cols, 0);
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      uint8_t acc = 0;
      for (int i = 0; i < n; ++i) acc ^= Mul(a[r * n + i], b[i * cols + c]);
      out[static_cast<size_t>(r) * cols + c] = acc;
    }
  }
  return out;
}

bool Invert(std::vector<uint8_t> m, int n, std::vector<uint8_t>* out) {
  out->assign(static_cast<size_t>(n) * n, 0);
  return gf_invert_matrix(m.data(), out->data(), n) == 0;
}

std::vector<uint8_t> BuildEncodingMatrix(int k, int total) {
  std::vector<uint8_t> vandermonde(static_cast<size_t>(total) * k);
  for (int r = 0; r < total; ++r) {
    for (int c = 0; c < k; ++c) {
      vandermonde[static_cast<size_t>(r) * k + c] =
          Exp(static_cast<uint8_t>(r), c);
    }
  }
  std::vector<uint8_t> top(vandermonde.begin(), vandermonde.begin() + k * k);
  std::vector<uint8_t> top_inverse;
  // Rows 0..k-1 are distinct points, so the top square is invertible.
  if (!Invert(std::move(top), k, &top_inverse)) return {};
  return Multiply(vandermonde.data(), top_inverse.data(), total, k, k);
}

}  // namespace strata::stream::gf
