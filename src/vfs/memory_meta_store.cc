// NewMemoryMetaStore: a MetaStore in a std::map behind one mutex.
//
// Every method takes the mutex for its whole body, so operations are
// linearizable in mutex order; nothing suspends, so each coroutine completes
// on the caller's thread without awaiting.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "strata/vfs/meta_store.h"

namespace strata::vfs {
namespace {

struct Entry {
  std::string value;
  uint64_t mod_revision = 0;
};

Status CheckKey(std::string_view key, std::string_view what) {
  if (key.empty()) {
    return InvalidArgumentError("metadata store (memory): empty key in " +
                                std::string(what));
  }
  return Status::OK();
}

Status CheckTxnKeys(const Txn& txn) {
  for (const TxnCompare& c : txn.compares) {
    STRATA_RETURN_IF_ERROR(CheckKey(c.key, "transaction compare"));
  }
  for (const TxnOp& op : txn.ops) {
    STRATA_RETURN_IF_ERROR(CheckKey(op.key, "transaction op"));
  }
  return Status::OK();
}

class MemoryMetaStore final : public MetaStore {
 public:
  std::string_view name() const override { return "memory"; }

  Task<Result<std::optional<KeyValue>>> Get(std::string key) override {
    co_return Lookup(key);
  }

  std::optional<Result<std::optional<KeyValue>>> TryGetNow(
      std::string_view key) override {
    return Result<std::optional<KeyValue>>(Lookup(key));
  }

  Task<Result<uint64_t>> Put(std::string key, std::string value) override {
    STRATA_CO_RETURN_IF_ERROR(CheckKey(key, "put"));
    std::lock_guard lock(mu_);
    Entry& entry = entries_[std::move(key)];
    entry.value = std::move(value);
    entry.mod_revision = ++revision_;
    co_return revision_;
  }

  Task<Result<bool>> Delete(std::string key) override {
    STRATA_CO_RETURN_IF_ERROR(CheckKey(key, "delete"));
    std::lock_guard lock(mu_);
    if (entries_.erase(key) == 0) co_return false;
    ++revision_;
    co_return true;
  }

  Task<Result<std::vector<KeyValue>>> Scan(std::string prefix,
                                           ScanOptions options) override {
    std::lock_guard lock(mu_);
    co_return ScanLocked(prefix, options);
  }

  Task<Result<TxnResult>> Commit(Txn txn) override {
    STRATA_CO_RETURN_IF_ERROR(CheckTxnKeys(txn));
    std::lock_guard lock(mu_);
    TxnResult result;
    result.succeeded = ComparesHold(txn.compares);
    if (result.succeeded) ApplyLocked(txn.ops);
    result.revision = revision_;
    co_return result;
  }

  Task<Result<uint64_t>> Revision() override {
    std::lock_guard lock(mu_);
    co_return revision_;
  }

 private:
  std::optional<KeyValue> Lookup(std::string_view key) const {
    std::optional<KeyValue> out;
    std::lock_guard lock(mu_);
    auto it = entries_.find(key);
    if (it != entries_.end()) {
      out.emplace();
      out->key = std::string(key);
      out->value = it->second.value;
      out->mod_revision = it->second.mod_revision;
    }
    return out;
  }

  std::vector<KeyValue> ScanLocked(const std::string& prefix,
                                   const ScanOptions& options) const {
    std::vector<KeyValue> out;
    const bool after =
        !options.start_after.empty() && options.start_after >= prefix;
    auto it = after ? entries_.upper_bound(options.start_after)
                    : entries_.lower_bound(prefix);
    for (; it != entries_.end(); ++it) {
      if (it->first.compare(0, prefix.size(), prefix) != 0) break;
      if (options.limit != 0 && out.size() >= options.limit) break;
      KeyValue& kv = out.emplace_back();
      kv.key = it->first;
      kv.value = it->second.value;
      kv.mod_revision = it->second.mod_revision;
    }
    return out;
  }

  bool ComparesHold(const std::vector<TxnCompare>& compares) const {
    for (const TxnCompare& c : compares) {
      auto it = entries_.find(c.key);
      const uint64_t actual =
          it == entries_.end() ? 0 : it->second.mod_revision;
      if (actual != c.mod_revision) return false;
    }
    return true;
  }

  // Applies `ops` in order under one new revision; the revision advances only
  // when some op changed the store (a delete of an absent key does not).
  void ApplyLocked(std::vector<TxnOp>& ops) {
    const uint64_t next = revision_ + 1;
    bool changed = false;
    for (TxnOp& op : ops) {
      if (op.kind == TxnOp::Kind::kPut) {
        Entry& entry = entries_[std::move(op.key)];
        entry.value = std::move(op.value);
        entry.mod_revision = next;
        changed = true;
      } else if (entries_.erase(op.key) != 0) {
        changed = true;
      }
    }
    if (changed) revision_ = next;
  }

  mutable std::mutex mu_;
  std::map<std::string, Entry, std::less<>> entries_;
  uint64_t revision_ = 0;
};

}  // namespace

std::shared_ptr<MetaStore> NewMemoryMetaStore() {
  return std::make_shared<MemoryMetaStore>();
}

}  // namespace strata::vfs
