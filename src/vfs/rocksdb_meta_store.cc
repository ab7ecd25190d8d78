// OpenRocksDbMetaStore: a MetaStore on an embedded RocksDB database.
//
// Layout: see rocksdb_meta_store_codec.h. Reads (Get, Scan) go straight to
// the database, which is safe for concurrent use. Mutations are serialised by
// one mutex: comparisons are checked against the database under it and the
// whole mutation, including the new store revision, is one WriteBatch, so a
// crash leaves either all of a transaction or none of it. RocksDB calls are
// synchronous and short; they run inline in the calling coroutine.

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/iterator.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "strata/vfs/meta_store.h"
#include "vfs/rocksdb_meta_store_codec.h"

namespace strata::vfs {
namespace {

namespace codec = rocksdb_codec;

// The one rocksdb::Status → Status mapping. `path` is the database
// directory; `op` names the operation (and key, when there is one).
Status RocksDbError(const rocksdb::Status& s, std::string_view path,
                    std::string_view op) {
  std::string where = "metadata store " + std::string(path) + ": " +
                      std::string(op) + ": " + s.ToString();
  if (s.IsIOError() && s.ToString().find("lock") != std::string::npos) {
    return Status(StatusCode::kUnavailable,
                  "metadata store " + std::string(path) +
                      " is held by another process (" + s.ToString() + ")",
                  0, /*retryable=*/true);
  }
  if (s.IsCorruption()) return DataLossError(std::move(where));
  if (s.IsInvalidArgument() || s.IsNotSupported()) {
    return InvalidArgumentError(std::move(where));
  }
  if (s.IsNoSpace()) return ResourceExhaustedError(std::move(where));
  if (s.IsBusy() || s.IsTryAgain() || s.IsTimedOut()) {
    return Status(StatusCode::kUnavailable, std::move(where), 0, true);
  }
  return InternalError(std::move(where));
}

Status EmptyKeyError(std::string_view path, std::string_view what) {
  return InvalidArgumentError("metadata store " + std::string(path) +
                              ": empty key in " + std::string(what));
}

class RocksDbMetaStore final : public MetaStore {
 public:
  RocksDbMetaStore(std::string path, std::unique_ptr<rocksdb::DB> db,
                   bool sync_writes, uint64_t revision)
      : path_(std::move(path)), db_(std::move(db)), revision_(revision) {
    write_options_.sync = sync_writes;
  }
  ~RocksDbMetaStore() override { db_->Close().PermitUncheckedError(); }

  std::string_view name() const override { return "rocksdb"; }

  Task<Result<std::optional<KeyValue>>> Get(std::string key) override {
    co_return GetEntry(key);
  }

  std::optional<Result<std::optional<KeyValue>>> TryGetNow(
      std::string_view key) override {
    return GetEntry(key);
  }

  Task<Result<uint64_t>> Put(std::string key, std::string value) override {
    if (key.empty()) co_return EmptyKeyError(path_, "put");
    std::vector<TxnOp> ops;
    ops.push_back(TxnOp::Put(std::move(key), std::move(value)));
    std::lock_guard lock(mu_);
    STRATA_CO_RETURN_IF_ERROR(ApplyLocked(ops));
    co_return revision_;
  }

  Task<Result<bool>> Delete(std::string key) override {
    if (key.empty()) co_return EmptyKeyError(path_, "delete");
    std::vector<TxnOp> ops;
    ops.push_back(TxnOp::Delete(std::move(key)));
    std::lock_guard lock(mu_);
    co_return ApplyLocked(ops);
  }

  Task<Result<std::vector<KeyValue>>> Scan(std::string prefix,
                                           ScanOptions options) override {
    co_return ScanEntries(prefix, options);
  }

  Task<Result<TxnResult>> Commit(Txn txn) override { co_return CommitTxn(txn); }

  Task<Result<uint64_t>> Revision() override {
    std::lock_guard lock(mu_);
    co_return revision_;
  }

 private:
  // The raw stored bytes of `user_key`, nullopt when absent.
  Result<std::optional<std::string>> GetRaw(std::string_view user_key) const {
    std::string raw;
    rocksdb::Status s =
        db_->Get(rocksdb::ReadOptions(), codec::DataKey(user_key), &raw);
    if (s.IsNotFound()) return std::optional<std::string>();
    if (!s.ok()) {
      return RocksDbError(s, path_, "get '" + std::string(user_key) + "'");
    }
    return std::optional<std::string>(std::move(raw));
  }

  Result<std::optional<KeyValue>> GetEntry(std::string_view user_key) const {
    STRATA_ASSIGN_OR_RETURN(std::optional<std::string> raw, GetRaw(user_key));
    if (!raw) return std::optional<KeyValue>();
    STRATA_ASSIGN_OR_RETURN(KeyValue kv, codec::DecodeValue(user_key, *raw));
    return std::optional<KeyValue>(std::move(kv));
  }

  // Positions `it` on the first data key of the scan.
  static void SeekStart(rocksdb::Iterator* it, const std::string& prefix,
                        const ScanOptions& options) {
    if (options.start_after.empty() || options.start_after < prefix) {
      it->Seek(codec::DataKey(prefix));
      return;
    }
    const std::string after = codec::DataKey(options.start_after);
    it->Seek(after);
    if (it->Valid() && it->key() == after) it->Next();
  }

  // A RocksDB iterator reads from the implicit snapshot taken when it is
  // created, so the whole scan sees one consistent state.
  Result<std::vector<KeyValue>> ScanEntries(const std::string& prefix,
                                            const ScanOptions& options) const {
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(rocksdb::ReadOptions()));
    const std::string data_prefix = codec::DataKey(prefix);
    std::vector<KeyValue> out;
    for (SeekStart(it.get(), prefix, options);
         it->Valid() && it->key().starts_with(data_prefix); it->Next()) {
      if (options.limit != 0 && out.size() >= options.limit) break;
      std::string_view user_key(it->key().data() + 1, it->key().size() - 1);
      STRATA_ASSIGN_OR_RETURN(
          KeyValue kv,
          codec::DecodeValue(user_key, it->value().ToStringView()));
      out.push_back(std::move(kv));
    }
    if (!it->status().ok()) {
      return RocksDbError(it->status(), path_, "scan '" + prefix + "'");
    }
    return out;
  }

  Result<TxnResult> CommitTxn(Txn& txn) {
    for (const TxnCompare& c : txn.compares) {
      if (c.key.empty()) return EmptyKeyError(path_, "transaction compare");
    }
    for (const TxnOp& op : txn.ops) {
      if (op.key.empty()) return EmptyKeyError(path_, "transaction op");
    }
    std::lock_guard lock(mu_);
    TxnResult result;
    STRATA_ASSIGN_OR_RETURN(result.succeeded, ComparesHold(txn.compares));
    if (result.succeeded) STRATA_RETURN_IF_ERROR(ApplyLocked(txn.ops));
    result.revision = revision_;
    return result;
  }

  Result<bool> ComparesHold(const std::vector<TxnCompare>& compares) const {
    for (const TxnCompare& c : compares) {
      STRATA_ASSIGN_OR_RETURN(std::optional<KeyValue> kv, GetEntry(c.key));
      const uint64_t actual = kv ? kv->mod_revision : 0;
      if (actual != c.mod_revision) return false;
    }
    return true;
  }

  // Whether `key` exists once the ops already in the batch are applied.
  Result<bool> ExistsLocked(const std::string& key,
                            const std::map<std::string, bool>& pending) const {
    auto it = pending.find(key);
    if (it != pending.end()) return it->second;
    STRATA_ASSIGN_OR_RETURN(std::optional<std::string> raw, GetRaw(key));
    return raw.has_value();
  }

  // Writes `ops` in order under one new revision, in one WriteBatch. Returns
  // whether anything changed; when nothing did (only deletes of absent keys)
  // nothing is written and the revision stays. Requires mu_.
  Result<bool> ApplyLocked(const std::vector<TxnOp>& ops) {
    const uint64_t next = revision_ + 1;
    rocksdb::WriteBatch batch;
    std::map<std::string, bool> pending;  // key → exists after earlier ops
    bool changed = false;
    for (const TxnOp& op : ops) {
      if (op.kind == TxnOp::Kind::kPut) {
        batch.Put(codec::DataKey(op.key), codec::EncodeValue(next, op.value));
        pending[op.key] = true;
        changed = true;
        continue;
      }
      STRATA_ASSIGN_OR_RETURN(bool exists, ExistsLocked(op.key, pending));
      if (exists) batch.Delete(codec::DataKey(op.key));
      changed = changed || exists;
      pending[op.key] = false;
    }
    if (!changed) return false;
    batch.Put(codec::kRevisionKey, codec::EncodeRevision(next));
    rocksdb::Status s = db_->Write(write_options_, &batch);
    if (!s.ok()) return RocksDbError(s, path_, "write");
    revision_ = next;
    return true;
  }

  const std::string path_;
  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::WriteOptions write_options_;
  std::mutex mu_;  // serialises mutations; guards revision_
  uint64_t revision_;
};

rocksdb::Options MakeOptions(const RocksDbMetaStoreOptions& options) {
  rocksdb::Options o;
  o.create_if_missing = true;
  o.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  o.keep_log_file_num = 2;
  rocksdb::BlockBasedTableOptions table;
  if (options.block_cache_bytes == 0) {
    table.no_block_cache = true;
  } else {
    table.block_cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  }
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return o;
}

// Creates `path` (and its parents) if missing; refuses a non-directory.
Status PrepareDirectory(const std::string& path) {
  if (path.empty()) {
    return InvalidArgumentError("metadata store: empty directory path");
  }
  std::error_code ec;
  std::filesystem::file_status st = std::filesystem::status(path, ec);
  if (std::filesystem::exists(st)) {
    if (std::filesystem::is_directory(st)) return Status::OK();
    return InvalidArgumentError("metadata store " + path +
                                ": exists and is not a directory");
  }
  std::filesystem::create_directories(path, ec);
  if (ec) return ErrnoToStatus(ec.value(), "create directory " + path);
  return Status::OK();
}

// The revision of a database that carries the format marker `marker`.
Result<uint64_t> ReadRevision(rocksdb::DB& db, const std::string& path,
                              const std::string& marker) {
  if (marker != codec::kFormatMarker) {
    return InvalidArgumentError("metadata store " + path +
                                ": unknown format marker (not a strata "
                                "metadata store, or a newer format)");
  }
  std::string raw;
  rocksdb::Status s = db.Get(rocksdb::ReadOptions(), codec::kRevisionKey, &raw);
  if (s.IsNotFound()) {
    return DataLossError("metadata store " + path + ": revision missing");
  }
  if (!s.ok()) return RocksDbError(s, path, "read revision");
  return codec::DecodeRevision(raw, "metadata store " + path);
}

// Writes the marker and revision 0 into a database with no keys at all (new,
// or created by a crash before its first write); refuses any other.
Result<uint64_t> InitializeEmpty(rocksdb::DB& db, const std::string& path) {
  std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(rocksdb::ReadOptions()));
  it->SeekToFirst();
  if (it->Valid()) {
    return InvalidArgumentError("metadata store " + path +
                                ": holds a RocksDB database that is not a "
                                "strata metadata store");
  }
  if (!it->status().ok()) return RocksDbError(it->status(), path, "scan");
  rocksdb::WriteBatch batch;
  batch.Put(codec::kFormatKey, codec::kFormatMarker);
  batch.Put(codec::kRevisionKey, codec::EncodeRevision(0));
  rocksdb::WriteOptions sync;
  sync.sync = true;
  rocksdb::Status s = db.Write(sync, &batch);
  if (!s.ok()) return RocksDbError(s, path, "initialise");
  return uint64_t{0};
}

// Checks the format marker and loads the store revision.
Result<uint64_t> LoadRevision(rocksdb::DB& db, const std::string& path) {
  std::string marker;
  rocksdb::Status s =
      db.Get(rocksdb::ReadOptions(), codec::kFormatKey, &marker);
  if (s.ok()) return ReadRevision(db, path, marker);
  if (!s.IsNotFound()) return RocksDbError(s, path, "read format marker");
  return InitializeEmpty(db, path);
}

}  // namespace

Result<std::shared_ptr<MetaStore>> OpenRocksDbMetaStore(
    const std::string& path, RocksDbMetaStoreOptions options) {
  STRATA_RETURN_IF_ERROR(PrepareDirectory(path));
  rocksdb::DB* raw_db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(MakeOptions(options), path, &raw_db);
  if (!s.ok()) return RocksDbError(s, path, "open");
  std::unique_ptr<rocksdb::DB> db(raw_db);
  STRATA_ASSIGN_OR_RETURN(uint64_t revision, LoadRevision(*db, path));
  return std::shared_ptr<MetaStore>(std::make_shared<RocksDbMetaStore>(
      path, std::move(db), options.sync_writes, revision));
}

}  // namespace strata::vfs
