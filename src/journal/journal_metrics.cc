#include "journal/journal_metrics.h"

namespace strata::journal {

JournalMetrics::JournalMetrics(metrics::Registry& registry)
    : appends(registry.GetCounter("strata_journal_appends_total",
                                  "records appended to journals")),
      bytes(registry.GetCounter("strata_journal_bytes_total",
                                "frame bytes (headers and payloads) appended "
                                "to journals")),
      syncs(registry.GetCounter("strata_journal_syncs_total",
                                "fdatasync calls issued by journals")),
      group_size(registry.GetHistogram("strata_journal_group_size",
                                       "records made durable by one sync",
                                       metrics::CountBuckets())),
      sync_seconds(registry.GetHistogram(
          "strata_journal_sync_duration_seconds",
          "time for one journal sync (fdatasync, or a write with RWF_DSYNC)",
          metrics::LatencyBuckets())),
      flush_seconds(
          registry.GetHistogram("strata_journal_batch_flush_duration_seconds",
                                "time to write one batch to its segment",
                                metrics::LatencyBuckets())) {}

}  // namespace strata::journal
