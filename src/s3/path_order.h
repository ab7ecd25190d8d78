// PathOrderBuffer: turns the entries of a ListObjectsV2 stream (keys in S3
// key order) into FileSystem listing entries in path order, holding back only
// what a later key could still precede.
//
// Both orders are bytewise, but on different strings: S3 orders keys, a
// listing orders relative paths. They disagree around '/': directory "b"
// (keys "b/...") precedes file "b-x" as a path ("b" is a prefix of "b-x")
// but its keys follow "b-x" ('-' 0x2D < '/' 0x2F).
//
// Every entry X is a prefix of the key k0 it came from (a file is its key, a
// directory a part of it ending before a '/'). Once every key <= P has been
// delivered (P >= k0), a later entry Y, a prefix of some key k > P, can
// precede or equal X in path order only as a directory named X[0..i), for
// an i >= 1 where X[i] < '/' (or i = |X| when X is a file: the directory of
// the same name wins), because its keys "X[0..i)/..." sort after k0. Any
// other Y < X is ruled out: if Y and X differ at a byte, then k < k0 <= P;
// if Y is a prefix of X followed by a byte > '/', its keys precede k0; if Y
// is a parent "Y/" of X, it came with k0 already (recursive listings emit
// every parent of a key; flat ones have no '/' in X) and repeats are
// dropped. So X is safe once, for every such i, P >= X[0..i) + "/" (every
// key "X[0..i)/..." is delivered) or the caller resolved that directory
// (Resolve: a probe found it, or found nothing). Bounds shrink as i grows
// (X[i] < '/'), so the first unresolved i decides. Entries leave the front
// of the path-ordered buffer while the front is safe; a directory seen again
// after its release (a parent of a later key) is dropped.
//
// Memory: typical names release within a key or two ("f0001" passes
// "f0000/"). Many names sharing a stem followed by a byte < '/'
// ("part-00000", "part-00001", ...) wait for the stream to pass "part/";
// Blocker() names that directory so that the caller can probe for it.
//
// Thread-safety: none; one listing owns a buffer.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fs/list_pages.h"
#include "strata/fs/types.h"
#include "strata/s3/client.h"

namespace strata::s3 {

class PathOrderBuffer {
 public:
  // Directories with names shorter than `min_dir_size` cannot appear (every
  // key starts with the listing's ListOptions::prefix, of that size), so
  // entries never wait for them.
  explicit PathOrderBuffer(size_t min_dir_size = 0)
      : min_dir_size_(min_dir_size) {}

  // Adds the entries of object key `rel` (relative to the listed directory;
  // empty for the directory's own marker, which adds nothing): with
  // `recursive`, every parent directory; then the file (size, mtime, etag
  // from `obj`), or the directory `rel` names when it ends in '/'. A file
  // and a directory of the same name merge into the directory.
  void AddObject(std::string_view rel, const ObjectInfo& obj, bool recursive);
  // Adds directory `rel` from common prefix `rel` (trailing '/'s dropped).
  void AddPrefix(std::string_view rel);
  // Ends a ListObjectsV2 page: every key up to the largest added since the
  // last EndPage has been delivered. Returns false (and changes nothing
  // else) if a key of this page did not sort after every earlier page's.
  bool EndPage();
  // The stream is complete: everything buffered becomes releasable.
  void Finish();

  // The directory (relative path) whose possible existence holds back the
  // first buffered entry, or nullopt when nothing is held back (or the name
  // ends in '/', which only keys with empty components produce).
  std::optional<std::string> Blocker() const;
  // The caller learned whether directory `rel` exists (e.g. by listing
  // "rel/" with max-keys 1); if it does, it is added as an entry.
  void Resolve(std::string_view rel, bool exists);

  // Appends the entries that are safe, in path order, to `out` (FileInfo
  // path = the relative path) and forgets them. Returns how many.
  size_t Release(std::vector<fs::FileInfo>* out);

  bool saw_any() const { return saw_any_; }  // any key or prefix added
  size_t size() const { return held_.size(); }
  size_t peak() const { return peak_; }  // most entries held at once

 private:
  void Note(std::string_view key);
  void Insert(std::string rel, const fs::FileInfo& info);
  // The first unresolved directory X[0..i) whose keys may still come.
  std::optional<std::string> Pending(const std::string& rel, bool is_dir) const;
  bool Passed(std::string_view dir) const;  // position >= dir + "/"

  size_t min_dir_size_ = 0;
  std::map<std::string, fs::FileInfo> held_;  // by relative path
  std::set<std::string, std::less<>> resolved_;
  fs::ListKeyPosition position_;
  bool finished_ = false;
  std::string last_released_;
  bool released_any_ = false;
  bool saw_any_ = false;
  size_t peak_ = 0;
};

}  // namespace strata::s3
