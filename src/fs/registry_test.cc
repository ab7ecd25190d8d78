// Tests for the URI scheme registry: built-ins, sharing, third-party schemes.

#include "strata/fs/registry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "fs/testing/conformance.h"
#include "strata/fs/memory.h"
#include "strata/runtime/runtime.h"

namespace strata::fs {
namespace {

using conformance::IsOk;
using conformance::StatusIs;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

using conformance::Message;

// Registrations are process-wide and permanent, so every test registers
// fresh names (the suite may run repeatedly in one process).
std::string Fresh(const std::string& base) {
  static std::atomic<int> counter{0};
  return base + std::to_string(counter.fetch_add(1));
}

// A factory that records the URIs it was asked for and hands out one store.
class RecordingFactory {
 public:
  Result<std::shared_ptr<FileSystem>> operator()(const Uri& uri) {
    std::lock_guard lock(mu_);
    seen_.push_back(uri);
    return std::shared_ptr<FileSystem>(fs_);
  }
  std::vector<Uri> seen() const {
    std::lock_guard lock(mu_);
    return seen_;
  }
  const std::shared_ptr<MemoryFileSystem>& fs() const { return fs_; }

 private:
  mutable std::mutex mu_;
  std::vector<Uri> seen_;
  std::shared_ptr<MemoryFileSystem> fs_ = MemoryFileSystem::Create();
};

TEST(RegistryTest, BuiltInSchemesAreRegisteredAndSorted) {
  std::vector<std::string> schemes = RegisteredSchemes();
  EXPECT_THAT(schemes, Contains("file"));
  EXPECT_THAT(schemes, Contains("mem"));
  EXPECT_TRUE(std::is_sorted(schemes.begin(), schemes.end()));
}

TEST(RegistryTest, BarePathsAndFileUrisShareOneLocalFileSystem) {
  Result<FileSystemRef> bare = OpenFileSystem("/tmp/strata/../x");
  ASSERT_THAT(bare, IsOk());
  EXPECT_EQ(bare->fs->name(), "local");
  EXPECT_EQ(bare->path, "/tmp/x");
  Result<FileSystemRef> uri = OpenFileSystem("file:///var//y");
  ASSERT_THAT(uri, IsOk());
  EXPECT_EQ(uri->path, "/var/y");
  EXPECT_EQ(uri->fs, bare->fs);
  Result<FileSystemRef> relative = OpenFileSystem("rel");
  ASSERT_THAT(relative, IsOk());
  EXPECT_EQ(relative->fs, bare->fs);
  EXPECT_EQ(relative->path.front(), '/');
}

TEST(RegistryTest, FileUriWithHostIsInvalid) {
  Result<FileSystemRef> ref = OpenFileSystem("file://server/share");
  EXPECT_THAT(ref, StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(Message(ref.status()), HasSubstr("file://server/share"));
}

TEST(RegistryTest, MemStoresAreSharedByName) {
  Result<FileSystemRef> a = OpenFileSystem("mem://registry-share/a");
  Result<FileSystemRef> b = OpenFileSystem("MEM://registry-share/x/../b");
  Result<FileSystemRef> other = OpenFileSystem("mem://registry-other/a");
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  ASSERT_THAT(other, IsOk());
  EXPECT_EQ(a->fs, b->fs);
  EXPECT_NE(a->fs, other->fs);
  EXPECT_EQ(a->fs, MemoryFileSystem::Named("registry-share"));
  EXPECT_EQ(a->path, "/a");
  EXPECT_EQ(b->path, "/b");
  EXPECT_EQ(a->fs->name(), "memory");
}

TEST(RegistryTest, MemDataIsVisibleThroughEveryUriOfTheStore) {
  auto rt = Runtime::Create().value();
  Result<FileSystemRef> w = OpenFileSystem("mem://registry-data/f");
  ASSERT_THAT(w, IsOk());
  ASSERT_THAT(rt->BlockOn(conformance::WriteFile(w->fs.get(), w->path, "hello",
                                                 OpenOptions::Overwrite())),
              IsOk());
  Result<FileSystemRef> r = OpenFileSystem("mem://registry-data/./f");
  ASSERT_THAT(r, IsOk());
  Result<std::string> back =
      rt->BlockOn(conformance::ReadFile(r->fs.get(), r->path));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, "hello");
  Result<FileSystemRef> other = OpenFileSystem("mem://registry-data2/f");
  ASSERT_THAT(other, IsOk());
  EXPECT_THAT(rt->BlockOn(other->fs->Stat(other->path)),
              StatusIs(StatusCode::kNotFound));
}

TEST(RegistryTest, MemWithoutStoreNameIsInvalid) {
  Result<FileSystemRef> ref = OpenFileSystem("mem:///a/b");
  EXPECT_THAT(ref, StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(Message(ref.status()), HasSubstr("mem:///a/b"));
  EXPECT_THAT(Message(ref.status()), HasSubstr("store name"));
}

TEST(RegistryTest, FileAndMemRefuseQueryParametersNamingThem) {
  // An option these schemes would ignore (a misspelt "readonly", a
  // credential) is an error, naming the parameter but never its value.
  struct Case {
    const char* uri;
    const char* scheme;
    const char* name;
  };
  for (const Case& c :
       {Case{"file:///tmp?ReadOnly=true", "file://", "ReadOnly"},
        Case{"file:///tmp/x?read_only", "file://", "read_only"},
        Case{"mem://registry-query/?bogus=1", "mem://", "bogus"},
        Case{"mem://registry-query/a?secret_key=SECRETVALUE123", "mem://",
             "secret_key"}}) {
    Result<FileSystemRef> ref = OpenFileSystem(c.uri);
    EXPECT_THAT(ref, StatusIs(StatusCode::kInvalidArgument)) << c.uri;
    std::string message = Message(ref.status());
    EXPECT_THAT(message,
                HasSubstr(std::string(c.scheme) +
                          " takes no query parameters: '" + c.name + "'"))
        << c.uri;
    EXPECT_THAT(message, Not(HasSubstr("SECRETVALUE123"))) << c.uri;
  }
  // Without a query both still open.
  EXPECT_THAT(OpenFileSystem("file:///tmp"), IsOk());
  EXPECT_THAT(OpenFileSystem("mem://registry-query/a"), IsOk());
}

TEST(RegistryTest, UnknownSchemeListsTheKnownOnes) {
  Result<FileSystemRef> ref = OpenFileSystem("NoSuch://bucket/key");
  ASSERT_THAT(ref, StatusIs(StatusCode::kInvalidArgument));
  const std::string msg = Message(ref.status());
  EXPECT_THAT(msg, HasSubstr("unknown scheme 'nosuch'"));
  EXPECT_THAT(msg, HasSubstr("'NoSuch://bucket/key'"));
  EXPECT_THAT(msg, HasSubstr("known: "));
  EXPECT_THAT(msg, HasSubstr("file"));
  EXPECT_THAT(msg, HasSubstr("mem"));
  std::string known;
  for (const std::string& s : RegisteredSchemes()) {
    known += known.empty() ? s : ", " + s;
  }
  EXPECT_THAT(msg, HasSubstr("(known: " + known + ")"));
}

TEST(RegistryTest, ParseErrorsPropagate) {
  EXPECT_THAT(OpenFileSystem(""), StatusIs(StatusCode::kInvalidArgument));
  Result<FileSystemRef> ref = OpenFileSystem("mem://s/%zz");
  EXPECT_THAT(ref, StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(Message(ref.status()), HasSubstr("mem://s/%zz"));
  EXPECT_THAT(OpenFileSystem("mem://s/../.."),
              StatusIs(StatusCode::kInvalidArgument));
}

TEST(RegistryTest, ThirdPartySchemeReceivesTheParsedUri) {
  auto factory = std::make_shared<RecordingFactory>();
  const std::string scheme = Fresh("testfs");
  std::string mixed_case = scheme;
  mixed_case[0] = 'T';
  mixed_case[4] = 'F';
  ASSERT_THAT(
      RegisterScheme(scheme,
                     [factory](const Uri& uri) { return (*factory)(uri); }),
      IsOk());
  EXPECT_THAT(RegisteredSchemes(), Contains(scheme));
  Result<FileSystemRef> ref =
      OpenFileSystem(mixed_case + "://auth:1/a/./b%20c?opt=1&mode=fast");
  ASSERT_THAT(ref, IsOk());
  EXPECT_EQ(ref->fs, factory->fs());
  EXPECT_EQ(ref->path, "/a/b c");
  std::vector<Uri> seen = factory->seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].scheme, scheme);
  EXPECT_EQ(seen[0].authority, "auth:1");
  EXPECT_EQ(seen[0].path, "/a/b c");
  EXPECT_THAT(seen[0].query,
              UnorderedElementsAre(Pair("opt", "1"), Pair("mode", "fast")));
  // The unknown-scheme message now lists it too.
  Result<FileSystemRef> unknown = OpenFileSystem("zz://x");
  EXPECT_THAT(Message(unknown.status()), HasSubstr(scheme));
}

TEST(RegistryTest, AuthorityInPathPutsTheBucketFirst) {
  auto factory = [](const Uri&) -> Result<std::shared_ptr<FileSystem>> {
    return std::shared_ptr<FileSystem>(MemoryFileSystem::Create());
  };
  const std::string scheme = Fresh("bucketfs");
  SchemeOptions options;
  options.authority_in_path = true;
  ASSERT_THAT(RegisterScheme(scheme, factory, options), IsOk());
  Result<FileSystemRef> key = OpenFileSystem(scheme + "://bucket/a/b");
  ASSERT_THAT(key, IsOk());
  EXPECT_EQ(key->path, "/bucket/a/b");
  Result<FileSystemRef> root = OpenFileSystem(scheme + "://bucket");
  ASSERT_THAT(root, IsOk());
  EXPECT_EQ(root->path, "/bucket");
  Result<FileSystemRef> none = OpenFileSystem(scheme + ":///x");
  ASSERT_THAT(none, IsOk());
  EXPECT_EQ(none->path, "/x");
}

TEST(RegistryTest, DuplicateRegistrationIsAlreadyExists) {
  auto factory = [](const Uri&) -> Result<std::shared_ptr<FileSystem>> {
    return std::shared_ptr<FileSystem>(MemoryFileSystem::Create());
  };
  const std::string scheme = Fresh("dupfs");
  ASSERT_THAT(RegisterScheme(scheme, factory), IsOk());
  Status again = RegisterScheme(scheme, factory);
  EXPECT_THAT(again, StatusIs(StatusCode::kAlreadyExists));
  EXPECT_THAT(Message(again), HasSubstr(scheme));
  EXPECT_THAT(RegisterScheme("file", factory),
              StatusIs(StatusCode::kAlreadyExists));
  EXPECT_THAT(RegisterScheme("mem", factory),
              StatusIs(StatusCode::kAlreadyExists));
}

TEST(RegistryTest, InvalidRegistrationsAreRejected) {
  auto factory = [](const Uri&) -> Result<std::shared_ptr<FileSystem>> {
    return std::shared_ptr<FileSystem>(MemoryFileSystem::Create());
  };
  for (const char* scheme : {"", "Upper", "1fs", "a_b", "a b", "-x", "a:"}) {
    Status st = RegisterScheme(scheme, factory);
    EXPECT_THAT(st, StatusIs(StatusCode::kInvalidArgument)) << scheme;
    EXPECT_THAT(Message(st), HasSubstr(std::string("'") + scheme + "'"));
  }
  const std::string null_factory = Fresh("nullfactory");
  EXPECT_THAT(RegisterScheme(null_factory, nullptr),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(RegisteredSchemes(), ::testing::Not(Contains(null_factory)));
  EXPECT_THAT(RegisterScheme(Fresh("ok+fs.v1-"), factory), IsOk());
}

TEST(RegistryTest, FactoryFailuresPropagate) {
  const std::string fail = Fresh("failfs");
  ASSERT_THAT(
      RegisterScheme(fail,
                     [](const Uri& uri) -> Result<std::shared_ptr<FileSystem>> {
                       return UnavailableError("cannot reach " + uri.authority);
                     }),
      IsOk());
  Result<FileSystemRef> ref = OpenFileSystem(fail + "://host/x");
  EXPECT_THAT(ref, StatusIs(StatusCode::kUnavailable));
  EXPECT_THAT(Message(ref.status()), HasSubstr("cannot reach host"));
  const std::string null_fs = Fresh("nullfs");
  ASSERT_THAT(
      RegisterScheme(null_fs,
                     [](const Uri&) -> Result<std::shared_ptr<FileSystem>> {
                       return std::shared_ptr<FileSystem>();
                     }),
      IsOk());
  ref = OpenFileSystem(null_fs + "://host/x");
  EXPECT_THAT(ref, StatusIs(StatusCode::kInternal));
  EXPECT_THAT(Message(ref.status()), HasSubstr(null_fs + "://host/x"));
}

TEST(RegistryTest, ConcurrentRegistrationAndLookup) {
  constexpr int kThreads = 8;
  constexpr int kIterations = 200;
  std::atomic<int> registered{0};
  std::atomic<int> failures{0};
  const std::string prefix = Fresh("conc") + "-";
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t, &prefix, &registered, &failures] {
      for (int i = 0; i < kIterations; ++i) {
        std::string scheme = prefix + std::to_string(i % 20);
        Status st = RegisterScheme(
            scheme, [](const Uri&) -> Result<std::shared_ptr<FileSystem>> {
              return std::shared_ptr<FileSystem>(MemoryFileSystem::Create());
            });
        if (st.ok()) registered.fetch_add(1);
        std::string name = "registry-conc" + std::to_string((t + i) % 4);
        Result<FileSystemRef> ref = OpenFileSystem("mem://" + name + "/f");
        if (!ref.ok() || ref->fs != MemoryFileSystem::Named(name)) {
          failures.fetch_add(1);
        }
        if (RegisteredSchemes().empty()) failures.fetch_add(1);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(registered.load(), 20);
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace strata::fs
