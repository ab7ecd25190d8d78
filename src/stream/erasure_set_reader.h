// Internal: the state OpenErasureSetReader hands to the reader once it has
// probed the shard headers and chosen the set's shape.
//
// Thread-safety: as layer.h (reads need external synchronisation).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "strata/stream/erasure.h"
#include "strata/stream/erasure_set.h"
#include "stream/erasure_set_format.h"

namespace strata::stream {

struct ErasureSetState {
  std::vector<std::unique_ptr<fs::File>> shards;  // k+m, nullptr if absent
  std::vector<bool> usable;  // header agrees and size is right
  ShardHeader shape;         // object_size known
  HealReport report;         // missing shards found at open
  std::unique_ptr<ReedSolomon> rs;
  std::string path;  // names the set in messages
};

std::unique_ptr<ErasureSetReader> NewErasureSetReaderImpl(
    ErasureSetState state);

}  // namespace strata::stream
