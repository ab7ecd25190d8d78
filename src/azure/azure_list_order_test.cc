// Unit tests of ListOrderBuffer: hand-picked orderings around '/', a file
// and a directory of the same name, names starting with '/' or a byte
// before it, probing (Blocker/Resolve), bounded memory for typical names,
// and a brute-force comparison (with random probes) against the
// collect-and-sort listing it replaced, kept here as the oracle.
#include "azure/azure_list_order.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "strata/fs/registry.h"

namespace strata::azure {
namespace {

BlobProperties Blob(const std::string& name) {
  BlobProperties b;
  b.name = name;
  b.size = name.size();
  b.etag = "e:" + name;
  return b;
}

// "path" for a file, "path/" for a directory.
std::vector<std::string> Names(const std::vector<fs::FileInfo>& infos) {
  std::vector<std::string> out;
  for (const fs::FileInfo& i : infos)
    out.push_back(i.path + (i.is_dir ? "/" : ""));
  return out;
}

using Strings = std::vector<std::string>;

// Feeds one page: names ending in '/' are BlobPrefixes when `prefixes`.
void FeedPage(ListOrderBuffer* b, const Strings& names, bool prefixes) {
  for (const std::string& n : names) {
    if (prefixes && !n.empty() && n.back() == '/') {
      b->AddPrefix(n);
    } else {
      b->AddBlob(n, Blob(n));
    }
  }
  ASSERT_TRUE(b->EndPage());
}

Strings Drain(ListOrderBuffer* b) {
  std::vector<fs::FileInfo> out;
  b->Release(&out);
  return Names(out);
}

TEST(AzureListOrderTest, DirectoryBeforeDashFileAcrossPages) {
  ListOrderBuffer b("/c", "", false);
  FeedPage(&b, {"a", "b-x"}, true);
  EXPECT_EQ(Drain(&b), Strings({"/c/a"}));  // b-x waits for "b/"
  EXPECT_EQ(b.Blocker(), "b/");
  FeedPage(&b, {"b/", "c"}, true);
  EXPECT_EQ(Drain(&b), Strings({"/c/b/", "/c/b-x", "/c/c"}));
  EXPECT_EQ(b.size(), 0u);
}

TEST(AzureListOrderTest, FileAndDirectoryOfOneNameBothKeptFileFirst) {
  ListOrderBuffer b("/c/d", "", true);
  FeedPage(&b, {"a", "a-", "a/", "a/x"}, false);
  b.Finish();
  EXPECT_EQ(Drain(&b), Strings({"/c/d/a", "/c/d/a/", "/c/d/a-", "/c/d/a/x"}));
}

TEST(AzureListOrderTest, RecursiveAddsNoImplicitParents) {
  ListOrderBuffer b("/c", "", true);
  FeedPage(&b, {"x/y/z"}, false);
  b.Finish();
  EXPECT_EQ(Drain(&b), Strings({"/c/x/y/z"}));
}

TEST(AzureListOrderTest, TheMarkerAddsNothing) {
  ListOrderBuffer b("/c/d", "", true);
  FeedPage(&b, {""}, false);
  b.Finish();
  EXPECT_FALSE(b.saw_any());
  EXPECT_TRUE(Drain(&b).empty());
}

TEST(AzureListOrderTest, NamesBeforeSlashWaitForTheSlashRange) {
  ListOrderBuffer b("/c", "", false);
  FeedPage(&b, {"-x", ".h"}, false);
  EXPECT_TRUE(Drain(&b).empty());
  EXPECT_EQ(b.Blocker(), "/");
  b.Resolve("/", false, false);  // nothing starts with '/'
  EXPECT_EQ(Drain(&b), Strings({"/c/-x", "/c/.h"}));
}

TEST(AzureListOrderTest, FoundSlashRangeIsProbedOnce) {
  ListOrderBuffer b("/c", "", false);
  FeedPage(&b, {"-x"}, false);
  EXPECT_EQ(b.Blocker(), "/");
  b.Resolve("/", false, true);
  EXPECT_EQ(b.Blocker(), std::nullopt);
  EXPECT_TRUE(Drain(&b).empty());
}

// JoinPath drops leading '/'s: "/b" (from blob "d//b") sorts as "b".
TEST(AzureListOrderTest, LeadingSlashNamesSortByJoinedPath) {
  ListOrderBuffer b("/c/d", "", true);
  FeedPage(&b, {"-x"}, false);
  EXPECT_TRUE(Drain(&b).empty());
  FeedPage(&b, {"/b"}, false);
  EXPECT_TRUE(Drain(&b).empty());
  FeedPage(&b, {"a"}, false);
  EXPECT_EQ(Drain(&b), Strings({"/c/d/-x", "/c/d/a"}));  // "b" waits
  FeedPage(&b, {"c"}, false);
  EXPECT_EQ(Drain(&b), Strings({"/c/d/b", "/c/d/c"}));
}

TEST(AzureListOrderTest, SlashDirectoryIsTheListedPath) {
  ListOrderBuffer b("/c/d", "", false);
  FeedPage(&b, {"/"}, true);
  b.Finish();
  EXPECT_EQ(Drain(&b), Strings({"/c/d/"}));
}

TEST(AzureListOrderTest, OutOfOrderOrRepeatedPagesAreRejected) {
  ListOrderBuffer b("/c", "", false);
  FeedPage(&b, {"b", "c"}, false);
  b.AddBlob("a", Blob("a"));
  EXPECT_FALSE(b.EndPage());
  ListOrderBuffer r("/c", "", false);
  FeedPage(&r, {"b", "c"}, false);
  r.AddBlob("c", Blob("c"));
  EXPECT_FALSE(r.EndPage());
}

TEST(AzureListOrderTest, RepeatedLastPrefixIsIgnored) {
  ListOrderBuffer b("/c", "", false);
  FeedPage(&b, {"a", "d/"}, true);
  FeedPage(&b, {"d/", "e"}, true);
  b.Finish();
  EXPECT_EQ(Drain(&b), Strings({"/c/a", "/c/d/", "/c/e"}));
}

TEST(AzureListOrderTest, PrefixOfDashNamesDoesNotWait) {
  ListOrderBuffer b("/c", "a-", false);
  FeedPage(&b, {"a-1", "a-2"}, false);
  EXPECT_EQ(Drain(&b), Strings({"/c/a-1", "/c/a-2"}));
}

TEST(AzureListOrderTest, FileKeepsItsMetadata) {
  ListOrderBuffer b("/c", "", false);
  FeedPage(&b, {"abc"}, false);
  b.Finish();
  std::vector<fs::FileInfo> out;
  ASSERT_EQ(b.Release(&out), 1u);
  EXPECT_EQ(out[0].size, 3u);
  EXPECT_EQ(out[0].etag, "e:abc");
  EXPECT_FALSE(out[0].is_dir);
}

Strings PartNames(int n) {
  Strings out;
  char buf[32];
  for (int i = 0; i < n; ++i) {
    std::snprintf(buf, sizeof(buf), "part-%05d", i);
    out.push_back(buf);
  }
  return out;
}

TEST(AzureListOrderTest, ProbeFindingTheMarkerAddsItOnce) {
  ListOrderBuffer b("/c", "", true);
  FeedPage(&b, PartNames(3), false);
  EXPECT_TRUE(Drain(&b).empty());
  ASSERT_EQ(b.Blocker(), "part/");
  b.Resolve("part/", false, true);  // blobs below, no marker: no directory
  Strings got = Drain(&b);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0], "/c/part-00000");

  ListOrderBuffer m("/c", "", true);
  FeedPage(&m, PartNames(2), false);
  m.Resolve("part/", true, true);
  EXPECT_EQ(Drain(&m), Strings({"/c/part/", "/c/part-00000", "/c/part-00001"}));
  FeedPage(&m, {"part/", "part/x"}, false);  // the marker itself: dropped
  m.Finish();
  EXPECT_EQ(Drain(&m), Strings({"/c/part/x"}));
}

TEST(AzureListOrderTest, FlatProbeFindsAnyBlobBelow) {
  ListOrderBuffer b("/c", "", false);
  FeedPage(&b, PartNames(2), false);
  b.Resolve("part/", false, true);
  EXPECT_EQ(Drain(&b), Strings({"/c/part/", "/c/part-00000", "/c/part-00001"}));
  FeedPage(&b, {"part/"}, true);
  b.Finish();
  EXPECT_TRUE(Drain(&b).empty());
}

TEST(AzureListOrderTest, TypicalNamesStayBounded) {
  ListOrderBuffer b("/c", "", true);
  char buf[32];
  size_t released = 0;
  for (int page = 0; page < 20; ++page) {
    Strings names;
    for (int i = 0; i < 500; ++i) {
      std::snprintf(buf, sizeof(buf), "f%06d", page * 500 + i);
      names.push_back(buf);
    }
    FeedPage(&b, names, false);
    released += Drain(&b).size();
  }
  b.Finish();
  released += Drain(&b).size();
  EXPECT_EQ(released, 10000u);
  EXPECT_LE(b.peak(), 500u);
}

// --- Brute force against the collect-and-sort listing. ---

// List Blobs over `names`: from `marker` (a name) on, at most `max` results,
// BlobPrefixes cut at the first '/' after `prefix` when `flat`.
ListResult Simulate(const std::set<std::string>& names,
                    const std::string& prefix, bool flat,
                    const std::string& marker, size_t max) {
  ListResult r;
  size_t count = 0;
  auto it = names.lower_bound(std::max(marker, prefix));
  while (it != names.end() && it->starts_with(prefix)) {
    if (count == max) {
      r.next_marker = *it;
      break;
    }
    ++count;
    size_t slash = flat ? it->find('/', prefix.size()) : std::string::npos;
    if (slash == std::string::npos) {
      r.blobs.push_back(Blob(*it++));
      continue;
    }
    std::string p = it->substr(0, slash + 1);
    r.prefixes.push_back(p);
    while (it != names.end() && it->starts_with(p)) ++it;
  }
  return r;
}

// The old listing: every entry, sorted by (path, is_dir).
std::vector<fs::FileInfo> Collect(const std::set<std::string>& names,
                                  const std::string& prefix, bool recursive) {
  ListResult all = Simulate(names, prefix, !recursive, "", 1u << 30);
  std::vector<fs::FileInfo> out;
  auto add = [&out](std::string rel, const BlobProperties* b) {
    if (rel.empty()) return;
    fs::FileInfo info;
    if (rel.back() == '/') {
      rel.pop_back();
      info.is_dir = true;
    } else if (b != nullptr) {
      info.size = b->size;
      info.etag = b->etag;
    }
    info.path = fs::JoinPath("/c", rel);
    out.push_back(info);
  };
  for (const BlobProperties& b : all.blobs) add(b.name, &b);
  for (const std::string& p : all.prefixes) add(p, nullptr);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(a.path, a.is_dir, a.etag) <
           std::tie(b.path, b.is_dir, b.etag);
  });
  return out;
}

// Streams `names` through a buffer in random pages, probing at random.
std::vector<fs::FileInfo> Stream(const std::set<std::string>& names,
                                 const std::string& prefix, bool recursive,
                                 std::mt19937* rng) {
  ListOrderBuffer b("/c", prefix, recursive);
  std::vector<fs::FileInfo> out;
  std::string marker;
  do {
    size_t max = 1 + (*rng)() % 4;
    ListResult page = Simulate(names, prefix, !recursive, marker, max);
    for (const BlobProperties& blob : page.blobs) b.AddBlob(blob.name, blob);
    for (const std::string& p : page.prefixes) b.AddPrefix(p);
    EXPECT_TRUE(b.EndPage());
    marker = page.next_marker;
    if (marker.empty()) b.Finish();
    if (std::optional<std::string> probe = b.Blocker(); probe && (*rng)() % 2) {
      ListResult r = Simulate(names, *probe, false, "", 1);
      bool exact = !r.blobs.empty() && r.blobs[0].name == *probe;
      b.Resolve(*probe, exact, !r.blobs.empty());
    }
    b.Release(&out);
  } while (!marker.empty());
  b.Release(&out);
  EXPECT_EQ(b.size(), 0u);
  return out;
}

std::string RandomName(std::mt19937* rng) {
  static constexpr char kAlphabet[] = {'a', 'b', '-', '.', '/', '\x01', '~'};
  std::string s;
  size_t len = 1 + (*rng)() % 4;
  for (size_t i = 0; i < len; ++i) s.push_back(kAlphabet[(*rng)() % 7]);
  return s;
}

TEST(AzureListOrderTest, MatchesCollectAndSortOnRandomNames) {
  std::mt19937 rng(20261122);
  const Strings prefixes = {"", "", "a", "-", "/", "a/", "."};
  for (int round = 0; round < 4000; ++round) {
    std::set<std::string> names;
    size_t n = rng() % 10;
    while (names.size() < n) names.insert(RandomName(&rng));
    bool recursive = rng() % 2;
    std::string prefix = prefixes[rng() % prefixes.size()];
    std::vector<fs::FileInfo> got = Stream(names, prefix, recursive, &rng);
    for (size_t i = 1; i < got.size(); ++i) {
      ASSERT_FALSE(std::tie(got[i].path, got[i].is_dir) <
                   std::tie(got[i - 1].path, got[i - 1].is_dir))
          << "round " << round << " at " << i;
    }
    std::sort(got.begin(), got.end(), [](const auto& a, const auto& b) {
      return std::tie(a.path, a.is_dir, a.etag) <
             std::tie(b.path, b.is_dir, b.etag);
    });
    std::vector<fs::FileInfo> want = Collect(names, prefix, recursive);
    ASSERT_EQ(Names(got), Names(want)) << "round " << round;
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].etag, want[i].etag);
      EXPECT_EQ(got[i].size, want[i].size);
    }
  }
}

}  // namespace
}  // namespace strata::azure
