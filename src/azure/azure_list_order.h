// ListOrderBuffer: turns the entries of a List Blobs stream (names in
// lexicographic order, page after page) into AzureFileSystem listing
// entries in the order the collecting listing sorted them — by (joined
// path, is_dir), a file before a directory of the same name — holding back
// only what a later name could still precede.
//
// The rule is the one proved in src/s3/path_order.h, adapted to Azure's
// entries. Names below are relative to the listed directory's blob prefix;
// `pr` is ListOptions::prefix (every name starts with it). A file X comes
// from name X, a directory X from name "X/" (a marker, or a BlobPrefix);
// there are no implicit parents. Once every name <= P has been delivered:
//  - A later file never precedes X (it is > P >= X). A later directory Y
//    (name "Y/" > P) precedes X only if Y = X[0..i) with X[i] < '/' and
//    i >= max(1, |pr|) (a shorter Y's name could not start with pr); a
//    directory of X's own name sorts after the file X. So X is safe once,
//    for each such i, P >= X[0..i) + "/" or a probe resolved that
//    directory; the first unresolved i decides (bounds shrink as i grows).
//    In a flat listing Y has no '/' after pr, which ends the candidates.
//  - fs::JoinPath drops a name's leading '/'s, so names starting with '/'
//    (from blobs "dir//x", or a pr starting with '/') sort among all the
//    others by their stripped form. Until every name starting with '/' has
//    been delivered (P[0] > '/', or a probe found none, or pr starts with
//    another byte), nothing is released; an entry of stripped name x is
//    released only once P >= x too (automatic for the others).
// Entries leave the front of the sorted buffer while the front is safe.
//
// Memory: typical names release within a name or two. Names sharing a stem
// followed by a byte < '/' ("part-0", "part-1", ...) wait for "part/";
// Blocker() names the prefix to probe. Names before "/" in byte order
// (".hidden", "-x") wait until the stream passes "/" or a probe of "/"
// finds nothing.
//
// Thread-safety: none; one listing owns a buffer.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fs/list_pages.h"
#include "strata/azure/client.h"
#include "strata/fs/types.h"

namespace strata::azure {

class ListOrderBuffer {
 public:
  // `dir_path` is the listed FS path (entries are fs::JoinPath(dir_path,
  // name)); `prefix` is ListOptions::prefix; `recursive` says whether the
  // listing has no delimiter.
  ListOrderBuffer(std::string dir_path, std::string prefix, bool recursive);

  // Adds blob `rel` (name relative to the directory's blob prefix; empty for
  // the directory's own marker, which adds nothing): a directory when it
  // ends in '/' (one '/' dropped), else a file with `blob`'s size, mtime and
  // etag.
  void AddBlob(std::string_view rel, const BlobProperties& blob);
  // Adds BlobPrefix `rel`: a directory when it ends in '/' (one dropped),
  // else a file without metadata (as the collecting listing did). A repeat
  // of the previous page's last name (an emulator quirk) is ignored.
  void AddPrefix(std::string_view rel);
  // Ends a List Blobs page. Returns false (and changes nothing else) if a
  // name of this page did not sort after every earlier page's.
  bool EndPage();
  // The stream is complete: everything buffered becomes releasable.
  void Finish();

  // The relative name prefix whose listing (List Blobs with that prefix and
  // max_results 1) would let the first held entry go: "dir/", or "/" for
  // the names starting with '/'; nullopt when nothing can be probed.
  std::optional<std::string> Blocker() const;
  // What that probe returned: `exact` = a blob named exactly the prefix,
  // `any` = any blob or BlobPrefix. A directory found is added.
  void Resolve(std::string_view probe, bool exact, bool any);

  // Appends the entries that are safe, in order, to `out` (FileInfo path =
  // the joined FS path) and forgets them. Returns how many.
  size_t Release(std::vector<fs::FileInfo>* out);

  bool saw_any() const { return saw_any_; }  // any entry (not the marker)
  size_t size() const { return held_.size(); }
  size_t peak() const { return peak_; }  // most entries held at once

 private:
  using Key = std::pair<std::string, bool>;  // (joined path, is_dir)
  struct Held {
    std::string name;  // relative name, leading '/'s dropped
    fs::FileInfo info;
  };

  void Add(std::string_view rel, const BlobProperties* blob);
  void Insert(std::string_view rel, fs::FileInfo info);
  bool SlashDone() const;
  bool Passed(std::string_view dir) const;  // position >= dir + "/"
  // nullopt: entry `name` may leave; "": it waits for the stream; else the
  // probe prefix (see Blocker).
  std::optional<std::string> Pending(std::string_view name) const;

  std::string dir_path_;
  std::string prefix_;
  bool recursive_;
  std::multimap<Key, Held> held_;
  std::map<std::string, bool, std::less<>> resolved_;  // dir → exists
  bool slash_probed_ = false;                          // the "/" probe ran
  bool slash_none_ = false;                            // ... and found nothing
  fs::ListKeyPosition position_;  // how far the stream has got
  bool finished_ = false;
  Key last_released_;
  bool released_any_ = false;
  bool saw_any_ = false;
  size_t peak_ = 0;
};

}  // namespace strata::azure
