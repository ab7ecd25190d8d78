// `strata bench streams`: the layer side of each case and the timing loop
// (see bench_streams.h; the raw baselines are in bench_streams_raw.cc).

#include "cli/bench_streams.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <memory>
#include <utility>
#include <vector>

#include "cli/bench_streams_sink.h"
#include "strata/stream/bitrot.h"
#include "strata/stream/checksum_file.h"
#include "strata/stream/compress.h"
#include "strata/stream/encrypt.h"
#include "strata/stream/erasure.h"
#include "strata/stream/erasure_set.h"

namespace strata::cli {
namespace {

using Clock = std::chrono::steady_clock;

struct BenchCase {
  const char* name;
  Task<Status> (*layer)(BenchCorpus& corpus, uint64_t size);
  Status (*baseline)(BenchCorpus& corpus, uint64_t size);
};

std::unique_ptr<fs::File> Sink() { return std::make_unique<NullFile>(); }

// Writes the first `size` corpus bytes into `top` in 1 MiB writes, then
// closes it (finishing the format).
Task<Status> WriteCorpus(fs::File& top, BenchCorpus& corpus, uint64_t size) {
  for (uint64_t i = 0; i < BenchCorpus::Chunks(size); ++i) {
    STRATA_CO_RETURN_IF_ERROR(co_await top.Write(corpus.Chunk(i, size)));
  }
  co_return co_await top.Close();
}

Task<Status> LayerCrc32c(BenchCorpus& corpus, uint64_t size) {
  std::vector<stream::HashAlgorithm> algorithms = {
      stream::HashAlgorithm::kCrc32c};
  STRATA_CO_ASSIGN_OR_RETURN(
      auto file, stream::NewChecksumWriter(Sink(), std::move(algorithms)));
  co_return co_await WriteCorpus(*file, corpus, size);
}

Task<Status> LayerZstd(BenchCorpus& corpus, uint64_t size) {
  stream::CompressOptions options;
  options.codec = stream::Codec::kZstd;
  options.level = 3;
  options.block_size = kBenchBlockSize;
  STRATA_CO_ASSIGN_OR_RETURN(auto file,
                             stream::NewCompressWriter(Sink(), options));
  co_return co_await WriteCorpus(*file, corpus, size);
}

Task<Status> LayerAesGcm(BenchCorpus& corpus, uint64_t size) {
  stream::EncryptOptions options;
  options.cipher = stream::Cipher::kAes256Gcm;
  options.master_key = stream::EncryptionKey::Generate();
  options.object_id = "bench";
  STRATA_CO_ASSIGN_OR_RETURN(auto file,
                             stream::NewEncryptWriter(Sink(), options));
  co_return co_await WriteCorpus(*file, corpus, size);
}

Task<Status> LayerEcEncode(BenchCorpus& corpus, uint64_t size) {
  STRATA_CO_ASSIGN_OR_RETURN(
      auto rs, stream::ReedSolomon::Create(kBenchEcData, kBenchEcParity));
  std::vector<std::span<std::byte>> shards(kBenchEcData + kBenchEcParity);
  for (uint64_t i = 0; i < BenchCorpus::Chunks(size); ++i) {
    std::span<std::byte> stripe = corpus.Stripe(i);
    for (size_t s = 0; s < shards.size(); ++s) {
      shards[s] = stripe.subspan(s * corpus.shard_size(), corpus.shard_size());
    }
    STRATA_CO_RETURN_IF_ERROR(rs->Encode(shards));
  }
  co_return Status::OK();
}

Task<Status> LayerErasureSet(BenchCorpus& corpus, uint64_t size) {
  stream::ErasureSetOptions options;
  options.data_shards = kBenchEcData;
  options.parity_shards = kBenchEcParity;
  options.block_size = kBenchBlockSize;
  std::vector<std::unique_ptr<fs::File>> sinks;
  for (int i = 0; i < kBenchEcData + kBenchEcParity; ++i) {
    sinks.push_back(Sink());
  }
  STRATA_CO_ASSIGN_OR_RETURN(
      auto file, stream::NewErasureSetWriter(std::move(sinks), options));
  co_return co_await WriteCorpus(*file, corpus, size);
}

Task<Status> LayerBitrot(BenchCorpus& corpus, uint64_t size) {
  stream::BitrotOptions options;
  options.block_size = kBenchBlockSize;
  STRATA_CO_ASSIGN_OR_RETURN(auto file,
                             stream::NewBitrotWriter(Sink(), options));
  co_return co_await WriteCorpus(*file, corpus, size);
}

Task<Status> LayerPipeline(BenchCorpus& corpus, uint64_t size) {
  STRATA_CO_ASSIGN_OR_RETURN(stream::Pipeline pipeline, BenchPipeline());
  STRATA_CO_ASSIGN_OR_RETURN(auto file, pipeline.OpenWriter(Sink()));
  co_return co_await WriteCorpus(*file, corpus, size);
}

constexpr BenchCase kCases[] = {
    {"checksum_crc32c", LayerCrc32c, RawCrc32c},
    {"compress_zstd3", LayerZstd, RawZstd},
    {"encrypt_aes256gcm", LayerAesGcm, RawAesGcm},
    {"ec_12+4_encode", LayerEcEncode, RawEcEncode},
    {"erasure_set_12+4", LayerErasureSet, RawErasureSet},
    {"bitrot_highwayhash", LayerBitrot, RawHighwayHash},
    {"pipeline_zstd3_aes256gcm_crc32c", LayerPipeline, RawPipeline},
};

// Seconds on `clock` since an arbitrary origin.
double Now(BenchClock clock) {
  if (clock == BenchClock::kWall) {
    return std::chrono::duration<double>(Clock::now().time_since_epoch())
        .count();
  }
  timespec ts{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) +
         static_cast<double>(ts.tv_nsec) * 1e-9;
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  size_t mid = values.size() / 2;
  if (values.size() % 2 == 1) return values[mid];
  return (values[mid - 1] + values[mid]) / 2;
}

double GibPerS(uint64_t bytes, double seconds) {
  return seconds > 0 ? static_cast<double>(bytes) / seconds / (1 << 30) : 0;
}

Task<Result<StreamBenchRow>> RunCase(const BenchCase& bench,
                                     BenchCorpus& corpus, uint64_t size,
                                     int repetitions, BenchClock clock) {
  std::vector<double> layer;
  std::vector<double> baseline;
  for (int r = 0; r < repetitions; ++r) {
    double start = Now(clock);
    Status status = co_await bench.layer(corpus, size);
    if (!status.ok()) co_return status.WithContext(bench.name);
    layer.push_back(Now(clock) - start);
    start = Now(clock);
    status = bench.baseline(corpus, size);
    if (!status.ok()) co_return status.WithContext(bench.name);
    baseline.push_back(Now(clock) - start);
  }
  StreamBenchRow row;
  row.name = bench.name;
  row.gib_per_s = GibPerS(size, Median(std::move(layer)));
  row.baseline_gib_per_s = GibPerS(size, Median(std::move(baseline)));
  co_return row;
}

}  // namespace

Result<stream::Pipeline> BenchPipeline() {
  stream::CompressOptions compress;
  compress.codec = stream::Codec::kZstd;
  compress.level = 3;
  compress.block_size = kBenchBlockSize;
  stream::EncryptOptions encrypt;
  encrypt.cipher = stream::Cipher::kAes256Gcm;
  encrypt.master_key = stream::EncryptionKey::Generate();
  encrypt.object_id = "bench";
  stream::DecryptOptions decrypt;
  decrypt.master_key = encrypt.master_key;
  // CRC32C over the stored (encrypted) bytes: the protect stage, per block.
  stream::BitrotOptions protect;
  protect.algorithm = stream::HashAlgorithm::kCrc32c;
  protect.block_size = kBenchBlockSize;
  stream::Pipeline::Builder builder;
  builder.Compress(std::move(compress))
      .Encrypt(std::move(encrypt), std::move(decrypt))
      .Protect(std::move(protect));
  return builder.Build();
}

Task<Result<std::vector<StreamBenchRow>>> RunStreamBench(uint64_t size,
                                                         int repetitions,
                                                         BenchClock clock) {
  BenchCorpus corpus = BenchCorpus::Make();
  std::vector<StreamBenchRow> rows;
  for (const BenchCase& bench : kCases) {
    STRATA_CO_ASSIGN_OR_RETURN(
        StreamBenchRow row,
        co_await RunCase(bench, corpus, size, std::max(repetitions, 1), clock));
    rows.push_back(std::move(row));
  }
  co_return rows;
}

}  // namespace strata::cli
