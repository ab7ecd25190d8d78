// Unit tests: AzureFileSystem::List streams — against an in-memory fake
// Client, the first page arrives after one List Blobs request, pages that
// go backwards are kDataLoss, a failure after some pages ends the stream,
// many names waiting on one directory are probed with max_results 1, and a
// brute-force comparison against the collect-and-sort listing it replaced
// (kept here as the oracle) over random names, options and page sizes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "azure/azure_fs_impl.h"
#include "strata/fs/registry.h"
#include "strata/runtime/runtime.h"

namespace strata::azure {
namespace {

BlobProperties Blob(const std::string& name) {
  BlobProperties b;
  b.name = name;
  b.size = name.size();
  b.etag = "e:" + name;
  return b;
}

Status Unsupported() { return UnimplementedError("fake client"); }

// A container "c" of `names` (no contents); List Blobs pages of at most
// `page` results.
class FakeClient final : public Client {
 public:
  std::set<std::string> names;
  size_t page = 5000;
  int lists = 0;        // List calls
  int probes = 0;       // ... with max_results 1
  int fail_at = -1;     // the List call (0-based) that fails
  bool rewind = false;  // every continuation restarts at the beginning

  Task<Status> CreateContainer(std::string) override {
    co_return Unsupported();
  }
  Task<Status> DeleteContainer(std::string) override {
    co_return Unsupported();
  }
  Task<Result<BlobProperties>> GetProperties(std::string container,
                                             std::string blob) override {
    if (container != "c" || !names.contains(blob)) {
      co_return NotFoundError("no blob " + blob);
    }
    co_return Blob(blob);
  }
  Task<Result<GetResult>> Get(std::string, std::string, std::span<std::byte>,
                              GetOptions) override {
    co_return Unsupported();
  }
  Task<Result<PutResult>> Put(std::string, std::string,
                              std::span<const std::byte>, PutOptions) override {
    co_return Unsupported();
  }
  Task<Status> Delete(std::string, std::string, DeleteOptions) override {
    co_return Unsupported();
  }
  Task<Result<PutResult>> Copy(std::string, std::string, std::string,
                               std::string, CopyOptions) override {
    co_return Unsupported();
  }
  Task<Result<ListResult>> List(std::string container,
                                ListOptions options) override;
  Task<Status> PutBlock(std::string, std::string, std::string,
                        std::span<const std::byte>) override {
    co_return Unsupported();
  }
  Task<Result<PutResult>> PutBlockList(std::string, std::string,
                                       std::vector<BlockRef>,
                                       PutOptions) override {
    co_return Unsupported();
  }
  Task<Result<std::vector<BlockInfo>>> GetBlockList(std::string,
                                                    std::string) override {
    co_return Unsupported();
  }
  Task<Result<PutResult>> CreateAppendBlob(std::string, std::string,
                                           PutOptions) override {
    co_return Unsupported();
  }
  Task<Result<PutResult>> AppendBlock(std::string, std::string,
                                      std::span<const std::byte>,
                                      std::optional<uint64_t>) override {
    co_return Unsupported();
  }
  std::string BlobUrl(std::string_view, std::string_view) const override {
    return "";
  }

  // List Blobs over `names` from `marker` (a name) on, at most `max`
  // results.
  ListResult Simulate(const ListOptions& o, size_t max) const {
    ListResult r;
    size_t count = 0;
    auto it = names.lower_bound(std::max(o.marker, o.prefix));
    while (it != names.end() && it->starts_with(o.prefix)) {
      if (count == max) {
        r.next_marker = *it;
        break;
      }
      ++count;
      size_t slash = o.delimiter.empty() ? std::string::npos
                                         : it->find('/', o.prefix.size());
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
};

Task<Result<ListResult>> FakeClient::List(std::string container,
                                          ListOptions options) {
  int call = lists++;
  if (options.max_results == 1) ++probes;
  if (call == fail_at) co_return UnavailableError("injected failure");
  if (container != "c") co_return NotFoundError("no container");
  if (rewind && !options.marker.empty()) options.marker.clear();
  co_return Simulate(options, std::min<size_t>(page, options.max_results));
}

// Every page of a listing, or its failure (with the pages before it).
struct Listing {
  std::vector<fs::ListPage> pages;
  Status status;
};

Task<Listing> Drain(fs::FileSystem* fs, std::string path,
                    fs::ListOptions options) {
  Listing out;
  fs::ListStream s = fs->List(std::move(path), std::move(options));
  while (auto v = co_await s.Next()) {
    if (!v->ok()) {
      out.status = v->status();
      break;
    }
    out.pages.push_back(std::move(*v).value());
  }
  co_return out;
}

// The first page (or failure) of a listing, and the List calls it took.
Task<Status> FirstPage(fs::FileSystem* fs, std::string path,
                       fs::ListOptions options, size_t* entries) {
  fs::ListStream s = fs->List(std::move(path), std::move(options));
  auto v = co_await s.Next();
  if (!v) co_return InternalError("no page");
  if (!v->ok()) co_return v->status();
  *entries = (*v)->size();
  co_return Status::OK();
}

std::vector<std::string> Names(const std::vector<fs::FileInfo>& infos) {
  std::vector<std::string> out;
  for (const fs::FileInfo& i : infos)
    out.push_back(i.path + (i.is_dir ? "/" : ""));
  return out;
}

std::vector<fs::FileInfo> Flatten(const Listing& l) {
  std::vector<fs::FileInfo> out;
  for (const fs::ListPage& p : l.pages)
    out.insert(out.end(), p.begin(), p.end());
  return out;
}

class AzureListStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto rt = Runtime::Create(RuntimeOptions());
    ASSERT_TRUE(rt.ok()) << rt.status().ToString();
    rt_ = std::move(rt).value();
    client_ = std::make_shared<FakeClient>();
    AzureFileSystemOptions o;
    o.shared_client = client_;
    auto fs = NewAzureFileSystem(o);
    ASSERT_TRUE(fs.ok()) << fs.status().ToString();
    fs_ = std::move(fs).value();
  }

  Listing List(const std::string& path, const fs::ListOptions& options) {
    return rt_->BlockOn(Drain(fs_.get(), path, options));
  }

  std::unique_ptr<Runtime> rt_;
  std::shared_ptr<FakeClient> client_;
  std::shared_ptr<fs::FileSystem> fs_;
};

fs::ListOptions PageSize(size_t n, bool recursive = false) {
  fs::ListOptions o;
  o.page_size = n;
  o.recursive = recursive;
  return o;
}

TEST_F(AzureListStreamTest, FirstPageAfterOneRequest) {
  char buf[32];
  for (int i = 0; i < 100; ++i) {
    std::snprintf(buf, sizeof(buf), "d/f%03d", i);
    client_->names.insert(buf);
  }
  client_->page = 10;
  size_t entries = 0;
  Status st = rt_->BlockOn(FirstPage(fs_.get(), "/c/d", PageSize(5), &entries));
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(entries, 5u);
  EXPECT_EQ(client_->lists, 1);
  Listing all = List("/c/d", PageSize(7));
  ASSERT_TRUE(all.status.ok()) << all.status.ToString();
  EXPECT_EQ(all.pages.size(), 15u);  // 100 = 14 * 7 + 2
  EXPECT_EQ(all.pages.back().size(), 2u);
  EXPECT_EQ(Flatten(all).front().path, "/c/d/f000");
}

TEST_F(AzureListStreamTest, PagesGoingBackwardsAreDataLoss) {
  client_->names = {"d/a", "d/b", "d/c"};
  client_->page = 2;
  client_->rewind = true;
  Listing l = List("/c/d", PageSize(1));
  EXPECT_EQ(l.status.code(), StatusCode::kDataLoss) << l.status.ToString();
  EXPECT_NE(l.status.message().find("list /c/d"), std::string::npos);
  EXPECT_NE(l.status.message().find("malformed listing"), std::string::npos);
}

TEST_F(AzureListStreamTest, FailureAfterSomePagesEndsTheStream) {
  client_->names = {"d/a", "d/b", "d/c", "d/e"};
  client_->page = 2;
  client_->fail_at = 1;
  Listing l = List("/c/d", PageSize(1));
  EXPECT_EQ(l.status.code(), StatusCode::kUnavailable) << l.status.ToString();
  EXPECT_NE(l.status.message().find("list /c/d"), std::string::npos);
  EXPECT_EQ(Names(Flatten(l)), std::vector<std::string>({"/c/d/a", "/c/d/b"}));
}

TEST_F(AzureListStreamTest, EmptyListingsAskWhatThePathIs) {
  client_->names = {"file", "empty/"};
  EXPECT_EQ(List("/c/file", PageSize(3)).status.code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(List("/c/none", PageSize(3)).status.code(), StatusCode::kNotFound);
  Listing empty = List("/c/empty", PageSize(3));
  EXPECT_TRUE(empty.status.ok()) << empty.status.ToString();
  EXPECT_TRUE(empty.pages.empty());
  EXPECT_EQ(List("/", PageSize(3)).status.code(), StatusCode::kInvalidArgument);
}

TEST_F(AzureListStreamTest, ManyNamesWaitingOnOneDirectoryAreProbed) {
  char buf[32];
  for (int i = 0; i < 3000; ++i) {
    std::snprintf(buf, sizeof(buf), "part-%05d", i);
    client_->names.insert(buf);
  }
  client_->names.insert("part/");  // a marker: the directory exists
  client_->names.insert("part/x");
  client_->page = 500;
  size_t entries = 0;
  Status st =
      rt_->BlockOn(FirstPage(fs_.get(), "/c", PageSize(10, true), &entries));
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(client_->probes, 1);
  EXPECT_LT(client_->lists, 7);  // did not read all 7 pages first
  client_->lists = 0;
  client_->probes = 0;
  Listing l = List("/c", PageSize(1000, true));
  ASSERT_TRUE(l.status.ok()) << l.status.ToString();
  std::vector<std::string> names = Names(Flatten(l));
  ASSERT_EQ(names.size(), 3002u);
  EXPECT_EQ(names[0], "/c/part/");
  EXPECT_EQ(names[1], "/c/part-00000");
  EXPECT_EQ(names.back(), "/c/part/x");
  EXPECT_EQ(client_->probes, 1);
}

// --- Brute force against the collect-and-sort listing. ---

// The old AzureFileSystem::List: every page gathered, sorted by (path,
// is_dir), filtered by start_after; CheckListTarget when nothing was seen.
Listing OldList(const FakeClient& fake, const std::string& path,
                const fs::ListOptions& options) {
  std::string blob = path.size() > 3 ? path.substr(3) : "";
  std::string dir_prefix = blob.empty() ? "" : blob + "/";
  ListOptions lo;
  lo.prefix = dir_prefix + options.prefix;
  if (!options.recursive) lo.delimiter = "/";
  ListResult all = fake.Simulate(lo, 1u << 30);
  std::vector<fs::FileInfo> out;
  auto add = [&](const std::string& name, const BlobProperties* b) {
    if (name.size() == dir_prefix.size()) return;
    std::string rel = name.substr(dir_prefix.size());
    fs::FileInfo info;
    if (rel.back() == '/') {
      rel.pop_back();
      info.is_dir = true;
    } else if (b != nullptr) {
      info.size = b->size;
      info.etag = b->etag;
    }
    info.path = fs::JoinPath(path, rel);
    out.push_back(info);
  };
  for (const BlobProperties& b : all.blobs) add(b.name, &b);
  for (const std::string& p : all.prefixes) add(p, nullptr);
  Listing l;
  if (out.empty() && !blob.empty()) {
    ListOptions probe;
    probe.prefix = dir_prefix;
    probe.max_results = 1;
    ListResult r = fake.Simulate(probe, 1);
    if (r.blobs.empty() && r.prefixes.empty()) {
      l.status = fake.names.contains(blob)
                     ? InvalidArgumentError("not a directory")
                     : NotFoundError("no such directory");
      return l;
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(a.path, a.is_dir, a.etag) <
           std::tie(b.path, b.is_dir, b.etag);
  });
  std::string after = fs::JoinPath(path, options.start_after);
  if (!options.start_after.empty()) {
    std::erase_if(out, [&](const fs::FileInfo& e) { return e.path <= after; });
  }
  if (!out.empty()) l.pages.push_back(out);
  return l;
}

std::string RandomName(std::mt19937* rng) {
  static constexpr char kAlphabet[] = {'a', 'b', '-', '.', '/', '\x01', '~'};
  std::string s;
  size_t len = 1 + (*rng)() % 4;
  for (size_t i = 0; i < len; ++i) s.push_back(kAlphabet[(*rng)() % 7]);
  return s;
}

void ExpectSameListing(const Listing& got, const Listing& want,
                       size_t page_size, int round) {
  ASSERT_EQ(got.status.code(), want.status.code())
      << "round " << round << ": " << got.status.ToString();
  for (size_t i = 0; i + 1 < got.pages.size(); ++i) {
    ASSERT_EQ(got.pages[i].size(), page_size) << "round " << round;
  }
  std::vector<fs::FileInfo> g = Flatten(got);
  for (size_t i = 1; i < g.size(); ++i) {
    ASSERT_FALSE(std::tie(g[i].path, g[i].is_dir) <
                 std::tie(g[i - 1].path, g[i - 1].is_dir))
        << "round " << round << " at " << i;
  }
  std::sort(g.begin(), g.end(), [](const auto& a, const auto& b) {
    return std::tie(a.path, a.is_dir, a.etag) <
           std::tie(b.path, b.is_dir, b.etag);
  });
  std::vector<fs::FileInfo> w = Flatten(want);
  ASSERT_EQ(Names(g), Names(w)) << "round " << round;
  for (size_t i = 0; i < g.size(); ++i) {
    EXPECT_EQ(g[i].etag, w[i].etag) << "round " << round;
    EXPECT_EQ(g[i].size, w[i].size) << "round " << round;
  }
}

TEST_F(AzureListStreamTest, MatchesCollectAndSortOnRandomNames) {
  std::mt19937 rng(6);
  const std::vector<std::string> prefixes = {"", "", "a", "-", "/", "a/"};
  const std::vector<std::string> dirs = {"/c", "/c/d", "/c/d", "/c/a"};
  for (int round = 0; round < 1500; ++round) {
    client_->names.clear();
    size_t n = rng() % 10;
    for (size_t i = 0; i < n; ++i) {
      std::string name = RandomName(&rng);
      client_->names.insert(rng() % 4 ? "d/" + name : name);
    }
    client_->page = 1 + rng() % 4;
    std::string path = dirs[rng() % dirs.size()];
    fs::ListOptions o;
    o.recursive = rng() % 2;
    o.prefix = prefixes[rng() % prefixes.size()];
    if (rng() % 2) o.start_after = RandomName(&rng);
    o.page_size = 1 + rng() % 3;
    Listing got = List(path, o);
    ExpectSameListing(got, OldList(*client_, path, o), o.page_size, round);
  }
}

}  // namespace
}  // namespace strata::azure
