// GF(2^8) matrix helpers for Reed–Solomon (polynomial 0x11d, ISA-L's field):
// klauspost/reedsolomon's systematic Vandermonde matrix, products and
// inverses of small row-major matrices.
//
// Thread-safety: pure functions, safe for concurrent use.
#pragma once

#include <cstdint>
#include <vector>

namespace strata::stream::gf {

// a * b in GF(2^8) (ISA-L gf_mul).
uint8_t Mul(uint8_t a, uint8_t b);

// a^n with 0^0 == 1 (klauspost galExp).
uint8_t Exp(uint8_t a, int n);

// The (total × k) matrix klauspost's buildMatrix makes: V × V_top^-1 where
// V[r][c] = r^c. Requires 1 <= k < total <= 256 (else empty).
std::vector<uint8_t> BuildEncodingMatrix(int k, int total);

// (rows × n) × (n × cols), row-major.
std::vector<uint8_t> Multiply(const uint8_t* a, const uint8_t* b, int rows,
                              int n, int cols);

// Inverse of the n × n matrix `m` into `out`; false when singular.
bool Invert(std::vector<uint8_t> m, int n, std::vector<uint8_t>* out);

}  // namespace strata::stream::gf
