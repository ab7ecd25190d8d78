#include "azure/azure_list_order.h"

#include <algorithm>
#include <iterator>

#include "strata/fs/registry.h"

namespace strata::azure {
namespace {

std::string_view StripLeadingSlashes(std::string_view s) {
  while (!s.empty() && s.front() == '/') s.remove_prefix(1);
  return s;
}

bool BelowSlash(char c) { return static_cast<unsigned char>(c) < '/'; }

}  // namespace

ListOrderBuffer::ListOrderBuffer(std::string dir_path, std::string prefix,
                                 bool recursive)
    : dir_path_(std::move(dir_path)),
      prefix_(std::move(prefix)),
      recursive_(recursive) {}

void ListOrderBuffer::Insert(std::string_view rel, fs::FileInfo info) {
  info.path = fs::JoinPath(dir_path_, rel);
  Key key(info.path, info.is_dir);
  // Only a listing that changed under us (or a probe it contradicts) brings
  // an entry that sorts before one already released; it is dropped.
  if (released_any_ && key < last_released_) return;
  Held held;
  held.name = StripLeadingSlashes(rel);
  held.info = std::move(info);
  held_.emplace(std::move(key), std::move(held));
  peak_ = std::max(peak_, held_.size());
}

void ListOrderBuffer::Add(std::string_view rel, const BlobProperties* blob) {
  position_.Note(rel);
  if (rel.empty()) return;  // the directory's own marker
  saw_any_ = true;
  fs::FileInfo info;
  if (rel.back() == '/') {
    rel.remove_suffix(1);
    // A directory a probe already added.
    auto it = resolved_.find(rel);
    if (it != resolved_.end() && it->second) return;
    info.is_dir = true;
  } else if (blob != nullptr) {
    info.size = blob->size;
    info.mtime = blob->last_modified;
    info.etag = blob->etag;
  }
  Insert(rel, std::move(info));
}

void ListOrderBuffer::AddBlob(std::string_view rel,
                              const BlobProperties& blob) {
  Add(rel, &blob);
}

void ListOrderBuffer::AddPrefix(std::string_view rel) {
  // Some emulators (Azurite, issue #1473) repeat the last page's BlobPrefix
  // at the start of the next page: the same directory, already added.
  if (position_.known() && rel == position_.key()) return;
  Add(rel, nullptr);
}

bool ListOrderBuffer::EndPage() {
  if (!position_.EndPage()) return false;
  // Resolutions the position has overtaken are no longer needed.
  for (auto it = resolved_.begin(); it != resolved_.end();) {
    it = Passed(it->first) ? resolved_.erase(it) : std::next(it);
  }
  return true;
}

void ListOrderBuffer::Finish() { finished_ = true; }

bool ListOrderBuffer::SlashDone() const {
  if (finished_ || slash_none_) return true;
  if (!prefix_.empty() && prefix_.front() != '/') return true;
  return position_.known() && !position_.key().empty() &&
         static_cast<unsigned char>(position_.key()[0]) > '/';
}

bool ListOrderBuffer::Passed(std::string_view dir) const {
  return finished_ || position_.PassedDir(dir);
}

std::optional<std::string> ListOrderBuffer::Pending(
    std::string_view name) const {
  if (finished_) return std::nullopt;
  if (!SlashDone()) return std::string("/");
  if (!position_.known() || std::string_view(position_.key()) < name) {
    return std::string();
  }
  for (size_t i = std::max<size_t>(1, prefix_.size()); i < name.size(); ++i) {
    // Flat listings have no directory with a '/' after the prefix.
    if (!recursive_ && i > prefix_.size() && name[i - 1] == '/') break;
    if (!BelowSlash(name[i])) continue;
    std::string_view dir = name.substr(0, i);
    if (resolved_.contains(dir)) continue;
    if (Passed(dir)) return std::nullopt;
    std::string probe(dir);
    probe.push_back('/');
    return probe;
  }
  return std::nullopt;
}

std::optional<std::string> ListOrderBuffer::Blocker() const {
  if (held_.empty()) return std::nullopt;
  std::optional<std::string> probe = Pending(held_.begin()->second.name);
  if (!probe || probe->empty()) return std::nullopt;
  if (*probe == "/" && slash_probed_) return std::nullopt;
  return probe;
}

void ListOrderBuffer::Resolve(std::string_view probe, bool exact, bool any) {
  if (probe == "/") {
    slash_probed_ = true;
    slash_none_ = !any;
    return;
  }
  if (probe.empty() || probe.back() != '/') return;
  std::string_view dir = probe.substr(0, probe.size() - 1);
  // A recursive listing shows a directory only for its marker blob; a flat
  // one for any blob below it.
  bool exists = recursive_ ? exact : any;
  resolved_.emplace(dir, exists);
  if (!exists) return;
  fs::FileInfo info;
  info.is_dir = true;
  Insert(dir, std::move(info));
}

size_t ListOrderBuffer::Release(std::vector<fs::FileInfo>* out) {
  size_t n = 0;
  while (!held_.empty()) {
    auto it = held_.begin();
    if (Pending(it->second.name).has_value()) break;
    auto node = held_.extract(it);
    last_released_ = std::move(node.key());
    released_any_ = true;
    out->push_back(std::move(node.mapped().info));
    ++n;
  }
  return n;
}

}  // namespace strata::azure
