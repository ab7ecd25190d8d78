// Conformance: listing, stat, rename/copy/remove, directories, conditional
// writes.
#include "fs/conformance_test_util.h"

namespace strata::fs::conformance {
namespace {

// ---- listing -------------------------------------------------------------

TEST_P(FileSystemConformanceTest, ListFlat) {
  ASSERT_THAT(Run(MakeListTree(&fs(), root())), IsOk());
  auto list = List(root());
  ASSERT_THAT(list, IsOk());
  ASSERT_THAT(Names(*list, root()), ElementsAre("a", "b", "b-x"));
  const std::vector<FileInfo>& e = *list;
  EXPECT_EQ(e[0].path, P("a"));
  EXPECT_FALSE(e[0].is_dir);
  EXPECT_EQ(e[0].size, 3u);
  EXPECT_TRUE(e[1].is_dir);
  EXPECT_FALSE(e[2].is_dir);
  EXPECT_EQ(e[2].size, 1u);
  auto sub = List(P("b"));
  ASSERT_THAT(sub, IsOk());
  EXPECT_THAT(Names(*sub, P("b")), ElementsAre("c", "d"));
}

TEST_P(FileSystemConformanceTest, ListRecursiveIsInByteOrder) {
  ASSERT_THAT(Run(MakeListTree(&fs(), root())), IsOk());
  ListOptions opts;
  opts.recursive = true;
  auto list = List(root(), opts);
  ASSERT_THAT(list, IsOk());
  if (caps().real_directories) {
    EXPECT_THAT(Names(*list, root()),
                ElementsAre("a", "b", "b-x", "b/c", "b/d", "b/d/e"));
  } else {
    EXPECT_THAT(Names(*list, root(), /*files_only=*/true),
                ElementsAre("a", "b-x", "b/c", "b/d/e"));
  }
  for (const FileInfo& info : *list) {
    if (info.path == P("b/d/e")) {
      EXPECT_EQ(info.size, 4u);
    }
  }
}

TEST_P(FileSystemConformanceTest, ListPrefix) {
  ASSERT_THAT(Run(MakeListTree(&fs(), root())), IsOk());
  const bool files_only = !caps().real_directories;
  ListOptions opts;
  opts.prefix = "b";
  auto list = List(root(), opts);
  ASSERT_THAT(list, IsOk());
  EXPECT_THAT(Names(*list, root()), ElementsAre("b", "b-x"));
  opts.prefix = "zz";
  list = List(root(), opts);
  ASSERT_THAT(list, IsOk());
  EXPECT_THAT(Names(*list, root()), IsEmpty());
  opts.recursive = true;
  opts.prefix = "b/";
  list = List(root(), opts);
  ASSERT_THAT(list, IsOk());
  EXPECT_THAT(
      Names(*list, root(), files_only),
      ElementsAreArray(files_only
                           ? std::vector<std::string>{"b/c", "b/d/e"}
                           : std::vector<std::string>{"b/c", "b/d", "b/d/e"}));
  opts.prefix = "b/d";
  list = List(root(), opts);
  ASSERT_THAT(list, IsOk());
  EXPECT_THAT(Names(*list, root(), /*files_only=*/true), ElementsAre("b/d/e"));
}

TEST_P(FileSystemConformanceTest, ListStartAfter) {
  ASSERT_THAT(Run(MakeListTree(&fs(), root())), IsOk());
  ListOptions opts;
  opts.start_after = "a";
  auto list = List(root(), opts);
  ASSERT_THAT(list, IsOk());
  EXPECT_THAT(Names(*list, root()), ElementsAre("b", "b-x"));
  opts.start_after = "b";
  list = List(root(), opts);
  ASSERT_THAT(list, IsOk());
  EXPECT_THAT(Names(*list, root()), ElementsAre("b-x"));
  opts.start_after = "zzz";
  list = List(root(), opts);
  ASSERT_THAT(list, IsOk());
  EXPECT_THAT(Names(*list, root()), IsEmpty());
  opts.recursive = true;
  opts.start_after = "b";
  list = List(root(), opts);
  ASSERT_THAT(list, IsOk());
  EXPECT_THAT(Names(*list, root(), /*files_only=*/true),
              ElementsAre("b-x", "b/c", "b/d/e"));
  opts.start_after = "b/c";
  list = List(root(), opts);
  ASSERT_THAT(list, IsOk());
  EXPECT_THAT(Names(*list, root(), /*files_only=*/true), ElementsAre("b/d/e"));
  opts.prefix = "b";
  opts.start_after = "b-x";
  list = List(root(), opts);
  ASSERT_THAT(list, IsOk());
  EXPECT_THAT(Names(*list, root(), /*files_only=*/true),
              ElementsAre("b/c", "b/d/e"));
}

TEST_P(FileSystemConformanceTest, ListPagination) {
  const std::string dir = P("many");
  ASSERT_THAT(Run(fs().CreateDir(Join(dir, "sub"), true)), IsOk());
  for (int i = 0; i < 12; ++i) {
    char name[8];
    std::snprintf(name, sizeof(name), "f%02d", i);
    ASSERT_THAT(Write(Join(dir, name), std::string(i, 'x')), IsOk());
  }
  ASSERT_THAT(Write(Join(dir, "sub/x"), "x"), IsOk());
  for (bool recursive : {false, true}) {
    ListOptions all_opts;
    all_opts.recursive = recursive;
    auto all = List(dir, all_opts);
    ASSERT_THAT(all, IsOk());
    const std::vector<std::string> expected = Names(*all, dir);
    ASSERT_GE(expected.size(), 13u);
    ASSERT_TRUE(std::is_sorted(expected.begin(), expected.end()));
    for (size_t page_size = 1; page_size <= 3; ++page_size) {
      SCOPED_TRACE(Cat("recursive=", recursive, " page_size=", page_size));
      ListOptions opts = all_opts;
      opts.page_size = page_size;
      auto pages = Pages(dir, opts);
      ASSERT_THAT(pages, IsOk());
      std::vector<FileInfo> flat;
      for (size_t i = 0; i < pages->size(); ++i) {
        const ListPage& page = (*pages)[i];
        if (i + 1 < pages->size()) {
          EXPECT_EQ(page.size(), page_size) << "page " << i;
        } else {
          EXPECT_GE(page.size(), 1u) << "last page";
          EXPECT_LE(page.size(), page_size) << "last page";
        }
        flat.insert(flat.end(), page.begin(), page.end());
      }
      EXPECT_EQ(Names(flat, dir), expected);
    }
  }
  ListOptions after;
  after.page_size = 2;
  after.start_after = "f04";
  auto pages = Pages(dir, after);
  ASSERT_THAT(pages, IsOk());
  std::vector<FileInfo> flat;
  for (const ListPage& page : *pages) {
    EXPECT_LE(page.size(), 2u);
    flat.insert(flat.end(), page.begin(), page.end());
  }
  EXPECT_THAT(Names(flat, dir), ElementsAre("f05", "f06", "f07", "f08", "f09",
                                            "f10", "f11", "sub"));
}

TEST_P(FileSystemConformanceTest, ListMissingDirIsNotFound) {
  auto list = List(P("missing"));
  EXPECT_THAT(list, StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(Message(list.status()), HasSubstr(P("missing")));
}

TEST_P(FileSystemConformanceTest, ListFileIsInvalidArgument) {
  ASSERT_THAT(Write(P("f"), "data"), IsOk());
  auto list = List(P("f"));
  EXPECT_THAT(list, StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(Message(list.status()), HasSubstr(P("f")));
}

TEST_P(FileSystemConformanceTest, ListEmptyDir) {
  STRATA_CONFORMANCE_REQUIRE(real_directories);
  ASSERT_THAT(Run(fs().CreateDir(P("empty"), false)), IsOk());
  for (bool recursive : {false, true}) {
    ListOptions opts;
    opts.recursive = recursive;
    auto list = List(P("empty"), opts);
    ASSERT_THAT(list, IsOk());
    EXPECT_THAT(Names(*list, root()), IsEmpty());
  }
}

// ---- stat and etags ------------------------------------------------------

TEST_P(FileSystemConformanceTest, StatFile) {
  ASSERT_THAT(Write(P("f"), "12345"), IsOk());
  auto info = Stat(P("f"));
  ASSERT_THAT(info, IsOk());
  EXPECT_EQ(info->path, P("f"));
  EXPECT_EQ(info->size, 5u);
  EXPECT_FALSE(info->is_dir);
  EXPECT_FALSE(info->etag.empty());
  EXPECT_GT(info->mtime.time_since_epoch().count(), 0);
}

TEST_P(FileSystemConformanceTest, StatDir) {
  ASSERT_THAT(Run(fs().CreateDir(P("d"), false)), IsOk());
  ASSERT_THAT(Write(P("d/x"), "x"), IsOk());
  auto info = Stat(P("d"));
  ASSERT_THAT(info, IsOk());
  EXPECT_TRUE(info->is_dir);
  EXPECT_EQ(info->path, P("d"));
  if (caps().real_directories) {
    ASSERT_THAT(Run(fs().CreateDir(P("empty"), false)), IsOk());
    info = Stat(P("empty"));
    ASSERT_THAT(info, IsOk());
    EXPECT_TRUE(info->is_dir);
    info = Stat(root());
    ASSERT_THAT(info, IsOk());
    EXPECT_TRUE(info->is_dir);
  }
}

TEST_P(FileSystemConformanceTest, EtagChangesAfterWrite) {
  ASSERT_THAT(Write(P("f"), "v1"), IsOk());
  auto first = Stat(P("f"));
  ASSERT_THAT(first, IsOk());
  ASSERT_FALSE(first->etag.empty());
  auto again = Stat(P("f"));
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->etag, first->etag) << "etag is not stable";
  ASSERT_THAT(Write(P("f"), "version two"), IsOk());
  auto second = Stat(P("f"));
  ASSERT_THAT(second, IsOk());
  EXPECT_FALSE(second->etag.empty());
  EXPECT_NE(second->etag, first->etag);
}

// ---- rename, copy, remove, create dir ------------------------------------

TEST_P(FileSystemConformanceTest, RenameFile) {
  ASSERT_THAT(Write(P("src"), "payload"), IsOk());
  ASSERT_THAT(Run(fs().Rename(P("src"), P("dst"))), IsOk());
  EXPECT_THAT(Stat(P("src")), StatusIs(StatusCode::kNotFound));
  auto back = Read(P("dst"));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, "payload");
  ASSERT_THAT(Run(fs().CreateDir(P("d"), false)), IsOk());
  ASSERT_THAT(Run(fs().Rename(P("dst"), P("d/moved"))), IsOk());
  back = Read(P("d/moved"));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, "payload");
}

TEST_P(FileSystemConformanceTest, RenameReplacesTarget) {
  ASSERT_THAT(Write(P("src"), "new"), IsOk());
  ASSERT_THAT(Write(P("dst"), "old and longer"), IsOk());
  ASSERT_THAT(Run(fs().Rename(P("src"), P("dst"))), IsOk());
  EXPECT_THAT(Stat(P("src")), StatusIs(StatusCode::kNotFound));
  auto back = Read(P("dst"));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, "new");
}

TEST_P(FileSystemConformanceTest, RenameDir) {
  STRATA_CONFORMANCE_REQUIRE(rename_dir);
  ASSERT_THAT(Run(fs().CreateDir(P("d/e"), true)), IsOk());
  ASSERT_THAT(Write(P("d/f"), "f"), IsOk());
  ASSERT_THAT(Write(P("d/e/g"), "g"), IsOk());
  ASSERT_THAT(Run(fs().Rename(P("d"), P("d2"))), IsOk());
  EXPECT_THAT(Stat(P("d")), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(Stat(P("d/f")), StatusIs(StatusCode::kNotFound));
  auto info = Stat(P("d2"));
  ASSERT_THAT(info, IsOk());
  EXPECT_TRUE(info->is_dir);
  auto back = Read(P("d2/e/g"));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, "g");
  ListOptions opts;
  opts.recursive = true;
  auto list = List(P("d2"), opts);
  ASSERT_THAT(list, IsOk());
  EXPECT_THAT(Names(*list, P("d2"), /*files_only=*/true),
              ElementsAre("e/g", "f"));
}

TEST_P(FileSystemConformanceTest, CopyFile) {
  const std::string data = RandomData(kMiB + 5, 8);
  ASSERT_THAT(Write(P("src"), data), IsOk());
  ASSERT_THAT(Run(fs().Copy(P("src"), P("dst"))), IsOk());
  auto back = Read(P("dst"));
  ASSERT_THAT(back, IsOk());
  EXPECT_TRUE(*back == data) << "copy differs";
  back = Read(P("src"));
  ASSERT_THAT(back, IsOk());
  EXPECT_TRUE(*back == data) << "source changed by copy";
  // Copy replaces (and shrinks) an existing target.
  ASSERT_THAT(Write(P("small"), "tiny"), IsOk());
  ASSERT_THAT(Run(fs().Copy(P("small"), P("dst"))), IsOk());
  back = Read(P("dst"));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, "tiny");
}

TEST_P(FileSystemConformanceTest, RemoveFile) {
  ASSERT_THAT(Write(P("f"), "x"), IsOk());
  ASSERT_THAT(Run(fs().Remove(P("f"))), IsOk());
  EXPECT_THAT(Stat(P("f")), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(Run(fs().Remove(P("f"))), StatusIs(StatusCode::kNotFound));
}

TEST_P(FileSystemConformanceTest, RemoveRejectsDirectory) {
  STRATA_CONFORMANCE_REQUIRE(real_directories);
  ASSERT_THAT(Run(fs().CreateDir(P("d"), false)), IsOk());
  Status st = Run(fs().Remove(P("d")));
  EXPECT_THAT(st, StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(Message(st), HasSubstr(P("d")));
  auto info = Stat(P("d"));
  ASSERT_THAT(info, IsOk());
  EXPECT_TRUE(info->is_dir);
}

TEST_P(FileSystemConformanceTest, RemoveDirNonRecursive) {
  STRATA_CONFORMANCE_REQUIRE(real_directories);
  ASSERT_THAT(Run(fs().CreateDir(P("d/sub"), true)), IsOk());
  ASSERT_THAT(Write(P("d/sub/f"), "f"), IsOk());
  Status st = Run(fs().RemoveDir(P("d"), false));
  EXPECT_THAT(st, StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_THAT(Message(st), HasSubstr(P("d")));
  EXPECT_THAT(Stat(P("d/sub/f")), IsOk());
  ASSERT_THAT(Run(fs().CreateDir(P("empty"), false)), IsOk());
  EXPECT_THAT(Run(fs().RemoveDir(P("empty"), false)), IsOk());
  EXPECT_THAT(Stat(P("empty")), StatusIs(StatusCode::kNotFound));
  // A file is not a directory.
  EXPECT_THAT(Run(fs().RemoveDir(P("d/sub/f"), false)),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(Stat(P("d/sub/f")), IsOk());
}

TEST_P(FileSystemConformanceTest, RemoveDirRecursive) {
  ASSERT_THAT(Run(fs().CreateDir(P("d/sub/deeper"), true)), IsOk());
  ASSERT_THAT(Write(P("d/a"), "a"), IsOk());
  ASSERT_THAT(Write(P("d/sub/b"), "b"), IsOk());
  ASSERT_THAT(Write(P("d/sub/deeper/c"), "c"), IsOk());
  ASSERT_THAT(Write(P("keep"), "k"), IsOk());
  ASSERT_THAT(Run(fs().RemoveDir(P("d"), true)), IsOk());
  EXPECT_THAT(Stat(P("d")), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(Stat(P("d/sub/b")), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(Stat(P("d/sub/deeper/c")), StatusIs(StatusCode::kNotFound));
  auto list = List(root());
  ASSERT_THAT(list, IsOk());
  EXPECT_THAT(Names(*list, root()), ElementsAre("keep"));
}

TEST_P(FileSystemConformanceTest, CreateDirRecursive) {
  ASSERT_THAT(Run(fs().CreateDir(P("x/y/z"), true)), IsOk());
  EXPECT_THAT(Run(fs().CreateDir(P("x/y/z"), true)), IsOk())
      << "recursive CreateDir of an existing directory";
  ASSERT_THAT(Write(P("x/y/z/f"), "f"), IsOk());
  for (const char* dir : {"x", "x/y", "x/y/z"}) {
    auto info = Stat(P(dir));
    ASSERT_THAT(info, IsOk()) << dir;
    EXPECT_TRUE(info->is_dir) << dir;
  }
}

TEST_P(FileSystemConformanceTest, CreateDirExistingIsAlreadyExists) {
  STRATA_CONFORMANCE_REQUIRE(real_directories);
  ASSERT_THAT(Run(fs().CreateDir(P("d"), false)), IsOk());
  Status st = Run(fs().CreateDir(P("d"), false));
  EXPECT_THAT(st, StatusIs(StatusCode::kAlreadyExists));
  EXPECT_THAT(Message(st), HasSubstr(P("d")));
  ASSERT_THAT(Write(P("f"), "f"), IsOk());
  EXPECT_THAT(Run(fs().CreateDir(P("f"), false)),
              StatusIs(StatusCode::kAlreadyExists));
  EXPECT_THAT(Run(fs().CreateDir(P("f"), true)),
              StatusIs(StatusCode::kAlreadyExists));
}

TEST_P(FileSystemConformanceTest, CreateDirMissingParentIsNotFound) {
  STRATA_CONFORMANCE_REQUIRE(real_directories);
  Status st = Run(fs().CreateDir(P("no/such"), false));
  EXPECT_THAT(st, StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(Message(st), HasSubstr(P("no/such")));
  EXPECT_THAT(Stat(P("no")), StatusIs(StatusCode::kNotFound));
}

// ---- create-only and conditional writes ----------------------------------

TEST_P(FileSystemConformanceTest, CreateNewConflictIsAlreadyExists) {
  ASSERT_THAT(Write(P("f"), "first", OpenOptions::CreateNew()), IsOk());
  Status st = Write(P("f"), "second", OpenOptions::CreateNew());
  EXPECT_THAT(st, StatusIs(StatusCode::kAlreadyExists));
  EXPECT_THAT(Message(st), HasSubstr(P("f")));
  auto back = Read(P("f"));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, "first");
}

TEST_P(FileSystemConformanceTest, IfNoneMatchStarIsCreateOnly) {
  STRATA_CONFORMANCE_REQUIRE(conditional_put);
  OpenOptions opts = OpenOptions::Overwrite();
  opts.if_none_match = "*";
  ASSERT_THAT(Write(P("f"), "first", opts), IsOk());
  EXPECT_THAT(Write(P("f"), "second", opts),
              StatusIs(StatusCode::kAlreadyExists));
  auto back = Read(P("f"));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, "first");
}

TEST_P(FileSystemConformanceTest, IfMatchChecksEtag) {
  STRATA_CONFORMANCE_REQUIRE(conditional_put);
  ASSERT_THAT(Write(P("f"), "v1"), IsOk());
  auto info = Stat(P("f"));
  ASSERT_THAT(info, IsOk());
  const std::string v1_etag = info->etag;
  OpenOptions opts = OpenOptions::Overwrite();
  opts.if_match = v1_etag;
  ASSERT_THAT(Write(P("f"), "version 2", opts), IsOk());
  auto back = Read(P("f"));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, "version 2");
  // v1's etag is stale now.
  EXPECT_THAT(Write(P("f"), "v3", opts),
              StatusIs(StatusCode::kFailedPrecondition));
  opts.if_match = "no-such-etag";
  EXPECT_THAT(Write(P("f"), "v3", opts),
              StatusIs(StatusCode::kFailedPrecondition));
  back = Read(P("f"));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, "version 2");
}

}  // namespace
}  // namespace strata::fs::conformance
