// Pieces shared by the object stores' streaming List implementations
// (s3/path_order.h, azure/azure_list_order.h):
// - ListKeyPosition: how far a listing that delivers keys in byte order,
//   page after page, has got, and whether every key below a directory has
//   been delivered;
// - ListPageCutter: cuts entries, which a re-ordering buffer releases in
//   bursts, into pages of ListOptions::page_size, yielding each page as soon
//   as it is full and the partial rest at the end.
//
// Thread-safety: none; one listing owns each.
#pragma once

#include <algorithm>
#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "strata/fs/types.h"

namespace strata::fs {

class ListKeyPosition final {
 public:
  // A key of the page being read (keys within a page may come in any order).
  void Note(std::string_view key);
  // Ends the page: every key up to its largest has been delivered. False
  // (position unchanged) when one of its keys did not sort after every
  // earlier page's.
  bool EndPage();
  // Whether any page has ended with a key, and the largest such key.
  bool known() const { return known_; }
  const std::string& key() const { return key_; }
  // key() >= dir + "/" in byte order: every key "dir/..." has been
  // delivered (without building the string).
  bool PassedDir(std::string_view dir) const;

 private:
  std::string key_;
  bool known_ = false;
  std::string page_min_, page_max_;
  bool page_open_ = false;
};

class ListPageCutter final {
 public:
  explicit ListPageCutter(size_t page_size)
      : page_size_(std::max<size_t>(1, page_size)) {}

  void Add(FileInfo info) {
    page_.push_back(std::move(info));
    if (page_.size() == page_size_) full_.push_back(std::exchange(page_, {}));
  }
  // A page of page_size entries, if one is ready.
  std::optional<ListPage> Full() {
    if (full_.empty()) return std::nullopt;
    ListPage page = std::move(full_.front());
    full_.pop_front();
    return page;
  }
  // The last, partial page (after every Full page was taken).
  std::optional<ListPage> Rest() {
    if (page_.empty()) return std::nullopt;
    return std::exchange(page_, {});
  }

 private:
  size_t page_size_;
  ListPage page_;
  std::deque<ListPage> full_;
};

}  // namespace strata::fs
