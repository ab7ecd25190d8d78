// Unit tests of S3FileSystem::List streaming against a fake ListObjectsV2
// server (TestServer, a few keys per page with continuation tokens): the
// first page is yielded after the first ListObjectsV2 response, entries come
// in path order across pages ("b/" before "b-x"), a stem shared by many
// names is probed instead of buffered, and failures end the stream.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

#include "http/testing/test_server.h"
#include "s3/fake_server_test_util.h"
#include "strata/fs/file_system.h"
#include "strata/runtime/runtime.h"
#include "strata/s3/client.h"
#include "strata/s3/s3_fs.h"

namespace strata::s3 {
namespace {

using http::testing::TestRequest;
using http::testing::TestResponse;
using http::testing::TestServer;
using runtime::Runtime;

// The value of query parameter `name` in `target`, percent-decoded.
std::string Query(const std::string& target, const std::string& name) {
  size_t q = target.find('?');
  if (q == std::string::npos) return "";
  std::string rest = "&" + target.substr(q + 1) + "&";
  size_t at = rest.find("&" + name + "=");
  if (at == std::string::npos) return "";
  at += name.size() + 2;
  std::string raw = rest.substr(at, rest.find('&', at) - at), out;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '%' && i + 2 < raw.size()) {
      out.push_back(
          static_cast<char>(std::stoi(raw.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(raw[i]);
    }
  }
  return out;
}

// A bucket "bkt" of sorted `keys` answering ListObjectsV2 (prefix,
// delimiter, continuation token = index into the matching items, at most
// page_items items per page). Request number fail_at answers 500.
class FakeBucket {
 public:
  FakeBucket(std::vector<std::string> keys, size_t page_items)
      : keys_(std::move(keys)), page_items_(page_items) {}

  TestResponse Handle(const TestRequest& req) {
    TestResponse r;
    if (req.method != "GET" || Query(req.target, "list-type") != "2") {
      r.status = 404;
      r.body = "<Error><Code>NoSuchKey</Code></Error>";
      return r;
    }
    size_t n = ++lists_;
    {
      std::lock_guard<std::mutex> lock(mu_);
      targets_.push_back(req.target);
    }
    if (n == fail_at_) {
      r.status = 500;
      r.body = "<Error><Code>InternalError</Code></Error>";
      return r;
    }
    r.headers.emplace_back("Content-Type", "application/xml");
    r.body = Page(req.target);
    return r;
  }

  size_t lists() const { return lists_; }
  std::vector<std::string> targets() const {
    std::lock_guard<std::mutex> lock(mu_);
    return targets_;
  }
  void FailAt(size_t n) { fail_at_ = n; }

 private:
  // (is_prefix, key) matching the request, with common prefixes rolled up.
  std::vector<std::pair<bool, std::string>> Items(const std::string& target) {
    std::string prefix = Query(target, "prefix");
    bool delimiter = Query(target, "delimiter") == "/";
    std::vector<std::pair<bool, std::string>> items;
    for (const std::string& k : keys_) {
      if (!k.starts_with(prefix)) continue;
      size_t pos = delimiter ? k.find('/', prefix.size()) : std::string::npos;
      if (pos == std::string::npos) {
        items.emplace_back(false, k);
      } else if (items.empty() || items.back().second != k.substr(0, pos + 1)) {
        items.emplace_back(true, k.substr(0, pos + 1));
      }
    }
    return items;
  }

  std::string Page(const std::string& target) {
    auto items = Items(target);
    std::string token = Query(target, "continuation-token");
    size_t from = token.empty() ? 0 : std::stoul(token);
    size_t max_keys = std::stoul("0" + Query(target, "max-keys"));
    size_t count = std::min(page_items_, max_keys ? max_keys : page_items_);
    size_t to = std::min(items.size(), from + count);
    std::string body = "<ListBucketResult><Name>bkt</Name><IsTruncated>";
    body += to < items.size() ? "true" : "false";
    body += "</IsTruncated>";
    if (to < items.size()) {
      body += "<NextContinuationToken>" + std::to_string(to) +
              "</NextContinuationToken>";
    }
    for (size_t i = from; i < to; ++i) {
      if (items[i].first) {
        body += "<CommonPrefixes><Prefix>" + items[i].second +
                "</Prefix></CommonPrefixes>";
      } else {
        body += "<Contents><Key>" + items[i].second + "</Key><Size>" +
                std::to_string(items[i].second.size()) +
                "</Size><ETag>\"e\"</ETag></Contents>";
      }
    }
    return body + "</ListBucketResult>";
  }

  const std::vector<std::string> keys_;
  const size_t page_items_;
  std::atomic<size_t> lists_{0};
  std::atomic<size_t> fail_at_{0};
  mutable std::mutex mu_;
  std::vector<std::string> targets_;
};

class S3FsListStreamTest : public ::testing::Test {
 protected:
  void Start(std::vector<std::string> keys, size_t page_items) {
    fs_.reset();  // a test may start several servers in turn
    server_.reset();
    rt_.reset();
    bucket_ = std::make_unique<FakeBucket>(std::move(keys), page_items);
    auto rt = Runtime::Create();
    ASSERT_TRUE(rt.ok()) << rt.status().ToString();
    rt_ = std::move(rt).value();
    FakeBucket* bucket = bucket_.get();
    auto server = TestServer::Start(
        [bucket](const TestRequest& req) { return bucket->Handle(req); });
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
    auto client = fake_server::NewClient(server_->url());
    ASSERT_TRUE(client.ok()) << client.status().ToString();
    FileSystemOptions o;
    o.shared_client = *client;
    auto fs = NewS3FileSystem(o);
    ASSERT_TRUE(fs.ok()) << fs.status().ToString();
    fs_ = *fs;
  }

  // Reads the next item of `stream`; nullopt at the end.
  std::optional<Result<fs::ListPage>> Next(fs::ListStream* stream) {
    return rt_->BlockOn(NextOf(stream));
  }
  static Task<std::optional<Result<fs::ListPage>>> NextOf(
      fs::ListStream* stream) {
    co_return co_await stream->Next();
  }

  // Every entry ("name" or "name/" for directories, relative to /bkt/dir).
  std::vector<std::string> All(fs::ListStream stream) {
    std::vector<std::string> out;
    while (auto page = Next(&stream)) {
      EXPECT_TRUE(page->ok()) << page->status().ToString();
      if (!page->ok()) break;
      for (const fs::FileInfo& info : **page) {
        out.push_back(info.path.substr(9) + (info.is_dir ? "/" : ""));
      }
    }
    return out;
  }

  std::unique_ptr<FakeBucket> bucket_;
  std::unique_ptr<Runtime> rt_;
  std::unique_ptr<TestServer> server_;
  std::shared_ptr<fs::FileSystem> fs_;
};

const std::vector<std::string> kKeys = {
    "dir/a1",  "dir/a2", "dir/a3",  "dir/b",   "dir/b-x", "dir/b.y",
    "dir/b/z", "dir/b0", "dir/c-1", "dir/c/q", "dir/d",
};

TEST_F(S3FsListStreamTest, FirstPageArrivesAfterTheFirstRequest) {
  Start(kKeys, 3);
  fs::ListOptions options;
  options.page_size = 2;
  fs::ListStream stream = fs_->List("/bkt/dir", options);
  auto first = Next(&stream);
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(first->ok()) << first->status().ToString();
  EXPECT_EQ(bucket_->lists(), 1u);
  ASSERT_EQ((*first)->size(), 2u);
  EXPECT_EQ((**first)[0].path, "/bkt/dir/a1");
  EXPECT_EQ((**first)[1].path, "/bkt/dir/a2");
  EXPECT_EQ(All(std::move(stream)),
            std::vector<std::string>(
                {"a3", "b/", "b-x", "b.y", "b0", "c/", "c-1", "d"}));
  EXPECT_EQ(bucket_->lists(), 4u);  // 10 items, 3 per page
}

TEST_F(S3FsListStreamTest, RecursiveIsInPathOrderAcrossPages) {
  for (size_t page_items : {1u, 2u, 3u, 100u}) {
    Start(kKeys, page_items);
    fs::ListOptions options;
    options.recursive = true;
    options.page_size = 3;
    EXPECT_EQ(All(fs_->List("/bkt/dir", options)),
              std::vector<std::string>({"a1", "a2", "a3", "b/", "b-x", "b.y",
                                        "b/z", "b0", "c/", "c-1", "c/q", "d"}))
        << page_items;
  }
}

TEST_F(S3FsListStreamTest, PrefixAndStartAfterFilterTheStream) {
  Start(kKeys, 2);
  fs::ListOptions options;
  options.prefix = "b";
  options.start_after = "b";
  EXPECT_EQ(All(fs_->List("/bkt/dir", options)),
            std::vector<std::string>({"b-x", "b.y", "b0"}));
}

std::vector<std::string> PartKeys() {
  std::vector<std::string> keys;
  char name[32];
  for (int i = 0; i < 1500; ++i) {
    std::snprintf(name, sizeof name, "dir/part-%05d", i);
    keys.push_back(name);
  }
  keys.push_back("dir/q");
  return keys;
}

TEST_F(S3FsListStreamTest, SharedStemIsProbedNotBuffered) {
  Start(PartKeys(), 1000);
  fs::ListOptions options;
  options.page_size = 100;
  fs::ListStream stream = fs_->List("/bkt/dir", options);
  auto first = Next(&stream);
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(first->ok()) << first->status().ToString();
  EXPECT_EQ((**first)[0].path, "/bkt/dir/part-00000");
  // One listing page and one probe for "dir/part/" (nothing there).
  ASSERT_EQ(bucket_->lists(), 2u);
  std::string probe = bucket_->targets()[1];
  EXPECT_EQ(Query(probe, "prefix"), "dir/part/");
  EXPECT_EQ(Query(probe, "max-keys"), "1");
  std::vector<std::string> rest = All(std::move(stream));
  ASSERT_EQ(rest.size(), 1401u);
  EXPECT_EQ(rest.back(), "q");
}

TEST_F(S3FsListStreamTest, FailureAfterAPageEndsTheStream) {
  Start(kKeys, 3);
  bucket_->FailAt(2);
  fs::ListOptions options;
  options.page_size = 2;
  fs::ListStream stream = fs_->List("/bkt/dir", options);
  auto first = Next(&stream);
  ASSERT_TRUE(first.has_value() && first->ok());
  auto second = Next(&stream);
  ASSERT_TRUE(second.has_value());
  ASSERT_FALSE(second->ok());
  EXPECT_NE(second->status().message().find("dir"), std::string::npos)
      << second->status().ToString();
  EXPECT_FALSE(Next(&stream).has_value());
}

TEST_F(S3FsListStreamTest, FailureBeforeAnyPageIsTheOnlyItem) {
  Start(kKeys, 3);
  bucket_->FailAt(1);
  fs::ListStream stream = fs_->List("/bkt/dir", fs::ListOptions());
  auto first = Next(&stream);
  ASSERT_TRUE(first.has_value());
  EXPECT_FALSE(first->ok());
  EXPECT_FALSE(Next(&stream).has_value());
}

TEST_F(S3FsListStreamTest, MissingDirectoryIsNotFound) {
  Start(kKeys, 3);
  fs::ListStream stream = fs_->List("/bkt/nothere", fs::ListOptions());
  auto first = Next(&stream);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->status().code(), StatusCode::kNotFound)
      << first->status().ToString();
  EXPECT_FALSE(Next(&stream).has_value());
}

}  // namespace
}  // namespace strata::s3
