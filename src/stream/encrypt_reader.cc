// The decrypting reader (encrypt.h) and RotateMasterKey.
//
// Open parses and unseals the envelope (envelope mode), derives the package
// layout from the file size (every package but the last is full, so package
// i is at header_len + i * kMaxPackage), reads the stream nonce from package
// 0 and authenticates the last package, so a truncated or extended stream
// fails at open and Size() is trustworthy. ReadAt reads the packages a range
// touches in batches, opens whole packages straight into the caller's
// buffer and partial ones into a one-package cache; nothing reaches the
// caller before its package authenticated.
#include <openssl/crypto.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "strata/stream/encrypt.h"
#include "stream/dare.h"
#include "stream/envelope.h"
#include "stream/layer_file.h"

namespace strata::stream {
namespace {

using dare::kHeaderSize;
using dare::kMaxPackage;
using dare::kMaxPayload;
using dare::kOverhead;

constexpr size_t kBatchPackages = 16;
constexpr uint64_t kNoPackage = ~uint64_t{0};

Buffer AllocateBuffer(BufferPool* pool, size_t size) {
  return pool != nullptr ? pool->Acquire(size) : Buffer::Allocate(size);
}

class DecryptReader final : public LayerFile {
 public:
  DecryptReader(std::unique_ptr<fs::File> inner, BufferPool* pool)
      : LayerFile("decrypt", Mode::kRead, std::move(inner)),
        batch_(AllocateBuffer(pool, kBatchPackages * kMaxPackage)),
        cache_(AllocateBuffer(pool, kMaxPayload)) {}

  ~DecryptReader() override { OPENSSL_cleanse(cache_.data(), cache_.size()); }

  // Reads the envelope and layout and authenticates the last package.
  Task<Status> Init(DecryptOptions options);

 protected:
  Task<Result<size_t>> DoReadAt(fs::MutableBytes dst, uint64_t offset) override;
  Task<Result<uint64_t>> DoSize() override { co_return plain_size_; }

 private:
  struct Key {
    std::optional<EncryptionKey> key;
    std::optional<Cipher> cipher;  // unset in raw mode until package 0
    bool empty = false;
  };
  Task<Result<Key>> ReadEnvelope(const DecryptOptions& options,
                                 uint64_t file_size);
  Status SetLayout(uint64_t body_size);
  // Reads packages [first, first + count) into batch_.
  Task<Status> ReadPackages(uint64_t first, uint64_t count);
  size_t PlainLen(uint64_t seq) const {
    return seq + 1 == packages_ ? last_len_ : kMaxPayload;
  }
  std::span<const std::byte> Batched(uint64_t first, uint64_t seq) const {
    return {batch_.data() + (seq - first) * kMaxPackage,
            PlainLen(seq) + kOverhead};
  }
  Status OpenInto(uint64_t first, uint64_t seq, std::byte* out);
  Status DataLoss(const char* what) const {
    return DataLossError(Context("open") + ": " + what);
  }

  std::optional<dare::PackageCodec> codec_;
  uint64_t header_len_ = 0;
  uint64_t packages_ = 0;
  size_t last_len_ = 0;
  uint64_t plain_size_ = 0;
  Buffer batch_;
  Buffer cache_;
  uint64_t cached_ = kNoPackage;
};

Task<Result<DecryptReader::Key>> DecryptReader::ReadEnvelope(
    const DecryptOptions& options, uint64_t file_size) {
  Key out;
  if (options.raw_key.has_value()) {
    out.key = *options.raw_key;
    co_return out;
  }
  std::vector<std::byte> prefix(
      std::min<uint64_t>(file_size, kMaxEnvelopeHeaderSize));
  Result<size_t> n = co_await inner().ReadAt(prefix, 0);
  if (!n.ok()) co_return n.status();
  prefix.resize(*n);
  Result<envelope::Header> h = envelope::Parse(prefix);
  if (!h.ok()) co_return h.status().WithContext(Context("open"));
  if (!options.object_id.empty() && options.object_id != h->object_id) {
    co_return DataLoss("envelope names a different object id");
  }
  Result<EncryptionKey> key = envelope::Unseal(
      *options.master_key, h->key, h->object_id, h->cipher, h->flags());
  if (!key.ok()) co_return key.status().WithContext(Context("open"));
  out.key = *key;
  out.cipher = h->cipher;
  out.empty = h->empty;
  header_len_ = h->size();
  co_return out;
}

Status DecryptReader::SetLayout(uint64_t body_size) {
  if (body_size == 0) return Status::OK();
  const uint64_t full = body_size / kMaxPackage;
  const uint64_t rem = body_size % kMaxPackage;
  if (rem != 0 && rem <= kOverhead) {
    return DataLoss("stream ends inside a package header or tag (truncated)");
  }
  packages_ = full + (rem != 0 ? 1 : 0);
  last_len_ = rem != 0 ? rem - kOverhead : kMaxPayload;
  if (packages_ > dare::kMaxPackages) {
    return DataLoss("more than 2^32 packages");
  }
  plain_size_ = (packages_ - 1) * kMaxPayload + last_len_;
  return Status::OK();
}

Task<Status> DecryptReader::Init(DecryptOptions options) {
  if (options.master_key.has_value() == options.raw_key.has_value()) {
    co_return InvalidArgumentError(
        Context("open") + ": set exactly one of master_key and raw_key");
  }
  STRATA_CO_ASSIGN_OR_RETURN(uint64_t file_size, co_await inner().Size());
  STRATA_CO_ASSIGN_OR_RETURN(Key key,
                             co_await ReadEnvelope(options, file_size));
  STRATA_CO_RETURN_IF_ERROR(SetLayout(file_size - header_len_));
  if (key.empty != (packages_ == 0) && options.master_key.has_value()) {
    co_return DataLoss(key.empty
                           ? "envelope says empty but packages follow"
                           : "no packages after the envelope (truncated)");
  }
  if (packages_ == 0) co_return Status::OK();
  std::array<std::byte, kHeaderSize> first{};
  STRATA_CO_ASSIGN_OR_RETURN(size_t got,
                             co_await inner().ReadAt(first, header_len_));
  if (got != kHeaderSize) co_return DataLoss("file shrank while opening");
  if (uint8_t(first[1]) > static_cast<uint8_t>(Cipher::kChaCha20Poly1305)) {
    co_return DataLoss("package 0: unknown cipher");
  }
  dare::Nonce nonce{};
  std::memcpy(nonce.data(), first.data() + dare::kNonceOffset, nonce.size());
  nonce[0] &= std::byte(0x7f);
  const Cipher cipher = key.cipher.value_or(static_cast<Cipher>(first[1]));
  STRATA_CO_ASSIGN_OR_RETURN(
      dare::PackageCodec codec,
      dare::PackageCodec::Create(cipher, *key.key, nonce,
                                 dare::PackageCodec::Direction::kOpen));
  codec_.emplace(std::move(codec));
  // Authenticate the last package now (it lands in the cache).
  const uint64_t last = packages_ - 1;
  STRATA_CO_RETURN_IF_ERROR(co_await ReadPackages(last, 1));
  Status s = OpenInto(last, last, cache_.data());
  if (!s.ok()) co_return s.WithContext(Context("open"));
  cached_ = last;
  co_return Status::OK();
}

Task<Status> DecryptReader::ReadPackages(uint64_t first, uint64_t count) {
  const uint64_t offset = header_len_ + first * kMaxPackage;
  size_t bytes =
      (count - 1) * kMaxPackage + PlainLen(first + count - 1) + kOverhead;
  fs::MutableBytes dst(batch_.data(), bytes);
  STRATA_CO_ASSIGN_OR_RETURN(size_t got, co_await inner().ReadAt(dst, offset));
  if (got != bytes) {
    co_return DataLossError(Context("read") + ": file shrank after open");
  }
  co_return Status::OK();
}

Status DecryptReader::OpenInto(uint64_t first, uint64_t seq, std::byte* out) {
  return codec_->Open(static_cast<uint32_t>(seq), seq + 1 == packages_,
                      Batched(first, seq), out);
}

Task<Result<size_t>> DecryptReader::DoReadAt(fs::MutableBytes dst,
                                             uint64_t offset) {
  if (offset >= plain_size_) co_return size_t{0};
  const size_t want = std::min<uint64_t>(dst.size(), plain_size_ - offset);
  const uint64_t last = (offset + want - 1) / kMaxPayload;
  size_t done = 0;
  while (done < want) {
    const uint64_t pos = offset + done;
    uint64_t seq = pos / kMaxPayload;
    if (seq != cached_) {
      const uint64_t first = seq;
      const uint64_t count = std::min<uint64_t>(last - seq + 1, kBatchPackages);
      STRATA_CO_RETURN_IF_ERROR(co_await ReadPackages(first, count));
      // Whole packages inside the range go straight to the caller.
      for (; seq < first + count; ++seq) {
        const size_t skip = (offset + done) - seq * kMaxPayload;
        if (skip != 0 || want - done < PlainLen(seq)) break;
        Status s = OpenInto(first, seq, dst.data() + done);
        if (!s.ok()) co_return s.WithContext(Context("read"));
        done += PlainLen(seq);
      }
      if (done == want || seq == first + count) continue;
      cached_ = kNoPackage;
      Status s = OpenInto(first, seq, cache_.data());
      if (!s.ok()) co_return s.WithContext(Context("read"));
      cached_ = seq;
    }
    const size_t skip = (offset + done) - seq * kMaxPayload;
    const size_t n = std::min(want - done, PlainLen(seq) - skip);
    std::memcpy(dst.data() + done, cache_.data() + skip, n);
    done += n;
  }
  co_return want;
}

}  // namespace

Task<Result<std::unique_ptr<fs::File>>> OpenDecryptReader(
    std::unique_ptr<fs::File> inner, DecryptOptions options) {
  BufferPool* pool = options.pool;
  auto reader = std::make_unique<DecryptReader>(std::move(inner), pool);
  STRATA_CO_RETURN_IF_ERROR(co_await reader->Init(std::move(options)));
  co_return std::unique_ptr<fs::File>(std::move(reader));
}

Task<Status> RotateMasterKey(fs::File& file, const EncryptionKey& old_master,
                             const EncryptionKey& new_master) {
  std::string context = "rotate master key ";
  context += file.path();
  STRATA_CO_ASSIGN_OR_RETURN(uint64_t size, co_await file.Size());
  std::vector<std::byte> prefix(
      std::min<uint64_t>(size, kMaxEnvelopeHeaderSize));
  STRATA_CO_ASSIGN_OR_RETURN(size_t got, co_await file.ReadAt(prefix, 0));
  prefix.resize(got);
  Result<std::vector<std::byte>> header =
      ResealEnvelopeHeader(prefix, old_master, new_master);
  if (!header.ok()) co_return header.status().WithContext(context);
  co_return co_await file.WriteAt(*header, 0);
}

}  // namespace strata::stream
