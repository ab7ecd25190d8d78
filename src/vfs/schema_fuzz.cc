// Fuzz target: the namespace's metadata decoders (directory entries,
// directory sync state, mount records) on arbitrary bytes. They must never
// crash, and whatever decodes must re-encode to a record that decodes to the
// same value.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "vfs/mount_record.h"
#include "vfs/schema.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

void FuzzEntry(std::string_view data) {
  auto e = strata::vfs::schema::DecodeEntry("dent/fuzz", data);
  if (!e.ok()) return;
  auto again = strata::vfs::schema::DecodeEntry(
      "dent/fuzz", strata::vfs::schema::EncodeEntry(*e));
  // Binary records keep every field exactly (etags are opaque bytes), and
  // a version-1 JSON record re-encodes as binary.
  Check(again.ok() && *again == *e);
}

void FuzzDirState(std::string_view data) {
  auto s = strata::vfs::schema::DecodeDirState("dir/fuzz", data);
  if (!s.ok()) return;
  auto again = strata::vfs::schema::DecodeDirState(
      "dir/fuzz", strata::vfs::schema::EncodeDirState(*s));
  Check(again.ok() && *again == *s);
}

void FuzzMountRecord(std::string_view data) {
  strata::vfs::KeyValue kv;
  kv.key = "mount/fuzz";
  kv.value = std::string(data);
  auto m = strata::vfs::mount_record::Decode(kv);
  if (!m.ok()) return;
  auto encoded = strata::vfs::mount_record::Encode(*m, 0);
  if (!encoded.ok()) return;
  kv.value = *encoded;
  auto again = strata::vfs::mount_record::Decode(kv);
  Check(again.ok() && again->path == m->path && again->uri == m->uri &&
        again->root_ino == m->root_ino && again->id == m->id);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  FuzzEntry(bytes);
  FuzzDirState(bytes);
  FuzzMountRecord(bytes);
  return 0;
}
