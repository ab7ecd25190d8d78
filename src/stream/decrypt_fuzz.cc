// libFuzzer target for the decrypting reader (encrypt.h).
//
// Byte 0 holds flags: bit 0 raw mode (else envelope mode), bit 1 cipher
// ChaCha20-Poly1305, bit 2 "script": the next 3 bytes give a plain size
// (< 4 packages) and the stream is encrypted for real, then damaged by the
// rest of the input (pairs of (u24 position, xor byte); a zero xor byte
// ends the list, then u8 op: 1 truncate at the next u24 position, 2 append
// a copy of package 0, 3 append the remaining input). Without bit 2 the
// rest of the input is the stored file as is. Keys are fixed.
// Invariants (abort on violation):
// - open fails only with kDataLoss or kPermissionDenied;
// - a read fails only with kDataLoss and, when it succeeds on a scripted
//   stream, returns exactly the plain bytes (never unauthenticated data);
// - a scripted stream keeps its size, except that a raw stream cut to zero
//   bytes is a valid empty stream;
// - an unscripted input never opens with a non-zero size (that would be a
//   forged AEAD tag).
#include <algorithm>
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

using strata::Result;
using strata::Status;
using strata::StatusCode;
using strata::Task;
using strata::stream::fuzz::Fail;
using strata::stream::fuzz::Rt;
using Bytes = std::vector<std::byte>;
namespace fs = strata::fs;
namespace stream = strata::stream;

stream::EncryptionKey FixedKey(uint8_t fill) {
  std::array<std::byte, 32> bytes;
  bytes.fill(std::byte(fill));
  return stream::EncryptionKey::FromBytes(bytes).value();
}

struct Input {
  const uint8_t* data;
  size_t size;
  size_t pos = 0;
  uint8_t U8() { return pos < size ? data[pos++] : 0; }
  uint32_t U24() { return U8() | U8() << 8 | uint32_t{U8()} << 16; }
  Bytes Rest() {
    Bytes out(size - std::min(pos, size));
    if (!out.empty()) std::memcpy(out.data(), data + pos, out.size());
    pos = size;
    return out;
  }
};

Task<Status> Encrypt(fs::FileSystem& fs, stream::EncryptOptions options,
                     const Bytes& plain) {
  STRATA_CO_ASSIGN_OR_RETURN(
      auto inner, co_await fs.Open("/e", fs::OpenOptions::Overwrite()));
  STRATA_CO_ASSIGN_OR_RETURN(
      auto writer, stream::NewEncryptWriter(std::move(inner), options));
  STRATA_CO_RETURN_IF_ERROR(co_await writer->Write(plain));
  co_return co_await writer->Close();
}

Task<Result<Bytes>> LoadOrStore(fs::FileSystem& fs, const Bytes* store) {
  if (store != nullptr) {
    STRATA_CO_ASSIGN_OR_RETURN(
        auto f, co_await fs.Open("/e", fs::OpenOptions::Overwrite()));
    STRATA_CO_RETURN_IF_ERROR(co_await f->Write(*store));
    STRATA_CO_RETURN_IF_ERROR(co_await f->Close());
    co_return *store;
  }
  STRATA_CO_ASSIGN_OR_RETURN(
      auto f, co_await fs.Open("/e", fs::OpenOptions::ReadOnly()));
  STRATA_CO_ASSIGN_OR_RETURN(uint64_t size, co_await f->Size());
  Bytes out(size);
  STRATA_CO_ASSIGN_OR_RETURN(size_t n, co_await f->ReadAt(out, 0));
  out.resize(n);
  co_return out;
}

void Damage(Input& in, Bytes& stored) {
  while (in.pos < in.size) {
    const uint32_t at = in.U24();
    const uint8_t x = in.U8();
    if (x == 0) break;
    if (!stored.empty()) stored[at % stored.size()] ^= std::byte(x);
  }
  const uint8_t op = in.U8();
  if (op == 1) {
    stored.resize(std::min<size_t>(stored.size(), in.U24()));
  } else if (op == 2 && !stored.empty()) {
    const Bytes copy(stored.begin(),
                     stored.begin() + std::min<size_t>(stored.size(), 65568));
    stored.insert(stored.end(), copy.begin(), copy.end());
  } else if (op == 3) {
    const Bytes rest = in.Rest();
    stored.insert(stored.end(), rest.begin(), rest.end());
  }
}

void CheckRead(Result<size_t> got, const Bytes& buf, const Bytes* plain,
               uint64_t offset, uint64_t size) {
  if (!got.ok()) {
    if (got.status().code() != StatusCode::kDataLoss) {
      Fail("read: " + got.status().ToString());
    }
    return;
  }
  const size_t want =
      offset >= size ? 0 : std::min<uint64_t>(buf.size(), size - offset);
  if (*got != want) Fail("read returned a wrong count");
  if (plain == nullptr || *got == 0) return;
  if (offset + *got > plain->size() ||
      (*got > 0 &&
       std::memcmp(buf.data(), plain->data() + offset, *got) != 0)) {
    Fail("read returned bytes that are not the plain data");
  }
}

Task<Status> ReadChecks(fs::FileSystem& fs, stream::DecryptOptions options,
                        const Bytes* plain, Input* in) {
  STRATA_CO_ASSIGN_OR_RETURN(
      auto inner, co_await fs.Open("/e", fs::OpenOptions::ReadOnly()));
  Result<std::unique_ptr<fs::File>> reader =
      co_await stream::OpenDecryptReader(std::move(inner), options);
  if (!reader.ok()) {
    const StatusCode code = reader.status().code();
    if (code != StatusCode::kDataLoss &&
        code != StatusCode::kPermissionDenied) {
      Fail("open: " + reader.status().ToString());
    }
    co_return Status::OK();
  }
  const uint64_t size = (co_await (*reader)->Size()).value();
  if (plain == nullptr && size > 0) Fail("forged stream opened");
  if (plain != nullptr && size == 0 && !options.raw_key.has_value() &&
      !plain->empty()) {
    Fail("envelope stream of data opened empty");
  }
  // A raw stream cut to zero bytes is a valid empty stream (DARE cannot
  // tell; docs/stream-formats.md §4.1), so reads then return nothing.
  if (plain != nullptr && size != plain->size() && size != 0) {
    Fail("size changed");
  }
  for (int i = 0; i < 4; ++i) {
    const uint64_t offset = in->U24() % (size + 2);
    Bytes buf(1 + in->U24() % 200000);
    Result<size_t> got = co_await (*reader)->ReadAt(buf, offset);
    CheckRead(got, buf, plain, offset, size);
  }
  co_return Status::OK();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in{data, size};
  const uint8_t flags = in.U8();
  const bool raw = flags & 1;
  auto fs = fs::MemoryFileSystem::Create();
  stream::DecryptOptions dopts;
  stream::EncryptOptions eopts;
  eopts.cipher = (flags & 2) ? stream::Cipher::kChaCha20Poly1305
                             : stream::Cipher::kAes256Gcm;
  if (raw) {
    dopts.raw_key = eopts.raw_key = FixedKey(1);
  } else {
    dopts.master_key = eopts.master_key = FixedKey(2);
    eopts.object_id = "fuzz/object";
  }
  Bytes plain;
  Bytes stored;
  const bool script = flags & 4;
  if (script) {
    plain.resize(in.U24() % (3 * 65536 + 100));
    for (size_t i = 0; i < plain.size(); ++i) plain[i] = std::byte(i * 7);
    if (!Rt().BlockOn(Encrypt(*fs, eopts, plain)).ok()) Fail("encrypt");
    stored = Rt().BlockOn(LoadOrStore(*fs, nullptr)).value();
    Damage(in, stored);
  } else {
    stored = in.Rest();
  }
  if (!Rt().BlockOn(LoadOrStore(*fs, &stored)).ok()) Fail("store");
  // Reads take their offsets from the input; unscripted inputs have none
  // left, so they read from 0.
  Status s =
      Rt().BlockOn(ReadChecks(*fs, dopts, script ? &plain : nullptr, &in));
  if (!s.ok()) Fail("memory fs: " + s.ToString());
  return 0;
}
