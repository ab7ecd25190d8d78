// `strata stream encode|decode IN OUT [--compress CODEC[:LEVEL]]
// [--encrypt CIPHER --key-file F] [--checksum ALGO,...] [--protect[=ALGO]]
// [--block-size SIZE]`: IN through a stream::Pipeline to OUT.
//
// encode writes IN's bytes through checksum → compress → encrypt → protect
// into OUT; decode reads IN back through the same stages in reverse. With
// --checksum, "<algo> <hex>" lines describe the plain data (encode: IN,
// decode: the decoded OUT). OUT only appears once complete (stream_io.h).

#include <memory>
#include <string>
#include <utility>

#include "cli/location.h"
#include "cli/stream_command.h"
#include "cli/stream_io.h"
#include "cli/units.h"
#include "strata/fs/registry.h"
#include "strata/stream/pipeline.h"

namespace strata::cli {
namespace {

using stream::Pipeline;

struct CodecOptions {
  std::string input;
  std::string output;
  std::string compress;  // empty: no compression stage
  std::string encrypt;   // cipher name; empty: no encryption stage
  std::string key_file;
  std::string checksum;  // comma-separated algorithms; empty: none
  std::string protect;   // hash algorithm; empty: no bitrot stage
  std::string block_size;
};

// The decoder's view of --compress: a bare codec name (or "auto") means
// "detect the codec"; "codec:level" insists on that codec.
Result<stream::CompressOptions> CompressStage(const CodecOptions& options,
                                              bool encode) {
  STRATA_ASSIGN_OR_RETURN(stream::CompressOptions compress,
                          stream::ParseCompressSpec(options.compress));
  if (!encode && options.compress.find(':') == std::string::npos) {
    compress.codec = stream::Codec::kAuto;
  }
  if (!options.block_size.empty()) {
    compress.block_size = ParseSize(options.block_size).value_or(0);
  }
  return compress;
}

Status AddEncryptStage(const CodecOptions& options, std::string object_id,
                       Pipeline::Builder& builder) {
  if (options.key_file.empty()) {
    return InvalidArgumentError("--encrypt needs --key-file");
  }
  STRATA_ASSIGN_OR_RETURN(stream::Cipher cipher,
                          stream::ParseCipher(options.encrypt));
  STRATA_ASSIGN_OR_RETURN(stream::EncryptionKey key,
                          stream::EncryptionKey::FromFile(options.key_file));
  stream::EncryptOptions writer;
  writer.cipher = cipher;
  writer.master_key = key;
  writer.object_id = std::move(object_id);
  stream::DecryptOptions reader;
  reader.master_key = std::move(key);  // object id: from the header
  builder.Encrypt(std::move(writer), std::move(reader));
  return Status::OK();
}

Status AddProtectStage(const CodecOptions& options,
                       Pipeline::Builder& builder) {
  stream::BitrotOptions bitrot;
  STRATA_ASSIGN_OR_RETURN(bitrot.algorithm,
                          stream::ParseHashAlgorithm(options.protect));
  if (!options.block_size.empty()) {
    bitrot.block_size = ParseSize(options.block_size).value_or(0);
  }
  builder.Protect(std::move(bitrot));
  return Status::OK();
}

// The pipeline the flags describe; `object_id` binds an encryption envelope.
Result<Pipeline> MakePipeline(const CodecOptions& options, bool encode,
                              std::string object_id) {
  Pipeline::Builder builder;
  if (!options.checksum.empty()) {
    STRATA_ASSIGN_OR_RETURN(auto algorithms,
                            stream::ParseHashAlgorithms(options.checksum));
    builder.Checksum(std::move(algorithms));
  }
  if (!options.compress.empty()) {
    STRATA_ASSIGN_OR_RETURN(auto compress, CompressStage(options, encode));
    builder.Compress(std::move(compress));
  }
  if (!options.encrypt.empty()) {
    STRATA_RETURN_IF_ERROR(
        AddEncryptStage(options, std::move(object_id), builder));
  } else if (!options.key_file.empty()) {
    return InvalidArgumentError("--key-file needs --encrypt");
  }
  if (!options.protect.empty()) {
    STRATA_RETURN_IF_ERROR(AddProtectStage(options, builder));
  }
  return builder.Build();
}

struct Endpoints {
  Location from;
  Location to;
};

Result<Endpoints> ResolveEndpoints(const CodecOptions& options) {
  STRATA_ASSIGN_OR_RETURN(Location from, ResolveLocation(options.input));
  STRATA_ASSIGN_OR_RETURN(Location to, ResolveLocation(options.output));
  if (to.SameAs(from)) {
    return InvalidArgumentError(from.Display() + " and " + to.Display() +
                                " are the same file");
  }
  return Endpoints{std::move(from), std::move(to)};
}

// The top writer: typed as a ChecksumFile when a checksum stage exists.
struct Writer {
  std::unique_ptr<fs::File> file;
  stream::ChecksumFile* checksum = nullptr;
};

Result<Writer> OpenWriter(const Pipeline& pipeline, bool checksum,
                          std::unique_ptr<fs::File> sink) {
  Writer writer;
  if (!checksum) {
    STRATA_ASSIGN_OR_RETURN(writer.file, pipeline.OpenWriter(std::move(sink)));
    return writer;
  }
  STRATA_ASSIGN_OR_RETURN(auto file,
                          pipeline.OpenChecksumWriter(std::move(sink)));
  writer.checksum = file.get();
  writer.file = std::move(file);
  return writer;
}

void PrintDigestsOf(const stream::ChecksumFile* file) {
  if (file == nullptr) return;
  auto digests = file->digests();
  if (digests) PrintDigests(*digests);
}

Task<Status> RunEncode(CodecOptions options) {
  STRATA_CO_ASSIGN_OR_RETURN(Endpoints ends, ResolveEndpoints(options));
  std::string object_id(fs::BaseName(ends.to.path()));
  STRATA_CO_ASSIGN_OR_RETURN(Pipeline pipeline,
                             MakePipeline(options, true, object_id));
  STRATA_CO_ASSIGN_OR_RETURN(auto in, co_await OpenInput(ends.from));
  auto staged = co_await StagedOutput::Open(ends.to);
  if (!staged.ok()) {
    (co_await in->Close()).IgnoreError();
    co_return staged.status();
  }
  auto writer =
      OpenWriter(pipeline, !options.checksum.empty(), staged->TakeFile());
  Status status = writer.status();
  if (!status.ok()) {
    co_await staged->Discard();
  } else {
    status = co_await PumpAll(*in, *writer->file, ends.from, ends.to);
    status = co_await FinishOutput(*writer->file, *staged, std::move(status));
  }
  (co_await in->Close()).IgnoreError();
  if (status.ok()) PrintDigestsOf(writer->checksum);
  co_return Annotate(status, ends.to);
}

Task<Result<std::unique_ptr<fs::File>>> OpenReader(
    const Pipeline& pipeline, bool checksum, std::unique_ptr<fs::File> source,
    stream::ChecksumFile** typed) {
  if (!checksum) co_return co_await pipeline.OpenReader(std::move(source));
  STRATA_CO_ASSIGN_OR_RETURN(
      auto file, co_await pipeline.OpenChecksumReader(std::move(source)));
  *typed = file.get();
  co_return std::unique_ptr<fs::File>(std::move(file));
}

Task<Status> RunDecode(CodecOptions options) {
  STRATA_CO_ASSIGN_OR_RETURN(Endpoints ends, ResolveEndpoints(options));
  STRATA_CO_ASSIGN_OR_RETURN(Pipeline pipeline,
                             MakePipeline(options, false, ""));
  STRATA_CO_ASSIGN_OR_RETURN(auto in, co_await OpenInput(ends.from));
  stream::ChecksumFile* checksum = nullptr;
  auto reader = co_await OpenReader(pipeline, !options.checksum.empty(),
                                    std::move(in), &checksum);
  if (!reader.ok()) co_return Annotate(reader.status(), ends.from);
  Status status = co_await PumpToOutput(**reader, ends.from, ends.to);
  (co_await (*reader)->Close()).IgnoreError();
  if (status.ok()) PrintDigestsOf(checksum);
  co_return status;
}

constexpr const char* kCodecFooter =
    "Stages, in write order: checksum -> compress -> encrypt -> protect.\n"
    "decode needs the flags encode was given, except that --compress CODEC\n"
    "(no level) or --compress auto detects the codec from the data.\n"
    "--encrypt: envelope mode. --key-file holds the 32-byte master key (raw\n"
    "or 64 hex digits); each object gets a fresh key sealed under it, bound\n"
    "to the object id = the base name of OUT at encode time (decode reads it\n"
    "from the header, so a renamed file still decodes).\n"
    "--protect (with the same --block-size) must be repeated on decode.\n"
    "IN and OUT are paths or URIs; OUT appears only when complete.";

void AddCodecCommand(CLI::App& stream, Invocation* invocation, bool encode) {
  auto o = std::make_shared<CodecOptions>();
  CLI::App* cmd = stream.add_subcommand(
      encode ? "encode" : "decode",
      encode ? "Write IN to OUT through the chosen stream layers"
             : "Read IN (written by encode) back to plain bytes in OUT");
  cmd->footer(kCodecFooter);
  cmd->add_option("--compress", o->compress,
                  "zstd|lz4|gzip[:LEVEL] or auto (only zstd/lz4/gzip: OUT is "
                  "readable by the standard tool)");
  cmd->add_option("--encrypt", o->encrypt, "aes-256-gcm|chacha20-poly1305")
      ->check(CLI::IsMember({"aes-256-gcm", "chacha20-poly1305"}));
  cmd->add_option("--key-file", o->key_file,
                  "Master key file (with --encrypt)");
  cmd->add_option("--checksum", o->checksum,
                  "Print '<algo> <hex>' of the plain data for ALGO,... "
                  "(crc32, crc32c, crc64nvme, md5, sha1, sha256, xxh3, "
                  "xxh128, highwayhash256)");
  cmd->add_flag("--protect{highwayhash256}", o->protect,
                "Bitrot-protect the stored bytes (--protect[=ALGO], default "
                "highwayhash256)");
  cmd->add_option("--block-size", o->block_size,
                  "Plain bytes per compressed frame / protected block "
                  "(default 1m)")
      ->check(CLI::Validator(CheckSize, "SIZE"));
  cmd->add_option("IN", o->input, "Input path or URI")->required();
  cmd->add_option("OUT", o->output, "Output path or URI")->required();
  cmd->callback([o, invocation, encode] {
    invocation->run = [o, encode](runtime::Runtime& rt) {
      if (encode) return rt.BlockOn(RunEncode(*o));
      return rt.BlockOn(RunDecode(*o));
    };
  });
}

}  // namespace

void AddStreamCodecCommands(CLI::App& stream, Invocation* invocation) {
  AddCodecCommand(stream, invocation, true);
  AddCodecCommand(stream, invocation, false);
}

}  // namespace strata::cli
