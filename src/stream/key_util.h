// Internal key helpers of the encryption layer: HKDF-SHA256 and SHA-256 on
// OpenSSL 3, the primitives behind EncryptionKey (encrypt.h) and the
// envelope header (envelope.h). Exposed here so tests can check them against
// RFC 5869 and the `openssl` command line.
//
// Thread-safety: pure functions, safe for concurrent use.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <string_view>

#include "strata/core/status.h"

namespace strata::stream {

// HKDF-SHA256 (RFC 5869, extract then expand) of `ikm` with `salt` and
// `info` into `out` (1..8160 bytes). kInternal if OpenSSL fails,
// kInvalidArgument for a bad output length.
Status HkdfSha256(std::span<const std::byte> ikm,
                  std::span<const std::byte> salt,
                  std::span<const std::byte> info, std::span<std::byte> out);

// SHA-256 of the concatenation of `a` and `b`.
std::array<std::byte, 32> Sha256(std::span<const std::byte> a,
                                 std::span<const std::byte> b);

// The bytes of a string, as a span.
inline std::span<const std::byte> StringBytes(std::string_view s) {
  return std::as_bytes(std::span<const char>(s.data(), s.size()));
}

// Aborts the process with `what` when an OpenSSL call that cannot fail in a
// sane process (RNG, HKDF with valid inputs) does fail: continuing would risk
// a weak or all-zero key.
[[noreturn]] void CryptoFatal(const char* what);

}  // namespace strata::stream
