// CRC32 (IEEE) through ISA-L, CRC combination (zlib's GF(2) matrix method,
// generalised to any width) and the S3 multipart checksum helpers.
#include "strata/stream/crc.h"

#include <isa-l/crc.h>

#include <array>
#include <string>

namespace strata::stream {
namespace {

constexpr uint32_t kCrc32PolyReflected = 0xedb88320u;
constexpr uint32_t kCrc32cPolyReflected = 0x82f63b78u;
constexpr uint64_t kCrc64NvmePolyReflected = 0x9a6c9329ac4bc9b5ull;

// An operator on W-bit CRC registers: a W x W matrix over GF(2), one column
// per bit.
template <typename T>
using Gf2Matrix = std::array<T, sizeof(T) * 8>;

template <typename T>
T Gf2Times(const Gf2Matrix<T>& mat, T vec) {
  T sum = 0;
  for (size_t i = 0; vec != 0; ++i, vec >>= 1) {
    if (vec & 1) sum ^= mat[i];
  }
  return sum;
}

template <typename T>
void Gf2Square(Gf2Matrix<T>& square, const Gf2Matrix<T>& mat) {
  for (size_t n = 0; n < mat.size(); ++n) square[n] = Gf2Times(mat, mat[n]);
}

// crc(A ++ B) = crc(A) * x^(8|B|) + crc(B) for CRCs whose init equals their
// xorout (all of ours): applies the "shift by one zero byte" operator |B|
// times by repeated squaring.
template <typename T>
T CombineImpl(T crc_a, T crc_b, uint64_t len_b, T poly) {
  if (len_b == 0) return crc_a ^ crc_b;  // crc_b is 0 for a real empty B
  Gf2Matrix<T> odd;
  Gf2Matrix<T> even;
  odd[0] = poly;  // operator for one zero bit
  T row = 1;
  for (size_t n = 1; n < odd.size(); ++n, row <<= 1) odd[n] = row;
  Gf2Square(even, odd);  // two zero bits
  Gf2Square(odd, even);  // four zero bits
  while (true) {
    Gf2Square(even, odd);  // first pass: one zero byte
    if (len_b & 1) crc_a = Gf2Times(even, crc_a);
    len_b >>= 1;
    if (len_b == 0) break;
    Gf2Square(odd, even);
    if (len_b & 1) crc_a = Gf2Times(odd, crc_a);
    len_b >>= 1;
    if (len_b == 0) break;
  }
  return crc_a ^ crc_b;
}

uint64_t FromBigEndian(std::span<const std::byte> digest) {
  uint64_t v = 0;
  for (std::byte b : digest) v = v << 8 | static_cast<uint64_t>(b);
  return v;
}

Digest ToBigEndian(uint64_t v, size_t size) {
  Digest out(size);
  for (size_t i = 0; i < size; ++i) {
    out[size - 1 - i] = static_cast<std::byte>(v >> (8 * i));
  }
  return out;
}

uint64_t CombineAny(HashAlgorithm algorithm, uint64_t a, uint64_t b,
                    uint64_t len_b) {
  switch (algorithm) {
    case HashAlgorithm::kCrc32:
      return Crc32Combine(static_cast<uint32_t>(a), static_cast<uint32_t>(b),
                          len_b);
    case HashAlgorithm::kCrc32c:
      return Crc32cCombine(static_cast<uint32_t>(a), static_cast<uint32_t>(b),
                           len_b);
    default:
      return Crc64NvmeCombine(a, b, len_b);
  }
}

Status CheckPartDigests(HashAlgorithm algorithm,
                        std::span<const PartChecksum> parts) {
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].digest.size() != DigestSize(algorithm)) {
      std::string message = "part ";
      message += std::to_string(i + 1);
      message += ": a ";
      message += HashName(algorithm);
      message += " digest has ";
      message += std::to_string(DigestSize(algorithm));
      message += " bytes, got ";
      message += std::to_string(parts[i].digest.size());
      return InvalidArgumentError(std::move(message));
    }
  }
  return Status::OK();
}

}  // namespace

uint32_t Crc32(std::span<const std::byte> data, uint32_t prev) {
  // crc32_gzip_refl inverts on entry and exit itself, so it chains finalised
  // values directly.
  return crc32_gzip_refl(
      prev, reinterpret_cast<const unsigned char*>(data.data()), data.size());
}

uint32_t Crc32Combine(uint32_t crc_a, uint32_t crc_b, uint64_t len_b) {
  return CombineImpl(crc_a, crc_b, len_b, kCrc32PolyReflected);
}

uint32_t Crc32cCombine(uint32_t crc_a, uint32_t crc_b, uint64_t len_b) {
  return CombineImpl(crc_a, crc_b, len_b, kCrc32cPolyReflected);
}

uint64_t Crc64NvmeCombine(uint64_t crc_a, uint64_t crc_b, uint64_t len_b) {
  return CombineImpl(crc_a, crc_b, len_b, kCrc64NvmePolyReflected);
}

Result<Digest> CombineCrcs(HashAlgorithm algorithm,
                           std::span<const PartChecksum> parts) {
  if (algorithm != HashAlgorithm::kCrc32 &&
      algorithm != HashAlgorithm::kCrc32c &&
      algorithm != HashAlgorithm::kCrc64Nvme) {
    std::string message = "cannot combine ";
    message += HashName(algorithm);
    message += " digests: only crc32, crc32c and crc64nvme combine";
    return InvalidArgumentError(std::move(message));
  }
  STRATA_RETURN_IF_ERROR(CheckPartDigests(algorithm, parts));
  uint64_t crc = 0;  // the CRC of the empty string
  for (const PartChecksum& part : parts) {
    crc = CombineAny(algorithm, crc, FromBigEndian(part.digest), part.length);
  }
  return ToBigEndian(crc, DigestSize(algorithm));
}

Result<std::string> CompositeChecksum(HashAlgorithm algorithm,
                                      std::span<const PartChecksum> parts) {
  if (parts.empty()) {
    return InvalidArgumentError("composite checksum of zero parts");
  }
  STRATA_RETURN_IF_ERROR(CheckPartDigests(algorithm, parts));
  STRATA_ASSIGN_OR_RETURN(std::unique_ptr<Hasher> hasher, NewHasher(algorithm));
  for (const PartChecksum& part : parts) hasher->Update(part.digest);
  std::string out = ToBase64(hasher->Finish());
  out += '-';
  out += std::to_string(parts.size());
  return out;
}

}  // namespace strata::stream
