// Constants of the encryption formats (docs/stream-formats.md §4): MinIO's
// DARE 2.0 packages and strata's envelope header in front of them.
//
// Thread-safety: constants only.
#pragma once

#include <cstddef>
#include <cstdint>

namespace strata::stream::dare {

// DARE 2.0 package: header ++ ciphertext ++ tag.
inline constexpr uint8_t kVersion20 = 0x20;
inline constexpr size_t kHeaderSize = 16;
inline constexpr size_t kTagSize = 16;
inline constexpr size_t kNonceSize = 12;
inline constexpr size_t kNonceOffset = 4;    // header[4..16) is the nonce
inline constexpr size_t kAadSize = 4;        // header[0..4) is the AAD
inline constexpr uint8_t kFinalFlag = 0x80;  // bit 7 of nonce[0]
inline constexpr size_t kMaxPayload = 64 * 1024;
inline constexpr size_t kOverhead = kHeaderSize + kTagSize;
inline constexpr size_t kMaxPackage = kMaxPayload + kOverhead;
// The sequence number is 32 bits: at most 2^32 packages per stream.
inline constexpr uint64_t kMaxPackages = uint64_t{1} << 32;

}  // namespace strata::stream::dare

namespace strata::stream::envelope {

inline constexpr char kMagic[8] = {'S', 'T', 'R', 'A', 'T', 'A', 'E', '1'};
inline constexpr uint8_t kVersion = 1;
inline constexpr uint8_t kFlagEmpty = 0x01;
inline constexpr size_t kMaxObjectIdLen = 1024;

// Field offsets of the fixed part.
inline constexpr size_t kMagicOffset = 0;
inline constexpr size_t kVersionOffset = 8;
inline constexpr size_t kCipherOffset = 9;
inline constexpr size_t kFlagsOffset = 10;
inline constexpr size_t kReservedOffset = 11;
inline constexpr size_t kIdLenOffset = 12;
inline constexpr size_t kKeyIdOffset = 14;
inline constexpr size_t kSealNonceOffset = 22;
inline constexpr size_t kSealedKeyOffset = 34;
inline constexpr size_t kSealedKeySize = 48;
inline constexpr size_t kFixedSize = 82;  // then object_id_len bytes
inline constexpr size_t kMaxSize = kFixedSize + kMaxObjectIdLen;

inline constexpr char kObjectKeySalt[] = "strata-object-key-v1";
inline constexpr char kKeyIdPrefix[] = "strata-key-id";

}  // namespace strata::stream::envelope
