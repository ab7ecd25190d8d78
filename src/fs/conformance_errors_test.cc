// Conformance: error reporting, concurrency and cancellation.
#include "fs/conformance_test_util.h"

namespace strata::fs::conformance {
namespace {

// ---- errors --------------------------------------------------------------

TEST_P(FileSystemConformanceTest, MissingPathsAreNotFound) {
  const std::string missing = P("missing");
  EXPECT_THAT(Open(missing, OpenOptions::ReadOnly()),
              StatusIs(StatusCode::kNotFound));
  OpenOptions write_existing;
  write_existing.read = false;
  write_existing.write = true;
  EXPECT_THAT(Open(missing, write_existing), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(Open(P("no-dir/f"), OpenOptions::ReadOnly()),
              StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(Stat(missing), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(Run(fs().Remove(missing)), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(Run(fs().Rename(missing, P("dst"))),
              StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(Run(fs().Copy(missing, P("dst"))),
              StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(Stat(P("dst")), StatusIs(StatusCode::kNotFound));
  if (caps().real_directories) {
    EXPECT_THAT(Run(fs().RemoveDir(missing, false)),
                StatusIs(StatusCode::kNotFound));
  }
}

TEST_P(FileSystemConformanceTest, ErrorsNameThePath) {
  const std::string missing = P("missing");
  auto expect_named = [](const Status& st, const std::string& path,
                         const char* op) {
    EXPECT_FALSE(st.ok()) << op;
    EXPECT_THAT(Message(st), HasSubstr(path)) << op;
  };
  expect_named(Open(missing, OpenOptions::ReadOnly()).status(), missing,
               "Open");
  expect_named(Stat(missing).status(), missing, "Stat");
  expect_named(Run(fs().Remove(missing)), missing, "Remove");
  expect_named(Run(fs().Rename(missing, P("dst"))), missing, "Rename");
  expect_named(Run(fs().Copy(missing, P("dst"))), missing, "Copy");
  expect_named(List(missing).status(), missing, "List");
  ASSERT_THAT(Write(P("f"), "x"), IsOk());
  expect_named(Write(P("f"), "y", OpenOptions::CreateNew()), P("f"),
               "CreateNew");
}

TEST_P(FileSystemConformanceTest, OpenDirectoryAsFileIsInvalidArgument) {
  STRATA_CONFORMANCE_REQUIRE(real_directories);
  ASSERT_THAT(Run(fs().CreateDir(P("d"), false)), IsOk());
  auto file = Open(P("d"), OpenOptions::ReadOnly());
  EXPECT_THAT(file, StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(Message(file.status()), HasSubstr(P("d")));
  EXPECT_THAT(Open(P("d"), OpenOptions::Overwrite()),
              StatusIs(StatusCode::kInvalidArgument));
  auto info = Stat(P("d"));
  ASSERT_THAT(info, IsOk());
  EXPECT_TRUE(info->is_dir);
}

TEST_P(FileSystemConformanceTest, ReadingAWriteOnlyFileFails) {
  const std::string path = P("f");
  auto file = Open(path, OpenOptions::Overwrite());
  ASSERT_THAT(file, IsOk());
  File& f = **file;
  ASSERT_THAT(Run(f.Write(AsBytes("abc"))), IsOk());
  std::string buf(3, '\0');
  EXPECT_TRUE(
      FailsCleanly(Run(f.ReadAt(AsMutableBytes(buf), 0)).status(), path));
  const std::vector<MutableBytes> dsts = {AsMutableBytes(buf)};
  EXPECT_TRUE(FailsCleanly(Run(f.ReadV(dsts, 0)).status(), path));
  EXPECT_THAT(Run(f.Close()), IsOk());
  auto back = Read(path);
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, "abc");
}

TEST_P(FileSystemConformanceTest, WritingAReadOnlyFileFails) {
  const std::string path = P("f");
  ASSERT_THAT(Write(path, "original"), IsOk());
  auto file = Open(path, OpenOptions::ReadOnly());
  ASSERT_THAT(file, IsOk());
  File& f = **file;
  EXPECT_TRUE(FailsCleanly(Run(f.Write(AsBytes("xyz"))), path));
  const std::vector<ConstBytes> srcs = {AsBytes("xyz")};
  EXPECT_TRUE(FailsCleanly(Run(f.WriteV(srcs)), path));
  if (caps().positional_write) {
    EXPECT_TRUE(FailsCleanly(Run(f.WriteAt(AsBytes("xyz"), 0)), path));
  }
  EXPECT_THAT(Run(f.Close()), IsOk());
  auto back = Read(path);
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, "original");
}

TEST_P(FileSystemConformanceTest, ClosedFileRejectsEveryOp) {
  auto status_of = [this](auto task) -> Status {
    return ::strata::AsStatus(Run(std::move(task)));
  };
  for (bool abort : {false, true}) {
    SCOPED_TRACE(abort ? "after Abort" : "after Close");
    auto file = Open(P(abort ? "aborted" : "closed"), ReadWrite());
    ASSERT_THAT(file, IsOk());
    File& f = **file;
    ASSERT_THAT(Run(f.Write(AsBytes("abc"))), IsOk());
    ASSERT_THAT(Run(abort ? f.Abort() : f.Close()), IsOk());
    std::string buf(4, '\0');
    const std::vector<MutableBytes> dsts = {AsMutableBytes(buf)};
    const std::vector<ConstBytes> srcs = {AsBytes("x")};
    std::vector<std::pair<const char*, Status>> results = {
        {"ReadAt", status_of(f.ReadAt(AsMutableBytes(buf), 0))},
        {"ReadV", status_of(f.ReadV(dsts, 0))},
        {"Write", status_of(f.Write(AsBytes("x")))},
        {"WriteV", status_of(f.WriteV(srcs))},
        {"Sync", status_of(f.Sync())},
        {"Size", status_of(f.Size())},
    };
    if (caps().positional_write) {
      results.emplace_back("WriteAt", status_of(f.WriteAt(AsBytes("x"), 0)));
    }
    for (const auto& [op, st] : results) {
      EXPECT_THAT(st, StatusIs(StatusCode::kFailedPrecondition)) << op;
      EXPECT_THAT(Message(st), HasSubstr(f.path())) << op;
    }
  }
}

TEST_P(FileSystemConformanceTest, CloseAndAbortAreIdempotent) {
  auto writer = Open(P("closed"), OpenOptions::Overwrite());
  ASSERT_THAT(writer, IsOk());
  ASSERT_THAT(Run((*writer)->Write(AsBytes("x"))), IsOk());
  EXPECT_THAT(Run((*writer)->Close()), IsOk());
  EXPECT_THAT(Run((*writer)->Close()), IsOk());
  EXPECT_THAT(Run((*writer)->Abort()), IsOk()) << "Abort after Close";
  auto aborted = Open(P("aborted"), OpenOptions::Overwrite());
  ASSERT_THAT(aborted, IsOk());
  ASSERT_THAT(Run((*aborted)->Write(AsBytes("y"))), IsOk());
  EXPECT_THAT(Run((*aborted)->Abort()), IsOk());
  EXPECT_THAT(Run((*aborted)->Abort()), IsOk());
  auto reader = Open(P("closed"), OpenOptions::ReadOnly());
  ASSERT_THAT(reader, IsOk());
  EXPECT_THAT(Run((*reader)->Close()), IsOk());
  EXPECT_THAT(Run((*reader)->Close()), IsOk());
  auto back = Read(P("closed"));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, "x");
}

// Abort discards what it can: a file this Open created disappears (like an
// abandoned upload); a file that existed before stays.
TEST_P(FileSystemConformanceTest, AbortRemovesAFileItCreated) {
  auto fresh = Open(P("fresh"), OpenOptions::Overwrite());
  ASSERT_THAT(fresh, IsOk());
  ASSERT_THAT(Run((*fresh)->Write(AsBytes("partial"))), IsOk());
  ASSERT_THAT(Run((*fresh)->Abort()), IsOk());
  EXPECT_THAT(Stat(P("fresh")), StatusIs(StatusCode::kNotFound));

  auto exclusive = Open(P("exclusive"), OpenOptions::CreateNew());
  ASSERT_THAT(exclusive, IsOk());
  ASSERT_THAT(Run((*exclusive)->Abort()), IsOk());
  EXPECT_THAT(Stat(P("exclusive")), StatusIs(StatusCode::kNotFound));
}

TEST_P(FileSystemConformanceTest, AbortKeepsAFileThatExisted) {
  ASSERT_THAT(Write(P("old"), "before"), IsOk());
  auto again = Open(P("old"), OpenOptions::Append());
  ASSERT_THAT(again, IsOk());
  ASSERT_THAT(Run((*again)->Abort()), IsOk());
  auto info = Stat(P("old"));
  ASSERT_THAT(info, IsOk());
  EXPECT_FALSE(info->is_dir);
}

// ---- concurrency -----------------------------------------------------------

TEST_P(FileSystemConformanceTest, HundredConcurrentWriters) {
  std::vector<Task<Status>> tasks;
  for (int i = 0; i < 100; ++i) {
    tasks.push_back(WriteThenRead(&fs(), P(Cat("w", i)), i));
  }
  std::vector<Status> results = Run(WhenAll(std::move(tasks)));
  ASSERT_EQ(results.size(), 100u);
  for (size_t i = 0; i < results.size(); ++i) {
    EXPECT_THAT(results[i], IsOk()) << "task " << i;
  }
  // And from several reactors at once.
  std::vector<JoinHandle<Status>> handles;
  for (int i = 0; i < 100; ++i) {
    handles.push_back(
        rt().Spawn(WriteThenRead(&fs(), P(Cat("s", i)), 1000 + i)));
  }
  for (size_t i = 0; i < handles.size(); ++i) {
    EXPECT_THAT(handles[i].Join(), IsOk()) << "spawned task " << i;
  }
  auto list = List(root());
  ASSERT_THAT(list, IsOk());
  EXPECT_EQ(list->size(), 200u);
}

TEST_P(FileSystemConformanceTest, HundredConcurrentReadersOfOneFile) {
  const std::string data = RandomData(256 * kKiB + 17, 11);
  ASSERT_THAT(Write(P("shared"), data), IsOk());
  auto file = Open(P("shared"), OpenOptions::ReadOnly());
  ASSERT_THAT(file, IsOk());
  std::vector<JoinHandle<Status>> handles;
  for (size_t i = 0; i < 100; ++i) {
    handles.push_back(
        rt().Spawn(ReadAndCompare(file->get(), &data, 4096 + i * 997)));
  }
  for (size_t i = 0; i < handles.size(); ++i) {
    EXPECT_THAT(handles[i].Join(), IsOk()) << "reader " << i;
  }
  std::vector<Task<Status>> tasks;
  for (size_t i = 0; i < 100; ++i) {
    tasks.push_back(ReadAndCompare(file->get(), &data, 65536 - i * 331));
  }
  for (const Status& st : Run(WhenAll(std::move(tasks)))) {
    EXPECT_THAT(st, IsOk());
  }
  EXPECT_THAT(Run((*file)->Close()), IsOk());
}

// ---- cancellation ----------------------------------------------------------

// A read raced by a stop request either completes with the right bytes or
// fails with kCancelled. Returns true if it was cancelled.
bool ExpectCompletedOrCancelled(const Result<size_t>& n, const std::string& buf,
                                const std::string& data) {
  if (n.ok()) {
    EXPECT_EQ(*n, data.size());
    EXPECT_TRUE(buf == data) << "a completed read returned wrong bytes";
    return false;
  }
  EXPECT_THAT(n, StatusIs(StatusCode::kCancelled));
  return true;
}

TEST_P(FileSystemConformanceTest, CancelDuringRead) {
  const std::string data = RandomData(4 * kMiB, 12);
  ASSERT_THAT(Write(P("f"), data), IsOk());
  auto file = Open(P("f"), OpenOptions::ReadOnly());
  ASSERT_THAT(file, IsOk());
  std::string buf(data.size(), '\0');
  int cancelled = 0;
  for (int i = 0; i < 20; ++i) {
    SCOPED_TRACE(Cat("round ", i));
    // Stop from the same reactor, right after the read was submitted.
    std::stop_source source;
    auto [n, stopped] = Run(WhenAll(
        ReadWithStop(file->get(), AsMutableBytes(buf), 0, source.get_token()),
        RequestStop(&source)));
    EXPECT_TRUE(stopped);
    cancelled += ExpectCompletedOrCancelled(n, buf, data);
    // Stop from another thread while the read runs.
    std::stop_source other;
    auto handle = rt().Spawn(
        ReadWithStop(file->get(), AsMutableBytes(buf), 0, other.get_token()));
    other.request_stop();
    cancelled += ExpectCompletedOrCancelled(handle.Join(), buf, data);
  }
  // Either outcome is correct; the count shows which paths ran.
  RecordProperty("cancelled_of_40", cancelled);
  // The file is still usable.
  auto n = Run((*file)->ReadAt(AsMutableBytes(buf), 0));
  ASSERT_THAT(n, IsOk());
  EXPECT_EQ(*n, data.size());
  EXPECT_TRUE(buf == data);
  EXPECT_THAT(Run((*file)->Close()), IsOk());
}

TEST_P(FileSystemConformanceTest, StopRequestedBeforeCallIsCancelled) {
  ASSERT_THAT(Write(P("f"), RandomData(64 * kKiB, 13)), IsOk());
  auto file = Open(P("f"), ReadWrite());
  ASSERT_THAT(file, IsOk());
  std::stop_source source;
  source.request_stop();
  std::string buf(64 * kKiB, '\0');
  auto n = Run(
      ReadWithStop(file->get(), AsMutableBytes(buf), 0, source.get_token()));
  EXPECT_THAT(n, StatusIs(StatusCode::kCancelled)) << "ReadAt";
  n = Run(ReadVWithStop(file->get(), AsMutableBytes(buf), source.get_token()));
  EXPECT_THAT(n, StatusIs(StatusCode::kCancelled)) << "ReadV";
  EXPECT_THAT(Run(WriteWithStop(file->get(), "data", source.get_token())),
              StatusIs(StatusCode::kCancelled))
      << "Write";
  EXPECT_THAT(Run((*file)->Close()), IsOk());
}

}  // namespace
}  // namespace strata::fs::conformance
