// ListPageCutter: cuts listing entries into pages of ListOptions::page_size
// for the backends' List implementations, which receive entries in bursts
// (as a re-ordering buffer releases them) and yield whole pages as soon as
// they are full, then the partial rest at the end.
//
// Thread-safety: none; one listing owns a cutter.
#pragma once

#include <algorithm>
#include <cstddef>
#include <deque>
#include <optional>
#include <utility>

#include "strata/fs/types.h"

namespace strata::fs {

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
