// Mount records in the MetaStore: creating one (with its never-reused id)
// in one compare-and-set transaction. Private to src/vfs; the format is in
// mount_record.h and docs/metadata-schema.md.
//
// Thread-safety: safe to call concurrently (the store arbitrates); two
// concurrent creations of one mount point never both succeed.
#pragma once
#include <cstdint>
#include <memory>

#include "strata/core/result.h"
#include "strata/core/task.h"
#include "strata/vfs/meta_store.h"
#include "strata/vfs/mount_table.h"

namespace strata::vfs::mount_store {

// What CommitNewMount wrote.
struct Committed {
  uint64_t id = 0;            // the id given to the mount
  uint64_t mod_revision = 0;  // of the new record
};

// Persists `mount` (its id is ignored and chosen here: the stored counter
// `meta/next_mount_id`, at least `id_floor`) with an absent-compare on its
// key and a compare-and-set on the counter, in one transaction.
// kAlreadyExists when the mount point's key exists (or appeared meanwhile);
// kAborted when the counter kept moving; the store's errors otherwise.
Task<Result<Committed>> CommitNewMount(std::shared_ptr<MetaStore> store,
                                       MountPoint mount, uint64_t id_floor);

}  // namespace strata::vfs::mount_store
