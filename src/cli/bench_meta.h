// `strata bench meta`: metadata-operation rates through a strata server.
//
// C client threads each run N operations of one kind at a time — ping
// (HealthService.Ping: the transport's own limit), stat, mkdir, list, create
// (a 4 KiB Write) and read (a 4 KiB Read) — against a scratch tree
// /bench-<pid> that is created first and removed afterwards. Each kind
// reports total ops / wall time and p50/p99 latency; the namespace's own
// cost shows as the ratio of each rate to the ping rate. An untimed warm-up
// (min(N, 200) pings per client) precedes the phases, and ping is measured
// both first and last: the faster run is reported as the reference.
//
// Thread-safety: RunMetaBench drives its own threads; call it from one.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cli/fs_client.h"
#include "strata/core/result.h"

namespace strata::cli {

struct MetaBenchConfig {
  MetaBenchConfig() {}
  int clients = 16;
  int ops = 1000;    // per client and per operation kind
  std::string root;  // scratch directory; empty: /bench-<pid>
};

struct MetaOpResult {
  std::string name;  // "ping", "stat", "mkdir", "list", "create", "read"
  uint64_t ops = 0;
  double seconds = 0;
  double ops_per_sec = 0;
  double p50_us = 0;
  double p99_us = 0;
};

// Runs every operation kind in turn (ping first, its row holding the
// faster of the first and last ping runs). Fails with the first
// failed call (naming its path) after removing the scratch tree.
Result<std::vector<MetaOpResult>> RunMetaBench(FsClient& client,
                                               const MetaBenchConfig& config);

}  // namespace strata::cli
