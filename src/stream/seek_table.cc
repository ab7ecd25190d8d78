#include "stream/seek_table.h"

#include <algorithm>
#include <cstring>

#include "stream/compress_format.h"
#include "stream/compress_util.h"

namespace strata::stream {
namespace cf = compress_format;

namespace {

constexpr char kBase64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

void AppendBase64(std::span<const std::byte> in, std::vector<std::byte>& out) {
  for (size_t i = 0; i < in.size(); i += 3) {
    uint32_t v = static_cast<uint32_t>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<uint32_t>(in[i + 1]) << 8;
    if (i + 2 < in.size()) v |= static_cast<uint32_t>(in[i + 2]);
    for (size_t k = 0; k < 4; ++k) {
      bool pad = i + k > in.size();
      char c = pad ? '=' : kBase64[(v >> (18 - 6 * k)) & 63];
      out.push_back(static_cast<std::byte>(c));
    }
  }
}

// Strict: length a multiple of 4, padding only at the end, zero pad bits.
std::optional<std::vector<std::byte>> DecodeBase64(std::string_view in) {
  if (in.size() % 4 != 0) return std::nullopt;
  std::vector<std::byte> out;
  out.reserve(in.size() / 4 * 3);
  for (size_t i = 0; i < in.size(); i += 4) {
    const bool last = i + 4 == in.size();
    const int pads = last ? (in[i + 3] == '=') + (in[i + 2] == '=') : 0;
    uint32_t v = 0;
    for (size_t k = 0; k < 4; ++k) {
      int d = k >= 4 - static_cast<size_t>(pads) ? 0 : Base64Value(in[i + k]);
      if (d < 0) return std::nullopt;
      v = (v << 6) | static_cast<uint32_t>(d);
    }
    if ((pads == 1 && (v & 0xff)) || (pads == 2 && (v & 0xffff))) {
      return std::nullopt;
    }
    for (int k = 0; k < 3 - pads; ++k) {
      out.push_back(static_cast<std::byte>(v >> (16 - 8 * k)));
    }
  }
  return out;
}

std::optional<uint64_t> ParseHex16(std::span<const std::byte> digits) {
  uint64_t v = 0;
  for (std::byte b : digits) {
    const char c = static_cast<char>(b);
    int d = (c >= '0' && c <= '9')   ? c - '0'
            : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                                     : -1;
    if (d < 0) return std::nullopt;
    v = (v << 4) | static_cast<uint64_t>(d);
  }
  return v;
}

Status CheckEntries(const SeekTable& t, uint64_t data_bytes,
                    std::string_view what) {
  const size_t n = t.entries.size();
  for (size_t i = 0; i < n; ++i) {
    const SeekEntry& e = t.entries[i];
    if (e.plain_size > cf::kMaxFramePlainBytes) {
      return DataLossError(Describe(what, "seek table frame too large: ", i));
    }
    if (e.plain_size == 0 && n != 1) {
      return DataLossError(Describe(what, "seek table empty frame: ", i));
    }
    if (e.compressed_size == 0 ||
        e.compressed_size > cf::MaxFrameBytes(e.plain_size)) {
      return DataLossError(
          Describe(what, "seek table compressed size impossible, frame ", i));
    }
  }
  if (t.compressed_offsets.back() != data_bytes) {
    return DataLossError(
        Describe(what, "seek table frame sizes do not add up to the file size ",
                 data_bytes));
  }
  return Status::OK();
}

}  // namespace

size_t SeekTable::FrameAt(uint64_t offset) const {
  auto it =
      std::upper_bound(plain_offsets.begin(), plain_offsets.end(), offset);
  return static_cast<size_t>(it - plain_offsets.begin()) - 1;
}

std::vector<std::byte> EncodeSeekTable(std::span<const SeekEntry> entries) {
  const size_t body =
      entries.size() * cf::kSeekEntryWithChecksumBytes + cf::kSeekFooterBytes;
  std::vector<std::byte> out(cf::kSkippableHeaderBytes + body);
  std::byte* p = out.data();
  StoreLe32(p, cf::kSeekTableMagic);
  StoreLe32(p + 4, static_cast<uint32_t>(body));
  p += cf::kSkippableHeaderBytes;
  for (const SeekEntry& e : entries) {
    StoreLe32(p, e.compressed_size);
    StoreLe32(p + 4, e.plain_size);
    StoreLe32(p + 8, e.checksum);
    p += cf::kSeekEntryWithChecksumBytes;
  }
  StoreLe32(p, static_cast<uint32_t>(entries.size()));
  p[4] = std::byte{cf::kSeekChecksumFlag};
  StoreLe32(p + 5, cf::kSeekableMagic);
  return out;
}

Result<std::optional<uint64_t>> SeekTableBytes(std::span<const std::byte> tail,
                                               uint64_t file_size,
                                               std::string_view what) {
  if (tail.size() < cf::kSeekFooterBytes) return std::optional<uint64_t>();
  const std::byte* f = tail.data() + tail.size() - cf::kSeekFooterBytes;
  if (LoadLe32(f + 5) != cf::kSeekableMagic) return std::optional<uint64_t>();
  const uint64_t frames = LoadLe32(f);
  const auto descriptor = static_cast<uint8_t>(f[4]);
  if (descriptor & cf::kSeekReservedBits) {
    return DataLossError(Describe(what, "seek table reserved bits set"));
  }
  if (frames > cf::kMaxSeekFrames) {
    return DataLossError(
        Describe(what, "seek table has too many frames: ", frames));
  }
  const size_t entry = (descriptor & cf::kSeekChecksumFlag)
                           ? cf::kSeekEntryWithChecksumBytes
                           : cf::kSeekEntryBytes;
  const uint64_t bytes =
      cf::kSkippableHeaderBytes + frames * entry + cf::kSeekFooterBytes;
  if (bytes > file_size) {
    return DataLossError(Describe(what, "seek table larger than the file"));
  }
  return std::optional<uint64_t>(bytes);
}

Result<SeekTable> ParseSeekTable(std::span<const std::byte> table,
                                 uint64_t data_bytes, std::string_view what) {
  STRATA_ASSIGN_OR_RETURN(std::optional<uint64_t> bytes,
                          SeekTableBytes(table, table.size(), what));
  if (!bytes || *bytes != table.size()) {
    return DataLossError(Describe(what, "seek table footer does not match"));
  }
  if (LoadLe32(table.data()) != cf::kSeekTableMagic ||
      LoadLe32(table.data() + 4) != table.size() - cf::kSkippableHeaderBytes) {
    return DataLossError(Describe(what, "seek table frame header is corrupt"));
  }
  const std::byte* footer = table.data() + table.size() - cf::kSeekFooterBytes;
  SeekTable t;
  t.has_checksums = (static_cast<uint8_t>(footer[4]) & cf::kSeekChecksumFlag);
  const size_t entry =
      t.has_checksums ? cf::kSeekEntryWithChecksumBytes : cf::kSeekEntryBytes;
  const size_t n = LoadLe32(footer);
  t.entries.resize(n);
  t.compressed_offsets.assign(1, 0);
  t.plain_offsets.assign(1, 0);
  t.compressed_offsets.reserve(n + 1);
  t.plain_offsets.reserve(n + 1);
  const std::byte* p = table.data() + cf::kSkippableHeaderBytes;
  for (size_t i = 0; i < n; ++i, p += entry) {
    SeekEntry& e = t.entries[i];
    e.compressed_size = LoadLe32(p);
    e.plain_size = LoadLe32(p + 4);
    e.checksum = t.has_checksums ? LoadLe32(p + 8) : 0;
    t.compressed_offsets.push_back(t.compressed_offsets.back() +
                                   e.compressed_size);
    t.plain_offsets.push_back(t.plain_offsets.back() + e.plain_size);
  }
  STRATA_RETURN_IF_ERROR(CheckEntries(t, data_bytes, what));
  return t;
}

std::vector<std::byte> EncodeGzipIndex(std::span<const std::byte> table) {
  const auto* header = reinterpret_cast<const std::byte*>(cf::kGzipIndexHeader);
  std::vector<std::byte> out(header, header + sizeof(cf::kGzipIndexHeader));
  const size_t comment_start = out.size();
  for (const char* c = cf::kGzipIndexPrefix; *c; ++c) {
    out.push_back(static_cast<std::byte>(*c));
  }
  AppendBase64(table, out);
  out.push_back(static_cast<std::byte>(':'));
  const uint64_t length = out.size() - comment_start + cf::kGzipIndexHexDigits;
  for (int shift = 60; shift >= 0; shift -= 4) {
    out.push_back(
        static_cast<std::byte>("0123456789abcdef"[(length >> shift) & 15]));
  }
  out.insert(out.end(),
             reinterpret_cast<const std::byte*>(cf::kGzipIndexTrailer),
             reinterpret_cast<const std::byte*>(cf::kGzipIndexTrailer) +
                 sizeof(cf::kGzipIndexTrailer));
  return out;
}

Result<std::optional<uint64_t>> GzipIndexBytes(std::span<const std::byte> tail,
                                               uint64_t file_size,
                                               std::string_view what) {
  if (tail.size() < cf::kGzipIndexTailBytes) return std::optional<uint64_t>();
  tail = tail.last(cf::kGzipIndexTailBytes);
  if (std::memcmp(tail.data() + cf::kGzipIndexHexDigits, cf::kGzipIndexTrailer,
                  sizeof(cf::kGzipIndexTrailer)) != 0) {
    return std::optional<uint64_t>();
  }
  std::optional<uint64_t> length =
      ParseHex16(tail.first(cf::kGzipIndexHexDigits));
  if (!length) return std::optional<uint64_t>();
  const uint64_t fixed =
      sizeof(cf::kGzipIndexHeader) + sizeof(cf::kGzipIndexTrailer);
  const uint64_t min_comment =
      sizeof(cf::kGzipIndexPrefix) - 1 + 1 + cf::kGzipIndexHexDigits;
  if (file_size < fixed || *length < min_comment ||
      *length > file_size - fixed) {
    return DataLossError(
        Describe(what, "gzip index length is impossible: ", *length));
  }
  return std::optional<uint64_t>(*length + fixed);
}

Result<std::vector<std::byte>> DecodeGzipIndex(
    std::span<const std::byte> member, std::string_view what) {
  const size_t header = sizeof(cf::kGzipIndexHeader);
  const size_t prefix = sizeof(cf::kGzipIndexPrefix) - 1;
  const size_t fixed = header + sizeof(cf::kGzipIndexTrailer);
  if (member.size() < fixed + prefix + 1 + cf::kGzipIndexHexDigits ||
      std::memcmp(member.data(), cf::kGzipIndexHeader, header) != 0 ||
      std::memcmp(member.data() + header, cf::kGzipIndexPrefix, prefix) != 0) {
    return DataLossError(Describe(what, "gzip index header is corrupt"));
  }
  const size_t b64_begin = header + prefix;
  const size_t colon = member.size() - sizeof(cf::kGzipIndexTrailer) -
                       cf::kGzipIndexHexDigits - 1;
  if (static_cast<char>(member[colon]) != ':') {
    return DataLossError(Describe(what, "gzip index comment is corrupt"));
  }
  std::string_view b64(reinterpret_cast<const char*>(member.data()) + b64_begin,
                       colon - b64_begin);
  std::optional<std::vector<std::byte>> table = DecodeBase64(b64);
  if (!table) return DataLossError(Describe(what, "gzip index is not base64"));
  return std::move(*table);
}

}  // namespace strata::stream
