// CrashSimFileSystem: the shared conformance suite, namespace durability and
// dead handles. File contents under the crash modes are tested in
// crash_sim_data_test.cc.

#include <set>

#include "fs/crash_sim_test_util.h"

namespace strata::fs {
namespace conformance {
namespace {

Result<ConformanceTarget> MakeCrashSimTarget(Runtime& rt) {
  ConformanceTarget target;
  target.fs = std::make_shared<CrashSimFileSystem>();
  target.root = "/conformance";
  STRATA_RETURN_IF_ERROR(rt.BlockOn(target.fs->CreateDir(target.root, true)));
  return target;
}

ConformanceParam CrashSimParam() {
  ConformanceParam p;
  p.name = "crashsim";
  p.factory = MakeCrashSimTarget;
  p.runtime.io_uring = runtime::IoUringMode::kOff;
  p.runtime.reactor_threads = 2;
  // Files are contiguous buffers: a hole would be allocated.
  p.overrides.sparse_files = false;
  return p;
}

INSTANTIATE_TEST_SUITE_P(CrashSim, FileSystemConformanceTest,
                         ::testing::Values(CrashSimParam()),
                         ConformanceParamName());

}  // namespace
}  // namespace conformance

namespace crash_sim_test {
namespace {

using CrashSimNamespaceTest = CrashSimTest;

TEST_F(CrashSimNamespaceTest, NameAndCapabilities) {
  EXPECT_EQ(fs_->name(), "crashsim");
  Capabilities caps = fs_->capabilities();
  EXPECT_TRUE(caps.directory_fsync);
  EXPECT_TRUE(caps.sync);
  EXPECT_TRUE(caps.atomic_rename);
  EXPECT_TRUE(caps.direct_io);
  EXPECT_EQ(CrashModeName(CrashMode::kTearSector), "tear_sector");
}

TEST_F(CrashSimNamespaceTest, CreatedFileWithoutSyncDirDisappears) {
  ASSERT_THAT(WriteSynced("/f", "synced data"), IsOk());
  EXPECT_EQ(fs_->unsynced_bytes(), 0u);
  EXPECT_EQ(fs_->unsynced_entries(), 1u);
  CrashReport report = fs_->Crash(CrashMode::kDropUnsynced, 1);
  EXPECT_EQ(report.entries_reverted, 1u);
  EXPECT_FALSE(Exists("/f"));
  EXPECT_EQ(fs_->unsynced_entries(), 0u);
}

TEST_F(CrashSimNamespaceTest, SyncDirOrDurableCreateKeepsTheEntry) {
  ASSERT_THAT(WriteSynced("/a", "a"), IsOk());
  ASSERT_THAT(SyncDir("/"), IsOk());
  OpenOptions durable = OpenOptions::Overwrite();
  durable.durable_create = true;
  ASSERT_THAT(WriteSynced("/b", "b", durable), IsOk());
  EXPECT_EQ(fs_->unsynced_entries(), 0u);
  fs_->Crash(CrashMode::kDropUnsynced, 1);
  EXPECT_EQ(Content("/a"), "a");
  EXPECT_EQ(Content("/b"), "b");
}

TEST_F(CrashSimNamespaceTest, SyncDirCoversOnlyItsOwnEntries) {
  ASSERT_THAT(Run(fs_->CreateDir("/d", false)), IsOk());
  ASSERT_THAT(SyncDir("/"), IsOk());
  ASSERT_THAT(WriteSynced("/d/f", "f"), IsOk());
  ASSERT_THAT(WriteSynced("/g", "g"), IsOk());
  ASSERT_THAT(SyncDir("/"), IsOk());
  fs_->Crash(CrashMode::kDropUnsynced, 1);
  EXPECT_TRUE(Exists("/d"));
  EXPECT_FALSE(Exists("/d/f")) << "/d was never synced";
  EXPECT_EQ(Content("/g"), "g");
}

TEST_F(CrashSimNamespaceTest, RenameWithoutSyncDirIsReverted) {
  WriteDurable("/a", "payload");
  ASSERT_THAT(Run(fs_->Rename("/a", "/b")), IsOk());
  EXPECT_FALSE(Exists("/a"));
  fs_->Crash(CrashMode::kDropUnsynced, 1);
  EXPECT_EQ(Content("/a"), "payload");
  EXPECT_FALSE(Exists("/b"));

  ASSERT_THAT(Run(fs_->Rename("/a", "/b")), IsOk());
  ASSERT_THAT(SyncDir("/"), IsOk());
  fs_->Crash(CrashMode::kDropUnsynced, 2);
  EXPECT_FALSE(Exists("/a"));
  EXPECT_EQ(Content("/b"), "payload");
}

TEST_F(CrashSimNamespaceTest, RenameOverDurableFileRevertsToOldContent) {
  WriteDurable("/current", "old");
  ASSERT_THAT(WriteSynced("/tmp", "new"), IsOk());
  ASSERT_THAT(Run(fs_->Rename("/tmp", "/current")), IsOk());
  EXPECT_EQ(Content("/current"), "new");
  fs_->Crash(CrashMode::kDropUnsynced, 1);
  EXPECT_EQ(Content("/current"), "old");
  EXPECT_FALSE(Exists("/tmp"));
}

TEST_F(CrashSimNamespaceTest, RenameAcrossDirectoriesNeedsBothParents) {
  ASSERT_THAT(Run(fs_->CreateDir("/x", false)), IsOk());
  ASSERT_THAT(Run(fs_->CreateDir("/y", false)), IsOk());
  ASSERT_THAT(SyncDir("/"), IsOk());
  WriteDurable("/x/f", "f");
  ASSERT_THAT(Run(fs_->Rename("/x/f", "/y/f")), IsOk());
  ASSERT_THAT(SyncDir("/x"), IsOk());
  EXPECT_EQ(fs_->unsynced_entries(), 1u) << "the /y half is unsynced";
  ASSERT_THAT(SyncDir("/y"), IsOk());
  EXPECT_EQ(fs_->unsynced_entries(), 0u);
  fs_->Crash(CrashMode::kDropUnsynced, 1);
  EXPECT_FALSE(Exists("/x/f"));
  EXPECT_EQ(Content("/y/f"), "f");
}

TEST_F(CrashSimNamespaceTest, RemovedFileComesBackWithDurableContent) {
  WriteDurable("/f", "durable");
  auto file = OpenOrFail("/f", OpenOptions::Append());
  ASSERT_NE(file, nullptr);
  ASSERT_THAT(Run(file->Write(AsBytes(" and more"))), IsOk());
  ASSERT_THAT(Run(fs_->Remove("/f")), IsOk());
  EXPECT_FALSE(Exists("/f"));
  fs_->Crash(CrashMode::kDropUnsynced, 1);
  EXPECT_EQ(Content("/f"), "durable");
  // Removed and the directory synced: gone for good.
  ASSERT_THAT(Run(fs_->Remove("/f")), IsOk());
  ASSERT_THAT(SyncDir("/"), IsOk());
  fs_->Crash(CrashMode::kDropUnsynced, 2);
  EXPECT_FALSE(Exists("/f"));
}

TEST_F(CrashSimNamespaceTest, RecursiveRemoveDirIsRevertedEntryByEntry) {
  ASSERT_THAT(Run(fs_->CreateDir("/d/e", true)), IsOk());
  ASSERT_THAT(SyncDir("/"), IsOk());
  ASSERT_THAT(SyncDir("/d"), IsOk());
  WriteDurable("/d/e/f", "f");
  WriteDurable("/d/g", "g");
  ASSERT_THAT(Run(fs_->RemoveDir("/d", true)), IsOk());
  EXPECT_EQ(fs_->unsynced_entries(), 4u);  // f, e, g, d
  fs_->Crash(CrashMode::kDropUnsynced, 1);
  EXPECT_EQ(Content("/d/e/f"), "f");
  EXPECT_EQ(Content("/d/g"), "g");
}

TEST_F(CrashSimNamespaceTest, RenamedDirectoryKeepsItsDurableEntries) {
  ASSERT_THAT(Run(fs_->CreateDir("/d", false)), IsOk());
  ASSERT_THAT(SyncDir("/"), IsOk());
  WriteDurable("/d/f", "f");
  ASSERT_THAT(Run(fs_->Rename("/d", "/e")), IsOk());
  ASSERT_THAT(SyncDir("/"), IsOk());
  fs_->Crash(CrashMode::kDropUnsynced, 1);
  EXPECT_FALSE(Exists("/d"));
  EXPECT_EQ(Content("/e/f"), "f");
}

// Renames whose parents were synced separately can leave a directory cycle
// in the durable entries; the crash must cut it.
TEST_F(CrashSimNamespaceTest, CycleFromPartlySyncedRenamesIsCut) {
  ASSERT_THAT(Run(fs_->CreateDir("/a/b", true)), IsOk());
  ASSERT_THAT(SyncDir("/"), IsOk());
  ASSERT_THAT(SyncDir("/a"), IsOk());
  ASSERT_THAT(Run(fs_->Rename("/a/b", "/b")), IsOk());
  ASSERT_THAT(Run(fs_->Rename("/a", "/b/a")), IsOk());
  ASSERT_THAT(SyncDir("/b"), IsOk());
  CrashReport report = fs_->Crash(CrashMode::kDropUnsynced, 1);
  EXPECT_TRUE(Exists("/a/b"));
  EXPECT_FALSE(Exists("/a/b/a"));
  EXPECT_GE(report.entries_reverted, 1u);
  ListOptions all;
  all.recursive = true;
  auto pages = Run(conformance::ListPages(fs_.get(), "/", all));
  ASSERT_THAT(pages, IsOk());
  ASSERT_EQ(pages->size(), 1u);
  EXPECT_EQ((*pages)[0].size(), 2u);
}

TEST_F(CrashSimNamespaceTest, CopyNeedsSyncForItsData) {
  WriteDurable("/src", "content");
  ASSERT_THAT(Run(fs_->Copy("/src", "/dst")), IsOk());
  EXPECT_EQ(Content("/dst"), "content");
  EXPECT_EQ(fs_->unsynced_bytes(), 7u);
  ASSERT_THAT(SyncDir("/"), IsOk());
  fs_->Crash(CrashMode::kDropUnsynced, 1);
  EXPECT_EQ(Content("/dst"), "") << "entry durable, data not";
  EXPECT_EQ(Content("/src"), "content");
}

TEST_F(CrashSimNamespaceTest, AbortedCreateIsAnUnsyncedRemoval) {
  OpenOptions durable = OpenOptions::CreateNew();
  durable.durable_create = true;
  auto file = OpenOrFail("/f", durable);
  ASSERT_NE(file, nullptr);
  ASSERT_THAT(Run(file->Abort()), IsOk());
  EXPECT_FALSE(Exists("/f"));
  fs_->Crash(CrashMode::kDropUnsynced, 1);
  EXPECT_EQ(Content("/f"), "") << "the durable entry comes back, empty";
}

TEST_F(CrashSimNamespaceTest, RandomSubsetKeepsAPrefixOfEntryChanges) {
  const std::vector<std::string> names = {"/a", "/b", "/c", "/d", "/e"};
  std::set<size_t> prefixes;
  for (uint64_t seed = 0; seed < 60; ++seed) {
    Reset();
    for (const std::string& name : names) {
      ASSERT_THAT(WriteSynced(name, name), IsOk());
    }
    CrashReport report = fs_->Crash(CrashMode::kKeepRandomSubset, seed);
    size_t kept = 0;
    while (kept < names.size() && Exists(names[kept])) ++kept;
    for (size_t i = kept; i < names.size(); ++i) {
      EXPECT_FALSE(Exists(names[i])) << "seed " << seed << ": not a prefix";
    }
    for (size_t i = 0; i < kept; ++i) EXPECT_EQ(Content(names[i]), names[i]);
    EXPECT_EQ(report.entries_reverted, names.size() - kept);
    prefixes.insert(kept);
  }
  EXPECT_GE(prefixes.size(), 3u) << "prefix lengths do not vary with seed";
}

TEST_F(CrashSimNamespaceTest, HandlesAreDeadAfterCrash) {
  WriteDurable("/f", "data");
  auto file = OpenOrFail("/f", ReadWriteExisting());
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(fs_->crashes(), 0u);
  fs_->Crash(CrashMode::kDropUnsynced, 1);
  EXPECT_EQ(fs_->crashes(), 1u);
  std::string buf(4, '\0');
  const Status results[] = {
      Run(file->ReadAt(AsMutableBytes(buf), 0)).status(),
      Run(file->Write(AsBytes("x"))),
      WriteAt(*file, "x", 0),
      Run(file->Sync()),
      Run(file->Preallocate(0, 100)),
      Run(file->Size()).status(),
      Run(file->Close()),
      Run(file->Abort()),
  };
  for (const Status& st : results) {
    EXPECT_THAT(st, StatusIs(StatusCode::kFailedPrecondition));
    EXPECT_THAT(Message(st), HasSubstr("lost in a simulated crash"));
    EXPECT_THAT(Message(st), HasSubstr("/f"));
  }
  EXPECT_EQ(Content("/f"), "data") << "dead handles change nothing";
  auto again = OpenOrFail("/f", OpenOptions::ReadOnly());
  ASSERT_NE(again, nullptr);
  EXPECT_THAT(Run(again->Close()), IsOk());
}

TEST_F(CrashSimNamespaceTest, ErrorsMirrorTheMemoryBackend) {
  WriteDurable("/f", "x");
  ASSERT_THAT(Run(fs_->CreateDir("/d/e", true)), IsOk());
  EXPECT_THAT(Run(fs_->RemoveDir("/d", false)),
              StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_THAT(Run(fs_->Rename("/d", "/d/e/x")),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(Run(fs_->Rename("/f", "/d")),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(Run(fs_->SyncDir("/f")), StatusIs(StatusCode::kInvalidArgument));
  Status st = Run(fs_->SyncDir("/missing"));
  EXPECT_THAT(st, StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(Message(st), HasSubstr("/missing"));
  EXPECT_THAT(Run(fs_->Open("/f/x", OpenOptions::Overwrite())),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(Run(fs_->RemoveDir("/", true)),
              StatusIs(StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace crash_sim_test
}  // namespace strata::fs
