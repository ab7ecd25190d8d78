// The encrypting writer (encrypt.h): DARE 2.0 packages, batched.
//
// Whole 64 KiB packages are sealed straight from the caller's span into a
// batch buffer of kBatchPackages packages, which goes to the inner file in
// one Write; only a partial package is copied into `pending_`. A package is
// sealed as "not final" as soon as it is full; the last sealed package stays
// in the batch buffer until another package follows it, so Close can turn it
// into the final package (open it, reseal it with the final flag) when no
// bytes came after it. The envelope header is written with the first batch,
// or at Close, when whether the stream is empty is known.
#include <openssl/crypto.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <utility>

#include "strata/stream/encrypt.h"
#include "stream/dare.h"
#include "stream/envelope.h"
#include "stream/layer_file.h"

namespace strata::stream {
namespace {

using dare::kMaxPackage;
using dare::kMaxPayload;
using dare::kOverhead;

constexpr size_t kBatchPackages = 16;  // ~1 MiB per inner write

Buffer AllocateBuffer(BufferPool* pool, size_t size) {
  return pool != nullptr ? pool->Acquire(size) : Buffer::Allocate(size);
}

class EncryptWriter final : public LayerFile {
 public:
  EncryptWriter(std::unique_ptr<fs::File> inner, dare::PackageCodec codec,
                EncryptionKey key, EncryptOptions options)
      : LayerFile("encrypt", Mode::kWrite, std::move(inner)),
        codec_(std::move(codec)),
        key_(std::move(key)),
        master_(std::move(options.master_key)),
        object_id_(std::move(options.object_id)),
        header_written_(!master_.has_value()),
        out_(AllocateBuffer(options.pool, kBatchPackages * kMaxPackage)),
        pending_(AllocateBuffer(options.pool, kMaxPayload)) {}

  ~EncryptWriter() override {
    OPENSSL_cleanse(pending_.data(), pending_.size());
  }

 protected:
  Task<Status> DoWrite(fs::ConstBytes src) override;
  Task<Status> DoFlush() override;
  Task<Status> DoClose() override;

 private:
  // Seals `plain` as the next package at the end of the batch buffer.
  Status SealNext(std::span<const std::byte> plain, bool final);
  // Reseals the last (full, provisional) package with the final flag.
  Status ResealLastAsFinal();
  // Writes the first `n` bytes of the batch buffer (after the envelope
  // header if not written yet) and drops them from the buffer.
  Task<Status> WriteOut(size_t n);
  Result<std::vector<std::byte>> EnvelopeBytes() const;

  dare::PackageCodec codec_;
  EncryptionKey key_;  // the DARE key (object key or raw key)
  std::optional<EncryptionKey> master_;
  std::string object_id_;
  bool header_written_;
  Buffer out_;
  size_t out_len_ = 0;
  size_t out_packages_ = 0;
  size_t last_offset_ = 0;  // of the last sealed package in out_
  Buffer pending_;
  size_t pending_len_ = 0;
  uint64_t seq_ = 0;  // packages sealed so far
};

Status EncryptWriter::SealNext(std::span<const std::byte> plain, bool final) {
  if (seq_ >= dare::kMaxPackages) {
    return ResourceExhaustedError(Context("write") +
                                  ": stream exceeds 2^32 packages (256 TiB)");
  }
  Status s = codec_.Seal(static_cast<uint32_t>(seq_), final, plain,
                         out_.data() + out_len_);
  if (!s.ok()) return s.WithContext(Context("write"));
  last_offset_ = out_len_;
  out_len_ += plain.size() + kOverhead;
  ++out_packages_;
  ++seq_;
  return Status::OK();
}

Task<Status> EncryptWriter::DoWrite(fs::ConstBytes src) {
  if (pending_len_ > 0) {
    const size_t n = std::min(src.size(), kMaxPayload - pending_len_);
    std::memcpy(pending_.data() + pending_len_, src.data(), n);
    pending_len_ += n;
    src = src.subspan(n);
  }
  if (pending_len_ == kMaxPayload) {
    if (out_packages_ == kBatchPackages) {
      STRATA_CO_RETURN_IF_ERROR(co_await WriteOut(out_len_));
    }
    STRATA_CO_RETURN_IF_ERROR(
        SealNext(pending_.span().first(kMaxPayload), false));
    pending_len_ = 0;
  }
  while (src.size() >= kMaxPayload) {
    if (out_packages_ == kBatchPackages) {
      STRATA_CO_RETURN_IF_ERROR(co_await WriteOut(out_len_));
    }
    STRATA_CO_RETURN_IF_ERROR(SealNext(src.first(kMaxPayload), false));
    src = src.subspan(kMaxPayload);
  }
  if (!src.empty()) {
    std::memcpy(pending_.data(), src.data(), src.size());
    pending_len_ = src.size();
  }
  co_return Status::OK();
}

Status EncryptWriter::ResealLastAsFinal() {
  const uint32_t seq = static_cast<uint32_t>(seq_ - 1);
  std::span<const std::byte> sealed(out_.data() + last_offset_, kMaxPackage);
  STRATA_ASSIGN_OR_RETURN(
      dare::PackageCodec opener,
      dare::PackageCodec::Create(codec_.cipher(), key_, codec_.stream_nonce(),
                                 dare::PackageCodec::Direction::kOpen));
  Status s = opener.Open(seq, false, sealed, pending_.data());
  if (s.ok()) {
    s = codec_.Seal(seq, true, pending_.span().first(kMaxPayload),
                    out_.data() + last_offset_);
  }
  OPENSSL_cleanse(pending_.data(), kMaxPayload);
  if (!s.ok()) return InternalError(Context("close") + ": " + s.ToString());
  return Status::OK();
}

Task<Status> EncryptWriter::DoFlush() {
  // Everything but a provisional last package can go out.
  if (pending_len_ > 0 || out_packages_ <= 1) {
    if (pending_len_ > 0 && out_len_ > 0) co_return co_await WriteOut(out_len_);
    co_return Status::OK();
  }
  co_return co_await WriteOut(last_offset_);
}

Task<Status> EncryptWriter::DoClose() {
  if (pending_len_ > 0) {
    if (out_packages_ == kBatchPackages) {
      STRATA_CO_RETURN_IF_ERROR(co_await WriteOut(out_len_));
    }
    STRATA_CO_RETURN_IF_ERROR(
        SealNext(pending_.span().first(pending_len_), true));
    OPENSSL_cleanse(pending_.data(), pending_len_);
    pending_len_ = 0;
  } else if (seq_ > 0) {
    STRATA_CO_RETURN_IF_ERROR(ResealLastAsFinal());
  }
  if (out_len_ == 0 && header_written_) co_return Status::OK();
  co_return co_await WriteOut(out_len_);
}

Result<std::vector<std::byte>> EncryptWriter::EnvelopeBytes() const {
  envelope::Header h;
  h.cipher = codec_.cipher();
  h.empty = seq_ == 0;
  h.object_id = object_id_;
  STRATA_ASSIGN_OR_RETURN(
      h.key, envelope::Seal(*master_, key_, object_id_, h.cipher, h.flags()));
  return envelope::Serialize(h);
}

Task<Status> EncryptWriter::WriteOut(size_t n) {
  const fs::ConstBytes body(out_.data(), n);
  if (!header_written_) {
    Result<std::vector<std::byte>> header = EnvelopeBytes();
    if (!header.ok()) co_return header.status().WithContext(Context("write"));
    const std::array<fs::ConstBytes, 2> parts = {fs::ConstBytes(*header), body};
    const std::span<const fs::ConstBytes> parts_span(parts);
    STRATA_CO_RETURN_IF_ERROR(co_await inner().WriteV(parts_span));
    header_written_ = true;
  } else if (n > 0) {
    STRATA_CO_RETURN_IF_ERROR(co_await inner().Write(body));
  }
  // Keep what was not written (a provisional last package) at the front.
  std::memmove(out_.data(), out_.data() + n, out_len_ - n);
  out_len_ -= n;
  out_packages_ = out_len_ == 0 ? 0 : 1;
  last_offset_ = 0;
  co_return Status::OK();
}

Status CheckOptions(const EncryptOptions& options) {
  if (options.master_key.has_value() == options.raw_key.has_value()) {
    return InvalidArgumentError(
        "encrypt: set exactly one of master_key and raw_key");
  }
  if (options.object_id.size() > envelope::kMaxObjectIdLen) {
    return InvalidArgumentError("encrypt: object id longer than 1024 bytes");
  }
  if (options.cipher != Cipher::kAes256Gcm &&
      options.cipher != Cipher::kChaCha20Poly1305) {
    return InvalidArgumentError("encrypt: unknown cipher");
  }
  return Status::OK();
}

}  // namespace

Result<std::unique_ptr<fs::File>> NewEncryptWriter(
    std::unique_ptr<fs::File> inner, EncryptOptions options) {
  Status s = CheckOptions(options);
  if (!s.ok()) return s.WithContext(inner->path());
  EncryptionKey key = options.raw_key.has_value() ? *options.raw_key
                                                  : EncryptionKey::Generate();
  STRATA_ASSIGN_OR_RETURN(
      dare::PackageCodec codec,
      dare::PackageCodec::Create(options.cipher, key, dare::RandomStreamNonce(),
                                 dare::PackageCodec::Direction::kSeal));
  return std::unique_ptr<fs::File>(std::make_unique<EncryptWriter>(
      std::move(inner), std::move(codec), std::move(key), std::move(options)));
}

}  // namespace strata::stream
