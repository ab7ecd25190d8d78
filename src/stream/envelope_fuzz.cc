// libFuzzer target for the envelope header parser, through the public
// ResealEnvelopeHeader (parse + unseal + reseal) with fixed master keys.
//
// Byte 0 bit 0 clear: the rest of the input is a stored object prefix.
// Byte 0 bit 0 set ("script"): byte 1 is the object id length (the next
// bytes are the id), bit 1 picks ChaCha20-Poly1305; a genuine header of an
// empty object is made with the encrypt writer, then damaged by the rest of
// the input (pairs of u16 position, xor byte).
// Invariants (abort on violation):
// - on arbitrary bytes, Reseal fails only with kDataLoss or
//   kPermissionDenied, and a success (impossible without the key) must at
//   least give a header no longer than the input;
// - a genuine header reseals old -> new -> old with its length unchanged,
//   and is refused (kPermissionDenied) under the wrong master;
// - a damaged genuine header is always refused (kDataLoss or
//   kPermissionDenied): every header byte is authenticated.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "strata/fs/memory.h"
#include "strata/runtime/runtime.h"
#include "strata/stream/encrypt.h"
#include "stream/testing/fuzz_util.h"

namespace {

using strata::stream::fuzz::Fail;
using strata::stream::fuzz::Rt;
namespace fs = strata::fs;
namespace stream = strata::stream;
using strata::Result;
using strata::Status;
using strata::StatusCode;
using strata::Task;
using Bytes = std::vector<std::byte>;

stream::EncryptionKey FixedKey(uint8_t fill) {
  std::array<std::byte, 32> bytes;
  bytes.fill(std::byte(fill));
  return stream::EncryptionKey::FromBytes(bytes).value();
}

const stream::EncryptionKey& OldKey() {
  static const stream::EncryptionKey key = FixedKey(3);
  return key;
}
const stream::EncryptionKey& NewKey() {
  static const stream::EncryptionKey key = FixedKey(4);
  return key;
}

bool Refused(const Status& s) {
  return s.code() == StatusCode::kDataLoss ||
         s.code() == StatusCode::kPermissionDenied;
}

// The stored bytes of an empty encrypted object: exactly its envelope.
Task<Result<Bytes>> EmptyObject(stream::EncryptOptions options) {
  auto fs = fs::MemoryFileSystem::Create();
  STRATA_CO_ASSIGN_OR_RETURN(
      auto inner, co_await fs->Open("/o", fs::OpenOptions::Overwrite()));
  STRATA_CO_ASSIGN_OR_RETURN(
      auto writer, stream::NewEncryptWriter(std::move(inner), options));
  STRATA_CO_RETURN_IF_ERROR(co_await writer->Close());
  STRATA_CO_ASSIGN_OR_RETURN(
      auto file, co_await fs->Open("/o", fs::OpenOptions::ReadOnly()));
  Bytes out(stream::kMaxEnvelopeHeaderSize + 1);
  STRATA_CO_ASSIGN_OR_RETURN(size_t n, co_await file->ReadAt(out, 0));
  out.resize(n);
  co_return out;
}

void CheckGenuine(const uint8_t* data, size_t size) {
  const size_t id_len = std::min<size_t>(size > 1 ? data[1] : 0, size - 2);
  stream::EncryptOptions options;
  options.master_key = OldKey();
  options.cipher = (data[0] & 2) ? stream::Cipher::kChaCha20Poly1305
                                 : stream::Cipher::kAes256Gcm;
  options.object_id.assign(reinterpret_cast<const char*>(data) + 2, id_len);
  const Bytes header = Rt().BlockOn(EmptyObject(options)).value();
  auto next = stream::ResealEnvelopeHeader(header, OldKey(), NewKey());
  if (!next.ok() || next->size() != header.size()) Fail("genuine reseal");
  auto back = stream::ResealEnvelopeHeader(*next, NewKey(), OldKey());
  if (!back.ok() || back->size() != header.size()) Fail("reseal back");
  auto wrong = stream::ResealEnvelopeHeader(header, NewKey(), OldKey());
  if (wrong.status().code() != StatusCode::kPermissionDenied) {
    Fail("wrong master accepted");
  }
  Bytes damaged = header;
  for (size_t i = 2 + id_len; i + 2 < size; i += 3) {
    const size_t at = (data[i] | data[i + 1] << 8) % damaged.size();
    damaged[at] ^= std::byte(data[i + 2]);
  }
  if (damaged == header) return;
  auto bad = stream::ResealEnvelopeHeader(damaged, OldKey(), NewKey());
  if (bad.ok() || !Refused(bad.status())) Fail("damaged header accepted");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 0 && (data[0] & 1)) {
    CheckGenuine(data, size);
    return 0;
  }
  const std::span<const std::byte> bytes(
      reinterpret_cast<const std::byte*>(data), size);
  auto resealed = stream::ResealEnvelopeHeader(bytes, OldKey(), NewKey());
  if (!resealed.ok()) {
    if (!Refused(resealed.status())) {
      Fail("reseal: " + resealed.status().ToString());
    }
  } else if (resealed->size() > size) {
    Fail("resealed header longer than the input");
  }
  return 0;
}
