// Codec names, spec parsing and option validation, and the writer factory.
#include "strata/stream/compress.h"

#include <charconv>
#include <cmath>
#include <string>
#include <utility>

#include "stream/compress_codec.h"
#include "stream/compress_format.h"
#include "stream/compress_writer.h"

namespace strata::stream {
namespace cf = compress_format;
namespace {

std::optional<Codec> CodecFromName(std::string_view name) {
  for (Codec c : {Codec::kZstd, Codec::kLz4, Codec::kGzip, Codec::kAuto}) {
    if (name == CodecName(c)) return c;
  }
  return std::nullopt;
}

Status SpecError(std::string_view spec, std::string_view detail) {
  std::string msg = "compress spec \"";
  msg += spec;
  msg += "\": ";
  msg += detail;
  return InvalidArgumentError(std::move(msg));
}

Status ValidateOptions(const CompressOptions& o) {
  if (o.block_size < cf::kMinBlockSize || o.block_size > cf::kMaxBlockSize) {
    std::string msg = "compress: block_size ";
    msg += std::to_string(o.block_size);
    msg += " outside 64 KiB .. 64 MiB";
    return InvalidArgumentError(std::move(msg));
  }
  if (!(o.min_saving >= 0.0 && o.min_saving < 1.0)) {
    return InvalidArgumentError("compress: min_saving must be in [0, 1)");
  }
  return ValidateLevel(o.codec, o.level);
}

}  // namespace

std::string_view CodecName(Codec codec) {
  switch (codec) {
    case Codec::kZstd:
      return "zstd";
    case Codec::kLz4:
      return "lz4";
    case Codec::kGzip:
      return "gzip";
    case Codec::kAuto:
      return "auto";
  }
  return "unknown";
}

Result<CompressOptions> ParseCompressSpec(std::string_view spec) {
  const size_t colon = spec.find(':');
  std::optional<Codec> codec = CodecFromName(spec.substr(0, colon));
  if (!codec) return SpecError(spec, "unknown codec");
  CompressOptions options;
  options.codec = *codec;
  if (colon != std::string_view::npos) {
    std::string_view level = spec.substr(colon + 1);
    auto [end, ec] = std::from_chars(level.data(), level.data() + level.size(),
                                     options.level);
    if (level.empty() || ec != std::errc() ||
        end != level.data() + level.size() || options.level == 0) {
      return SpecError(spec, "bad level");
    }
  }
  Status s = ValidateLevel(options.codec, options.level);
  if (!s.ok()) return SpecError(spec, s.message());
  return options;
}

Result<std::unique_ptr<fs::File>> NewCompressWriter(
    std::unique_ptr<fs::File> inner, CompressOptions options) {
  STRATA_RETURN_IF_ERROR(ValidateOptions(options));
  if (!inner) return InvalidArgumentError("compress: no inner file");
  return MakeCompressWriter(std::move(inner), options);
}

}  // namespace strata::stream
