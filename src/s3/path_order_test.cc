// Unit tests of PathOrderBuffer: hand-picked orderings around '/', the
// merging of duplicates, probing (Blocker/Resolve), bounded memory for
// typical names, and a brute-force comparison against the collect-and-sort
// listing it replaced (kept here as the oracle) over random key sets fed in
// S3 order in random page sizes.
#include "s3/path_order.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace strata::s3 {
namespace {

ObjectInfo Obj(const std::string& key, uint64_t size = 0) {
  ObjectInfo o;
  o.key = key;
  o.size = size;
  o.etag = "e:" + key;
  return o;
}

// "path" for a file, "path/" for a directory.
std::vector<std::string> Names(const std::vector<fs::FileInfo>& infos) {
  std::vector<std::string> out;
  for (const fs::FileInfo& i : infos)
    out.push_back(i.path + (i.is_dir ? "/" : ""));
  return out;
}

// Feeds `keys` (rel keys or, ending in '/', common prefixes) as one page.
void FeedPage(PathOrderBuffer* b, const std::vector<std::string>& keys,
              bool recursive, bool prefixes_are_dirs = false) {
  for (const std::string& k : keys) {
    if (prefixes_are_dirs && !k.empty() && k.back() == '/') {
      b->AddPrefix(k);
    } else {
      b->AddObject(k, Obj(k), recursive);
    }
  }
  ASSERT_TRUE(b->EndPage());
}

TEST(PathOrderTest, DirectoryBeforeDashFileAcrossPages) {
  PathOrderBuffer b;
  std::vector<fs::FileInfo> out;
  FeedPage(&b, {"a", "b-x"}, false, true);
  b.Release(&out);
  EXPECT_EQ(Names(out), std::vector<std::string>({"a"}));  // b-x waits
  EXPECT_EQ(b.Blocker(), "b");
  FeedPage(&b, {"b/", "c"}, false, true);
  b.Release(&out);
  EXPECT_EQ(Names(out), std::vector<std::string>({"a", "b/", "b-x"}));
  b.Finish();
  b.Release(&out);
  EXPECT_EQ(Names(out), std::vector<std::string>({"a", "b/", "b-x", "c"}));
  EXPECT_EQ(b.size(), 0u);
}

TEST(PathOrderTest, NoWaitForDirectoriesShorterThanTheListedPrefix) {
  // Listing with prefix "a-": every key starts with "a-", so directory "a"
  // (keys "a/...") cannot come and nothing waits for it.
  PathOrderBuffer b(2);
  std::vector<fs::FileInfo> out;
  FeedPage(&b, {"a-1", "a-2"}, false, true);
  b.Release(&out);
  // "a-2" still waits for a directory "a-2" (keys "a-2/..." may follow).
  EXPECT_EQ(Names(out), std::vector<std::string>({"a-1"}));
  // Without the bound both would wait for "a".
  PathOrderBuffer unbounded;
  out.clear();
  FeedPage(&unbounded, {"a-1", "a-2"}, false, true);
  unbounded.Release(&out);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(unbounded.Blocker(), "a");
}

TEST(PathOrderTest, FileWaitsForDirectoryOfTheSameName) {
  PathOrderBuffer b;
  std::vector<fs::FileInfo> out;
  b.AddObject("d", Obj("d", 7), true);
  ASSERT_TRUE(b.EndPage());
  EXPECT_EQ(b.Release(&out), 0u);
  EXPECT_EQ(b.Blocker(), "d");
  b.AddObject("d/x", Obj("d/x", 3), true);
  ASSERT_TRUE(b.EndPage());
  b.Finish();
  b.Release(&out);
  ASSERT_EQ(Names(out), std::vector<std::string>({"d/", "d/x"}));
  // The directory keeps the file's metadata, as the collecting listing did.
  EXPECT_EQ(out[0].size, 7u);
}

TEST(PathOrderTest, RecursiveOrdersSlashBeforeDashAndDot) {
  PathOrderBuffer b;
  std::vector<fs::FileInfo> out;
  FeedPage(&b, {"a-c", "a.d"}, true);
  FeedPage(&b, {"a/b"}, true);
  b.Release(&out);
  // "a" < "a-c" < "a.d" < "a/b" as paths.
  EXPECT_EQ(Names(out), std::vector<std::string>({"a/", "a-c", "a.d"}));
  FeedPage(&b, {"a0"}, true);
  b.Finish();
  b.Release(&out);
  EXPECT_EQ(Names(out),
            std::vector<std::string>({"a/", "a-c", "a.d", "a/b", "a0"}));
}

TEST(PathOrderTest, MarkerAndImplicitDirectoryMerge) {
  PathOrderBuffer b;
  std::vector<fs::FileInfo> out;
  FeedPage(&b, {"", "d/", "d/x", "d/y/", "d/y/z"}, true);
  b.Finish();
  b.Release(&out);
  EXPECT_EQ(Names(out),
            std::vector<std::string>({"d/", "d/x", "d/y/", "d/y/z"}));
  EXPECT_TRUE(b.saw_any());
}

TEST(PathOrderTest, ParentSeenAgainAfterReleaseIsDropped) {
  PathOrderBuffer b;
  std::vector<fs::FileInfo> out;
  FeedPage(&b, {"a/b/c"}, true);
  b.Release(&out);
  EXPECT_EQ(Names(out), std::vector<std::string>({"a/", "a/b/"}));
  FeedPage(&b, {"a/b/d"}, true);
  b.Finish();
  b.Release(&out);
  EXPECT_EQ(Names(out),
            std::vector<std::string>({"a/", "a/b/", "a/b/c", "a/b/d"}));
}

TEST(PathOrderTest, OutOfOrderPageIsRejected) {
  PathOrderBuffer b;
  b.AddObject("m", Obj("m"), false);
  ASSERT_TRUE(b.EndPage());
  b.AddObject("n", Obj("n"), false);
  b.AddObject("a", Obj("a"), false);
  EXPECT_FALSE(b.EndPage());
  b.AddObject("m", Obj("m"), false);  // a key repeated across pages
  EXPECT_FALSE(b.EndPage());
  PathOrderBuffer c;  // within one page any order is accepted
  c.AddObject("n", Obj("n"), false);
  c.AddObject("a", Obj("a"), false);
  EXPECT_TRUE(c.EndPage());
}

TEST(PathOrderTest, EmptyPageChangesNothing) {
  PathOrderBuffer b;
  EXPECT_TRUE(b.EndPage());
  EXPECT_FALSE(b.saw_any());
  b.Finish();
  std::vector<fs::FileInfo> out;
  EXPECT_EQ(b.Release(&out), 0u);
}

std::string Name(const char* fmt, int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, fmt, i);
  return buf;
}

TEST(PathOrderTest, SharedStemWaitsUntilResolvedAbsent) {
  PathOrderBuffer b;
  std::vector<fs::FileInfo> out;
  for (int i = 0; i < 3000; ++i) {
    b.AddObject(Name("part-%05d", i), Obj("x"), false);
    if (i % 1000 == 999) {
      ASSERT_TRUE(b.EndPage());
    }
  }
  EXPECT_EQ(b.Release(&out), 0u);  // "part/..." might still come
  EXPECT_EQ(b.size(), 3000u);
  ASSERT_EQ(b.Blocker(), "part");
  b.Resolve("part", false);
  // The last waits for its own name: "part-02999/..." may follow.
  EXPECT_EQ(b.Release(&out), 2999u);
  EXPECT_EQ(b.Blocker(), "part-02999");
  EXPECT_EQ(out.front().path, "part-00000");
  b.Finish();
  EXPECT_EQ(b.Release(&out), 1u);
  EXPECT_EQ(out.back().path, "part-02999");
}

TEST(PathOrderTest, ResolvedPresentDirectoryIsListedOnce) {
  PathOrderBuffer b;
  std::vector<fs::FileInfo> out;
  FeedPage(&b, {"part-1", "part-2"}, false, true);
  ASSERT_EQ(b.Blocker(), "part");
  b.Resolve("part", true);
  b.Release(&out);
  EXPECT_EQ(Names(out), std::vector<std::string>({"part/", "part-1"}));
  FeedPage(&b, {"part/"}, false, true);  // the stream reaches it later
  b.Finish();
  b.Release(&out);
  EXPECT_EQ(Names(out),
            std::vector<std::string>({"part/", "part-1", "part-2"}));
}

TEST(PathOrderTest, ResolveMovesToTheNextCandidate) {
  PathOrderBuffer b;
  std::vector<fs::FileInfo> out;
  FeedPage(&b, {"a-b-c"}, false);
  ASSERT_EQ(b.Blocker(), "a");
  b.Resolve("a", false);
  ASSERT_EQ(b.Blocker(), "a-b");
  b.Resolve("a-b", false);
  ASSERT_EQ(b.Blocker(), "a-b-c");  // the file's own name
  b.Resolve("a-b-c", false);
  EXPECT_EQ(b.Blocker(), std::nullopt);
  EXPECT_EQ(b.Release(&out), 1u);
}

// S3 order: "f0000" < "f0000.d/x" < "f0000.txt" < "f0001"; path order puts
// "f0000.d" before "f0000.txt" and both wait only for "f0000/".
TEST(PathOrderTest, TypicalNamesStayBounded) {
  for (bool recursive : {false, true}) {
    PathOrderBuffer b;
    std::vector<fs::FileInfo> out;
    for (int i = 0; i < 10000; ++i) {
      std::vector<std::string> keys = {Name("f%04d", i)};
      if (i % 10 == 0) keys.push_back(Name("f%04d.d/", i));
      keys.push_back(Name("f%04d.txt", i));
      for (const std::string& k : keys) {
        if (k.back() == '/' && !recursive) {
          b.AddPrefix(k);
        } else {
          std::string key = k.back() == '/' ? k + "x" : k;
          b.AddObject(key, Obj(key), recursive);
        }
        ASSERT_TRUE(b.EndPage());  // one key per page: finest position
        b.Release(&out);
      }
    }
    b.Finish();
    b.Release(&out);
    EXPECT_LE(b.peak(), 5u) << "recursive=" << recursive;
    size_t want = 20000 + 1000 + (recursive ? 1000 : 0);
    ASSERT_EQ(out.size(), want);
    EXPECT_EQ(out[1].path, "f0000.d");
    EXPECT_TRUE(out[1].is_dir);
    for (size_t i = 1; i < out.size(); ++i) {
      ASSERT_LT(out[i - 1].path, out[i].path);
    }
  }
}

// ---- brute force against the collect-and-sort listing ----------------

struct S3Page {
  std::vector<ObjectInfo> objects;
  std::vector<std::string> prefixes;
};

// ListObjectsV2 over `keys`: prefix, start-after, delimiter "/" rolling keys
// up into common prefixes, pages of 1..4 items.
std::vector<S3Page> Serve(const std::set<std::string>& keys,
                          const std::string& prefix,
                          const std::string& start_after, bool delimiter,
                          std::mt19937* rng) {
  std::vector<std::pair<bool, std::string>> items;  // (is_prefix, key)
  std::string last_cp;
  for (const std::string& k : keys) {
    if (!k.starts_with(prefix) || k <= start_after) continue;
    size_t pos = delimiter ? k.find('/', prefix.size()) : std::string::npos;
    if (pos == std::string::npos) {
      items.emplace_back(false, k);
    } else if (k.substr(0, pos + 1) != last_cp) {
      last_cp = k.substr(0, pos + 1);
      items.emplace_back(true, last_cp);
    }
  }
  std::vector<S3Page> pages;
  size_t i = 0;
  do {
    S3Page page;
    for (size_t n = 1 + (*rng)() % 4; n > 0 && i < items.size(); --n, ++i) {
      if (items[i].first) {
        page.prefixes.push_back(items[i].second);
      } else {
        page.objects.push_back(Obj(items[i].second, items[i].second.size()));
      }
    }
    pages.push_back(std::move(page));
  } while (i < items.size());
  return pages;
}

bool Wanted(const std::string& rel, const fs::ListOptions& options) {
  return !rel.empty() &&
         rel.compare(0, options.prefix.size(), options.prefix) == 0 &&
         rel > options.start_after;
}

// The oracle: the listing S3FileSystem built before streaming (collect
// every entry in a map keyed by relative path, then filter).
class OldListing {
 public:
  void AddDir(const std::string& rel) { entries_[rel].is_dir = true; }
  void AddObject(const ObjectInfo& obj, const std::string& rel,
                 bool recursive) {
    if (rel.empty()) return;
    if (recursive) {
      for (size_t slash = rel.find('/'); slash != std::string::npos;
           slash = rel.find('/', slash + 1)) {
        if (slash > 0) AddDir(rel.substr(0, slash));
      }
    }
    if (rel.back() == '/') {
      AddDir(rel.substr(0, rel.size() - 1));
      return;
    }
    fs::FileInfo& info = entries_[rel];
    if (info.is_dir) return;
    info.size = obj.size;
    info.etag = obj.etag;
  }
  std::vector<std::string> Result(const fs::ListOptions& options) const {
    std::vector<std::string> out;
    for (const auto& [rel, info] : entries_) {
      if (!Wanted(rel, options)) continue;
      out.push_back(rel + (info.is_dir ? "/|" : "|") +
                    std::to_string(info.size) + "|" + info.etag);
    }
    return out;
  }

 private:
  std::map<std::string, fs::FileInfo> entries_;
};

std::vector<std::string> Old(const std::vector<S3Page>& pages,
                             const std::string& base,
                             const fs::ListOptions& options) {
  OldListing c;
  for (const S3Page& page : pages) {
    for (const ObjectInfo& obj : page.objects) {
      c.AddObject(obj, obj.key.substr(base.size()), options.recursive);
    }
    for (const std::string& p : page.prefixes) {
      std::string rel = p.substr(base.size());
      while (!rel.empty() && rel.back() == '/') rel.pop_back();
      if (!rel.empty()) c.AddDir(rel);
    }
  }
  return c.Result(options);
}

// The streamed listing; probes at random (answered from `all`).
std::vector<std::string> Streamed(const std::vector<S3Page>& pages,
                                  const std::string& base,
                                  const fs::ListOptions& options,
                                  const std::set<std::string>& all,
                                  std::mt19937* rng, PathOrderBuffer* b) {
  std::vector<fs::FileInfo> out;
  for (size_t i = 0; i < pages.size(); ++i) {
    for (const ObjectInfo& obj : pages[i].objects) {
      b->AddObject(std::string_view(obj.key).substr(base.size()), obj,
                   options.recursive);
    }
    for (const std::string& p : pages[i].prefixes) {
      b->AddPrefix(std::string_view(p).substr(base.size()));
    }
    EXPECT_TRUE(b->EndPage());
    if (i + 1 == pages.size()) b->Finish();
    if (std::optional<std::string> y = b->Blocker(); y && (*rng)() % 3 == 0) {
      auto it = all.lower_bound(base + *y + "/");
      b->Resolve(*y, it != all.end() && it->starts_with(base + *y + "/"));
    }
    if ((*rng)() % 4 != 0 || i + 1 == pages.size()) b->Release(&out);
  }
  std::vector<std::string> names;
  for (const fs::FileInfo& info : out) {
    if (!Wanted(info.path, options)) continue;
    names.push_back(info.path + (info.is_dir ? "/|" : "|") +
                    std::to_string(info.size) + "|" + info.etag);
  }
  return names;
}

// Short strings over bytes around '/'; `valid`: no leading '/' and no
// empty component (a trailing '/' is a directory marker).
std::string RandomString(std::mt19937* rng, size_t max_len, bool valid) {
  static constexpr char kAlphabet[] = {'a', 'b', '-', '.', '/', '\x01', '~'};
  for (;;) {
    std::string s;
    for (size_t n = 1 + (*rng)() % max_len; n > 0; --n) {
      s.push_back(kAlphabet[(*rng)() % sizeof kAlphabet]);
    }
    if (!valid || (s[0] != '/' && s.find("//") == std::string::npos)) {
      return s;
    }
  }
}

// `s` quoted, byte 0x01 shown as "^" (appends: GCC 12 warns on "a" + s).
void AppendShown(std::string* out, const std::string& s) {
  out->push_back('"');
  for (char c : s) out->push_back(c == '\x01' ? '^' : c);
  out->push_back('"');
}

// The case, printable: keys and options.
std::string Describe(const std::set<std::string>& keys, const std::string& base,
                     const fs::ListOptions& options) {
  std::string out = "base=";
  AppendShown(&out, base);
  out.append(options.recursive ? " recursive" : " flat");
  out.append(" prefix=");
  AppendShown(&out, options.prefix);
  out.append(" start_after=");
  AppendShown(&out, options.start_after);
  out.append(" keys:");
  for (const std::string& k : keys) {
    out.push_back(' ');
    AppendShown(&out, k);
  }
  return out;
}

void BruteForce(bool valid_keys, uint32_t seed) {
  std::mt19937 rng(seed);
  for (int iter = 0; iter < 100000; ++iter) {
    const std::string base = rng() % 2 ? "" : "a/";
    std::set<std::string> keys;
    for (int n = rng() % 14; n > 0; --n) {
      keys.insert((rng() % 2 ? base : "") + RandomString(&rng, 6, valid_keys));
    }
    if (rng() % 4 == 0) keys.insert(base);  // the directory's own marker
    fs::ListOptions options;
    options.recursive = rng() % 2;
    if (rng() % 3 == 0) options.prefix = RandomString(&rng, 2, valid_keys);
    if (rng() % 3 == 0) options.start_after = RandomString(&rng, 3, false);
    std::string sa =
        options.start_after.empty() ? "" : base + options.start_after;
    auto pages =
        Serve(keys, base + options.prefix, sa, !options.recursive, &rng);
    PathOrderBuffer b(options.prefix.size());
    auto got = Streamed(pages, base, options, keys, &rng, &b);
    auto want = Old(pages, base, options);
    ASSERT_EQ(got, want) << "iteration " << iter << ": "
                         << Describe(keys, base, options);
    EXPECT_EQ(b.size(), 0u);
  }
}

TEST(PathOrderBruteForceTest, MatchesCollectAndSortOnValidKeys) {
  BruteForce(true, 1);
}

TEST(PathOrderBruteForceTest, MatchesCollectAndSortOnAnyKeys) {
  BruteForce(false, 2);
}

}  // namespace
}  // namespace strata::s3
