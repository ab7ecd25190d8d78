// Metadata schema: keys, records (binary, and version-1 JSON on read),
// the version record and inode allocation (docs/metadata-schema.md).
#include "vfs/schema.h"

#include <cinttypes>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>

#include "vfs/record_codec.h"

namespace strata::vfs::schema {
namespace {

using nlohmann::json;

std::string Hex16(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016" PRIx64, v);
  return std::string(buf, 16);
}

Status Corrupt(std::string_view key, std::string_view why) {
  return DataLossError("corrupt metadata record " + std::string(key) + ": " +
                       std::string(why));
}

// Parses `value` as a JSON object without exceptions.
std::optional<json> ParseObject(std::string_view value) {
  json j = json::parse(value.begin(), value.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  return j;
}

// Reads an optional unsigned field; false when present with the wrong type.
bool ReadU64(const json& j, const char* name, uint64_t* out) {
  auto it = j.find(name);
  if (it == j.end()) return true;
  if (!it->is_number_unsigned()) return false;
  *out = it->get<uint64_t>();
  return true;
}

bool ReadI64(const json& j, const char* name, int64_t* out) {
  auto it = j.find(name);
  if (it == j.end()) return true;
  if (!it->is_number_integer()) return false;
  if (it->is_number_unsigned() &&
      it->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
    return false;
  }
  *out = it->get<int64_t>();
  return true;
}

bool ReadBool(const json& j, const char* name, bool* out) {
  auto it = j.find(name);
  if (it == j.end()) return true;
  if (!it->is_boolean()) return false;
  *out = it->get<bool>();
  return true;
}

bool ReadString(const json& j, const char* name, std::string* out) {
  auto it = j.find(name);
  if (it == j.end()) return true;
  if (!it->is_string()) return false;
  *out = it->get<std::string>();
  return true;
}

// Version-1 records are JSON objects; binary ones start with a tag byte.
bool IsJson(std::string_view value) {
  return !value.empty() && value[0] == '{';
}

// Serialises without exceptions on invalid UTF-8 (etags are opaque bytes).
std::string Dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

std::string DentKey(uint64_t parent, std::string_view name) {
  std::string key = DentPrefix(parent);
  key.append(name);
  return key;
}

std::string DentPrefix(uint64_t parent) {
  std::string key(kDentPrefix);
  key += Hex16(parent);
  key += '/';
  return key;
}

std::string DirKey(uint64_t ino) {
  return std::string(kDirPrefix) + Hex16(ino);
}

std::string EncodeEntry(const Entry& entry) {
  return record_codec::EncodeEntry(entry);
}

Result<Entry> DecodeEntry(std::string_view key, std::string_view value) {
  if (!IsJson(value)) return record_codec::DecodeEntry(key, value);
  std::optional<json> j = ParseObject(value);
  if (!j) return Corrupt(key, "not a JSON object");
  Entry e;
  if (!j->contains("ino") || !ReadU64(*j, "ino", &e.ino) || e.ino == 0) {
    return Corrupt(key, "missing or invalid \"ino\"");
  }
  if (!ReadBool(*j, "dir", &e.dir) || !ReadU64(*j, "size", &e.size) ||
      !ReadI64(*j, "mtime", &e.mtime_ns) || !ReadString(*j, "etag", &e.etag) ||
      !ReadI64(*j, "synced", &e.synced_ns)) {
    return Corrupt(key, "a field has the wrong type");
  }
  return e;
}

std::string EncodeDirState(const DirState& state) {
  return record_codec::EncodeDirState(state);
}

Result<DirState> DecodeDirState(std::string_view key, std::string_view value) {
  if (!IsJson(value)) return record_codec::DecodeDirState(key, value);
  std::optional<json> j = ParseObject(value);
  if (!j) return Corrupt(key, "not a JSON object");
  DirState s;
  if (!ReadI64(*j, "listed", &s.listed_ns)) {
    return Corrupt(key, "invalid \"listed\"");
  }
  return s;
}

fs::FileInfo EntryToInfo(const Entry& entry, std::string path) {
  fs::FileInfo info;
  info.path = std::move(path);
  info.is_dir = entry.dir;
  info.size = entry.dir ? 0 : entry.size;
  info.mtime = FromUnixNanos(entry.mtime_ns);
  info.etag = entry.etag;
  return info;
}

Entry InfoToEntry(const fs::FileInfo& info) {
  Entry e;
  e.dir = info.is_dir;
  e.size = info.is_dir ? 0 : info.size;
  e.mtime_ns = ToUnixNanos(info.mtime);
  e.etag = info.etag;
  return e;
}

bool SameObject(const Entry& a, const Entry& b) {
  return a.dir == b.dir && a.size == b.size && a.mtime_ns == b.mtime_ns &&
         a.etag == b.etag;
}

int64_t ToUnixNanos(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             t.time_since_epoch())
      .count();
}

std::chrono::system_clock::time_point FromUnixNanos(int64_t ns) {
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::nanoseconds(ns)));
}

int64_t NowUnixNanos() { return ToUnixNanos(std::chrono::system_clock::now()); }

Task<Status> EnsureSchemaVersion(std::shared_ptr<MetaStore> store) {
  const std::string key(kVersionKey);
  for (int attempt = 0; attempt < 8; ++attempt) {
    auto kv = co_await store->Get(key);
    if (!kv.ok()) co_return kv.status();
    if (kv->has_value()) {
      std::optional<json> j = ParseObject((*kv)->value);
      uint64_t version = 0;
      if (!j || !ReadU64(*j, "version", &version) || version == 0) {
        co_return Corrupt(key, "invalid \"version\"");
      }
      if (version > kSchemaVersion) {
        co_return FailedPreconditionError(
            "metadata schema version " + std::to_string(version) +
            " is newer than this build's " + std::to_string(kSchemaVersion));
      }
      if (version == kSchemaVersion) co_return Status::OK();
    }
    // New store, or an older version this build reads and upgrades (later
    // writes use the new encoding, so older builds must refuse the store).
    Txn txn;
    txn.compares.push_back(
        TxnCompare{key, kv->has_value() ? (*kv)->mod_revision : 0});
    json v = json::object();
    v["version"] = kSchemaVersion;
    txn.ops.push_back(TxnOp::Put(key, Dump(v)));
    auto done = co_await store->Commit(std::move(txn));
    if (!done.ok()) co_return done.status();
    if (done->succeeded) co_return Status::OK();
  }
  co_return AbortedError("too many concurrent writers of " + key);
}

bool InodeAllocator::TakeLocal(uint64_t* ino) {
  std::lock_guard<std::mutex> lock(mu_);
  if (next_ >= end_) return false;
  *ino = next_++;
  return true;
}

Task<Result<uint64_t>> InodeAllocator::Allocate() {
  uint64_t ino = 0;
  if (TakeLocal(&ino)) co_return ino;
  runtime::Semaphore::Permit permit = co_await reserving_.Acquire();
  // Another caller may have reserved a block while this one waited.
  if (TakeLocal(&ino)) co_return ino;
  co_return co_await ReserveBlock();
}

Task<Result<uint64_t>> InodeAllocator::ReserveBlock() {
  const std::string key(kNextInoKey);
  for (int attempt = 0; attempt < 64; ++attempt) {
    auto kv = co_await store_->Get(key);
    if (!kv.ok()) co_return kv.status();
    uint64_t first = kFirstIno;
    Txn txn;
    if (kv->has_value()) {
      std::optional<json> j = ParseObject((*kv)->value);
      if (!j || !j->contains("next") || !ReadU64(*j, "next", &first) ||
          first == 0) {
        co_return Corrupt(key, "invalid \"next\"");
      }
    }
    txn.compares.push_back(
        TxnCompare{key, kv->has_value() ? (*kv)->mod_revision : 0});
    json v = json::object();
    v["next"] = first + kInoBlock;
    txn.ops.push_back(TxnOp::Put(key, Dump(v)));
    auto done = co_await store_->Commit(std::move(txn));
    if (!done.ok()) co_return done.status();
    if (!done->succeeded) continue;
    std::lock_guard<std::mutex> lock(mu_);
    next_ = first + 1;
    end_ = first + kInoBlock;
    co_return first;
  }
  co_return AbortedError("too many concurrent writers of " + key);
}

}  // namespace strata::vfs::schema
