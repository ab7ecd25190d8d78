// PathOrderBuffer brute force: the collect-and-sort listing it replaced
// (kept here as the oracle) against the streamed one, over random key sets
// fed in S3 order in random page sizes, recursive or not, with prefixes,
// start-after and random probes.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "s3/path_order.h"

namespace strata::s3 {
namespace {

ObjectInfo Obj(const std::string& key, uint64_t size = 0) {
  ObjectInfo o;
  o.key = key;
  o.size = size;
  o.etag = "e:" + key;
  return o;
}

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
