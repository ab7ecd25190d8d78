// Creating mount records in the MetaStore (see mount_store.h).

#include "vfs/mount_store.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <utility>

#include "vfs/mount_record.h"

namespace strata::vfs::mount_store {
namespace {

// Commit attempts before a writer gives up on a contended counter.
constexpr int kMaxCommitAttempts = 8;

int64_t NowUnixNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The persisted id counter: the next id and the revision to compare on.
struct IdCounter {
  uint64_t next = 1;
  uint64_t mod_revision = 0;  // 0: the key is absent
};

Task<Result<IdCounter>> LoadIdCounter(std::shared_ptr<MetaStore> store,
                                      uint64_t floor) {
  IdCounter counter;
  STRATA_CO_ASSIGN_OR_RETURN(
      std::optional<KeyValue> kv,
      co_await store->Get(std::string(mount_record::kNextIdKey)));
  if (kv.has_value()) {
    STRATA_CO_ASSIGN_OR_RETURN(counter.next,
                               mount_record::DecodeNextId(kv->value));
    counter.mod_revision = kv->mod_revision;
  }
  counter.next = std::max(counter.next, floor);
  co_return counter;
}

}  // namespace

Task<Result<Committed>> CommitNewMount(std::shared_ptr<MetaStore> store,
                                       MountPoint mount, uint64_t id_floor) {
  std::string key = mount_record::Key(mount.path);
  for (int attempt = 0; attempt < kMaxCommitAttempts; ++attempt) {
    STRATA_CO_ASSIGN_OR_RETURN(IdCounter counter,
                               co_await LoadIdCounter(store, id_floor));
    mount.id = counter.next;
    STRATA_CO_ASSIGN_OR_RETURN(std::string record,
                               mount_record::Encode(mount, NowUnixNanos()));
    Txn txn;
    txn.compares.push_back(TxnCompare{key, 0});
    txn.compares.push_back(TxnCompare{std::string(mount_record::kNextIdKey),
                                      counter.mod_revision});
    txn.ops.push_back(TxnOp::Put(key, std::move(record)));
    txn.ops.push_back(TxnOp::Put(std::string(mount_record::kNextIdKey),
                                 mount_record::EncodeNextId(mount.id + 1)));
    STRATA_CO_ASSIGN_OR_RETURN(TxnResult r,
                               co_await store->Commit(std::move(txn)));
    if (r.succeeded) co_return Committed{mount.id, r.revision};
    STRATA_CO_ASSIGN_OR_RETURN(std::optional<KeyValue> now,
                               co_await store->Get(key));
    if (now.has_value()) {
      co_return AlreadyExistsError("mount point " + mount.path +
                                   " was mounted concurrently");
    }
  }
  co_return AbortedError("mount " + mount.path +
                         ": the mount table kept changing; try again");
}

}  // namespace strata::vfs::mount_store
