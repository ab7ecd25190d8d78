#include "s3/path_order.h"

#include <algorithm>
#include <utility>

namespace strata::s3 {

void PathOrderBuffer::Note(std::string_view key) {
  saw_any_ = true;
  position_.Note(key);
}

void PathOrderBuffer::Insert(std::string rel, const fs::FileInfo& info) {
  // A directory seen again after its release (a parent of a later key).
  if (released_any_ && rel <= last_released_) return;
  auto [it, inserted] = held_.try_emplace(std::move(rel), info);
  if (!inserted) {
    // Merge: a directory wins over a file of the same name (keeping the
    // file's metadata, as the collecting listing did); a file seen again
    // replaces the file's metadata.
    if (info.is_dir) {
      it->second.is_dir = true;
    } else if (!it->second.is_dir) {
      it->second = info;
    }
  }
  peak_ = std::max(peak_, held_.size());
}

void PathOrderBuffer::AddObject(std::string_view rel, const ObjectInfo& obj,
                                bool recursive) {
  Note(rel);
  if (rel.empty()) return;  // the directory's own marker
  fs::FileInfo dir;
  dir.is_dir = true;
  if (recursive) {
    for (size_t slash = rel.find('/'); slash != std::string_view::npos;
         slash = rel.find('/', slash + 1)) {
      if (slash > 0) Insert(std::string(rel.substr(0, slash)), dir);
    }
  }
  if (rel.back() == '/') {
    Insert(std::string(rel.substr(0, rel.size() - 1)), dir);
    return;
  }
  fs::FileInfo file;
  file.size = obj.size;
  file.mtime = obj.last_modified;
  file.etag = obj.etag;
  Insert(std::string(rel), file);
}

void PathOrderBuffer::AddPrefix(std::string_view rel) {
  Note(rel);
  while (!rel.empty() && rel.back() == '/') rel.remove_suffix(1);
  if (rel.empty()) return;
  fs::FileInfo dir;
  dir.is_dir = true;
  Insert(std::string(rel), dir);
}

bool PathOrderBuffer::EndPage() {
  if (!position_.EndPage()) return false;
  // Resolutions the position has overtaken are no longer needed.
  for (auto it = resolved_.begin(); it != resolved_.end();) {
    it = Passed(*it) ? resolved_.erase(it) : std::next(it);
  }
  return true;
}

void PathOrderBuffer::Finish() { finished_ = true; }

bool PathOrderBuffer::Passed(std::string_view dir) const {
  return finished_ || position_.PassedDir(dir);
}

std::optional<std::string> PathOrderBuffer::Pending(const std::string& rel,
                                                    bool is_dir) const {
  if (finished_) return std::nullopt;
  // Candidates X[0..i) for i >= 1 with X[i] < '/', then X itself for a
  // file; earlier candidates have larger bounds, so the first unresolved
  // one decides.
  for (size_t i = std::max<size_t>(1, min_dir_size_); i <= rel.size(); ++i) {
    if (i == rel.size() ? is_dir : static_cast<unsigned char>(rel[i]) >= '/')
      continue;
    std::string_view dir(rel.data(), i);
    if (resolved_.contains(dir)) continue;
    if (Passed(dir)) return std::nullopt;
    return std::string(dir);
  }
  return std::nullopt;
}

std::optional<std::string> PathOrderBuffer::Blocker() const {
  if (held_.empty()) return std::nullopt;
  const auto& [rel, info] = *held_.begin();
  std::optional<std::string> dir = Pending(rel, info.is_dir);
  // A name ending in '/' comes only from keys with empty components ("a//"),
  // whose common prefixes lose every trailing '/': a probe cannot tell.
  if (dir && dir->back() == '/') return std::nullopt;
  return dir;
}

void PathOrderBuffer::Resolve(std::string_view rel, bool exists) {
  resolved_.emplace(rel);
  if (!exists || rel.empty()) return;
  fs::FileInfo dir;
  dir.is_dir = true;
  Insert(std::string(rel), dir);
}

size_t PathOrderBuffer::Release(std::vector<fs::FileInfo>* out) {
  size_t n = 0;
  while (!held_.empty()) {
    auto it = held_.begin();
    if (Pending(it->first, it->second.is_dir).has_value()) break;
    auto node = held_.extract(it);
    last_released_ = node.key();
    released_any_ = true;
    node.mapped().path = std::move(node.key());
    out->push_back(std::move(node.mapped()));
    ++n;
  }
  return n;
}

}  // namespace strata::s3
