// The strata_journal_* metrics, registered once per registry.
#pragma once

#include "strata/core/metrics.h"

namespace strata::journal {

struct JournalMetrics {
  explicit JournalMetrics(metrics::Registry& registry);
  metrics::Counter& appends;
  metrics::Counter& bytes;
  metrics::Counter& syncs;
  metrics::Histogram& group_size;
  metrics::Histogram& sync_seconds;
  metrics::Histogram& flush_seconds;
};

}  // namespace strata::journal
