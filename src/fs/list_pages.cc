// ListKeyPosition (fs/list_pages.h). Out of line: GCC 12 reports a false
// -Wrestrict when string assignment from a constant inlines into callers.
#include "fs/list_pages.h"

namespace strata::fs {

void ListKeyPosition::Note(std::string_view key) {
  if (!page_open_) {
    page_min_ = key;
    page_max_ = key;
    page_open_ = true;
    return;
  }
  if (key < page_min_) page_min_ = key;
  if (key > page_max_) page_max_ = key;
}

bool ListKeyPosition::EndPage() {
  if (!page_open_) return true;
  page_open_ = false;
  if (known_ && page_min_ <= key_) return false;
  key_ = std::move(page_max_);
  known_ = true;
  return true;
}

bool ListKeyPosition::PassedDir(std::string_view dir) const {
  if (!known_) return false;
  std::string_view p = key_;
  std::string_view head = p.substr(0, std::min(p.size(), dir.size()));
  if (head != dir) return head > dir;
  return p.size() > dir.size() &&
         static_cast<unsigned char>(p[dir.size()]) >= '/';
}

}  // namespace strata::fs
