// MetaStore: the engine-neutral key-value store under the namespace's
// metadata (mount table, directory entries, sync state).
//
// Keys and values are byte strings; keys sort bytewise. Every successful
// mutation advances one store-wide revision counter (as etcd does), and each
// key remembers the revision that last wrote it (`mod_revision`). A
// transaction applies its operations atomically if and only if every one of
// its comparisons holds, which gives compare-and-set on revisions: read a key,
// then commit "if mod_revision is still R, put ...". Revision 0 in a
// comparison means "the key must be absent".
//
// Implementations: NewMemoryMetaStore() (tests; gone with the process) and
// OpenRocksDbMetaStore() (embedded default; persistent). A distributed one
// (etcd) fits the same interface: nothing here assumes a local engine.
//
// Thread-safety: every method may be called concurrently from any thread or
// reactor. Writes are linearizable: a Get or Scan that starts after a write
// returned sees it. Errors name the key or the store's path.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "strata/core/result.h"
#include "strata/core/task.h"

namespace strata::vfs {

struct KeyValue {
  std::string key;
  std::string value;
  uint64_t mod_revision = 0;  // the store revision that last wrote the key
};

struct ScanOptions {
  ScanOptions() {}  // non-aggregate (GCC 12 coroutine temporaries; fs/types.h)
  // Only keys strictly greater than this (bytewise); empty: from the start
  // of the prefix. Used to page through large prefixes.
  std::string start_after;
  // At most this many results; 0: no limit.
  size_t limit = 0;
};

// One condition of a transaction.
struct TxnCompare {
  std::string key;
  // The key's mod_revision must equal this; 0 means the key must be absent.
  uint64_t mod_revision = 0;
};

struct TxnOp {
  enum class Kind { kPut, kDelete };
  Kind kind = Kind::kPut;
  std::string key;
  std::string value;  // kPut only

  static TxnOp Put(std::string key, std::string value) {
    TxnOp op;
    op.key = std::move(key);
    op.value = std::move(value);
    return op;
  }
  static TxnOp Delete(std::string key) {
    TxnOp op;
    op.kind = Kind::kDelete;
    op.key = std::move(key);
    return op;
  }
};

struct Txn {
  Txn() {}  // non-aggregate (see ScanOptions)
  std::vector<TxnCompare> compares;
  std::vector<TxnOp> ops;  // applied in order; a later op on a key wins
};

struct TxnResult {
  // False: some comparison failed and nothing was applied.
  bool succeeded = false;
  // The store revision after the commit (succeeded), or the current one.
  uint64_t revision = 0;
};

class MetaStore {
 public:
  virtual ~MetaStore() = default;

  // "memory" or "rocksdb"; used in messages and metrics labels.
  virtual std::string_view name() const = 0;

  // The key's value and mod_revision; nullopt when absent.
  virtual Task<Result<std::optional<KeyValue>>> Get(std::string key) = 0;
  // Get answered on the calling thread without suspending, for engines that
  // read local memory or disk (memory, RocksDB); usable from any thread,
  // reactor or not. nullopt when the engine would have to wait (a remote
  // store): use Get then. The default is nullopt.
  virtual std::optional<Result<std::optional<KeyValue>>> TryGetNow(
      std::string_view /*key*/) {
    return std::nullopt;
  }

  // Unconditional write; returns the new store revision.
  virtual Task<Result<uint64_t>> Put(std::string key, std::string value) = 0;

  // Removes the key; returns whether it existed. Deleting an absent key does
  // not advance the revision.
  virtual Task<Result<bool>> Delete(std::string key) = 0;

  // Keys starting with `prefix` (empty: all keys), in key order, from a
  // consistent snapshot.
  virtual Task<Result<std::vector<KeyValue>>> Scan(std::string prefix,
                                                   ScanOptions options) = 0;

  // Atomically: if every comparison holds, applies every op (one new
  // revision for the whole transaction); otherwise applies nothing and
  // returns succeeded = false. A transaction with no ops and passing
  // comparisons succeeds without advancing the revision. Empty keys are
  // kInvalidArgument.
  virtual Task<Result<TxnResult>> Commit(Txn txn) = 0;

  // The current store revision (0 for an empty, never-written store).
  virtual Task<Result<uint64_t>> Revision() = 0;
};

// A process-local store for tests.
std::shared_ptr<MetaStore> NewMemoryMetaStore();

struct RocksDbMetaStoreOptions {
  RocksDbMetaStoreOptions() {}  // non-aggregate (see ScanOptions)
  // fsync the write-ahead log on every mutation. Off: a mutation survives a
  // process crash (kill -9) but not a power loss or kernel crash.
  bool sync_writes = false;
  // Block cache for reads, bytes.
  size_t block_cache_bytes = 32 << 20;
};

// Opens (creating if missing) a RocksDB database in directory `path`.
// kUnavailable names the path when another process holds it open;
// kDataLoss when the database is corrupt; kInvalidArgument when `path` is
// not a directory or holds something that is not a strata metadata store.
Result<std::shared_ptr<MetaStore>> OpenRocksDbMetaStore(
    const std::string& path,
    RocksDbMetaStoreOptions options = RocksDbMetaStoreOptions());

}  // namespace strata::vfs
