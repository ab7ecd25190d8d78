// RWF_ATOMIC: the probe tells the truth about this machine, and WriteAtomic
// never issues a write the probe did not promise to be atomic.
#include "strata/journal/atomic_write.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>

#include "journal/atomic_file_test_util.h"

namespace strata::journal {
namespace {

constexpr uint32_t kMiB = 1 << 20;

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};
using AlignedBuffer = std::unique_ptr<std::byte, FreeDeleter>;

AlignedBuffer Allocate(size_t alignment, size_t size, char fill) {
  auto* p = static_cast<std::byte*>(std::aligned_alloc(alignment, size));
  for (size_t i = 0; i < size; ++i) {
    p[i] = static_cast<std::byte>(fill + static_cast<char>(i % 251));
  }
  return AlignedBuffer(p);
}

std::string Describe(const AtomicWriteSupport& s) {
  if (!s.supported) return "unsupported: " + s.reason;
  return "supported: units [" + std::to_string(s.unit_min) + ", " +
         std::to_string(s.unit_max) + "], segments " +
         std::to_string(s.segments_max) + ", memory alignment " +
         std::to_string(s.mem_align);
}

// Limits that any aligned power of two from 4 KiB to 64 KiB satisfies.
AtomicWriteSupport Fabricated() {
  AtomicWriteSupport s;
  s.supported = true;
  s.unit_min = 4096;
  s.unit_max = 65536;
  s.segments_max = 1;
  s.mem_align = 4096;
  s.path = "/fabricated";
  return s;
}

const void* Address(uintptr_t a) { return reinterpret_cast<const void*>(a); }

TEST(AtomicWriteValidateTest, UnsupportedIsAFailedPreconditionWithTheReason) {
  AtomicWriteSupport s;
  s.path = "/x";
  s.reason = "statx /x: atomic write units [0, 0]: no support";
  Status status = ValidateAtomicWrite(s, Address(4096), 4096, 0);
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(),
            "atomic write /x at 0: RWF_ATOMIC unavailable: " + s.reason);
}

TEST(AtomicWriteValidateTest, LengthMustBeAPowerOfTwoWithinTheUnits) {
  const AtomicWriteSupport s = Fabricated();
  for (uint64_t ok : {4096u, 8192u, 65536u}) {
    EXPECT_TRUE(ValidateAtomicWrite(s, Address(1 << 20), ok, 0).ok()) << ok;
  }
  for (uint64_t bad : {0u, 512u, 2048u, 12288u, 131072u}) {
    Status status = ValidateAtomicWrite(s, Address(1 << 20), bad, 0);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(status.message().find("[4096, 65536]"), std::string::npos)
        << status.ToString();
  }
}

TEST(AtomicWriteValidateTest, OffsetMustBeAMultipleOfTheLength) {
  const AtomicWriteSupport s = Fabricated();
  EXPECT_TRUE(ValidateAtomicWrite(s, Address(4096), 8192, 16384).ok());
  Status status = ValidateAtomicWrite(s, Address(4096), 8192, 4096);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("offset"), std::string::npos);
}

TEST(AtomicWriteValidateTest, BufferMustBeAligned) {
  const AtomicWriteSupport s = Fabricated();
  Status status = ValidateAtomicWrite(s, Address(4096 + 512), 4096, 0);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("aligned to 4096"), std::string::npos);
}

TEST(AtomicWriteProbeTest, AMissingPathIsUnsupportedWithTheError) {
  AtomicWriteSupport s = ProbeAtomicWrite("/nonexistent/strata-probe");
  EXPECT_FALSE(s.supported);
  EXPECT_EQ(s.reason,
            "statx /nonexistent/strata-probe: No such file or directory");
}

// The block device holding `path`, and its sysfs queue directory.
std::optional<std::pair<std::string, std::string>> BlockDeviceOf(
    const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  std::error_code ec;
  std::filesystem::path sys = std::filesystem::canonical(
      "/sys/dev/block/" + std::to_string(major(st.st_dev)) + ":" +
          std::to_string(minor(st.st_dev)),
      ec);
  if (ec) return std::nullopt;
  std::string dev = "/dev/" + sys.filename().string();
  if (std::filesystem::exists(sys / "partition")) sys = sys.parent_path();
  if (!std::filesystem::exists(dev)) return std::nullopt;
  return std::make_pair(dev, (sys / "queue").string());
}

uint64_t ReadNumber(const std::string& path) {
  std::ifstream in(path);
  uint64_t n = 0;
  in >> n;
  return n;
}

TEST(AtomicWriteProbeTest, BlockDeviceAgreesWithSysfs) {
  auto device = BlockDeviceOf("/tmp");
  if (!device) GTEST_SKIP() << "/tmp is not on a visible block device";
  const auto& [dev, queue] = *device;
  const std::string max_file = queue + "/atomic_write_unit_max_bytes";
  if (!std::filesystem::exists(max_file)) {
    GTEST_SKIP() << "no " << max_file << " (kernel older than 6.11)";
  }
  const uint64_t sys_min = ReadNumber(queue + "/atomic_write_unit_min_bytes");
  const uint64_t sys_max = ReadNumber(max_file);
  AtomicWriteSupport s = ProbeAtomicWrite(dev);
  std::printf("[ probe    ] %s: %s (sysfs units [%llu, %llu])\n", dev.c_str(),
              Describe(s).c_str(), static_cast<unsigned long long>(sys_min),
              static_cast<unsigned long long>(sys_max));
  EXPECT_EQ(s.supported, sys_max > 0) << Describe(s);
  if (s.supported) {
    EXPECT_EQ(s.unit_min, sys_min);
    EXPECT_EQ(s.unit_max, sys_max);
  }
}

class AtomicWriteTest : public testing::TestWithParam<runtime::IoUringMode> {
 protected:
  void SetUp() override {
    if (GetParam() == runtime::IoUringMode::kOn &&
        !runtime::IoUringAvailable()) {
      GTEST_SKIP() << "io_uring is not available on this kernel";
    }
    char tmpl[] = "/tmp/strata_atomic_write_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/data";
    rt_ = atomic_test::NewRuntime(GetParam());
  }
  void TearDown() override {
    if (fd_ >= 0) ::close(fd_);
    rt_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  // Creates the file; O_DIRECT unless `direct` is false. Skips the test if
  // the file system refuses O_DIRECT.
  void Open(bool direct) {
    fd_ = ::open(path_.c_str(),
                 O_CREAT | O_RDWR | O_CLOEXEC | (direct ? O_DIRECT : 0), 0644);
    if (fd_ < 0 && errno == EINVAL) GTEST_SKIP() << "no O_DIRECT in /tmp";
    ASSERT_GE(fd_, 0) << std::strerror(errno);
  }
  Status Write(const AlignedBuffer& buf, size_t size, uint64_t offset,
               const AtomicWriteSupport& support) {
    fs::ConstBytes src(buf.get(), size);
    return rt_->BlockOn(WriteAtomic(fd_, src, offset, support));
  }
  uint64_t FileSize() { return std::filesystem::file_size(path_); }

  std::string dir_;
  std::string path_;
  int fd_ = -1;
  std::unique_ptr<runtime::Runtime> rt_;
};

TEST_P(AtomicWriteTest, HonestOnThisMachine) {
  Open(true);
  if (IsSkipped()) return;
  const AtomicWriteSupport support = ProbeAtomicWrite(path_);
  std::printf("[ probe    ] %s: %s\n", path_.c_str(),
              Describe(support).c_str());
  if (!support.supported) {
    EXPECT_NE(support.reason.find("statx " + path_), std::string::npos);
    AlignedBuffer buf = Allocate(4096, 4096, 'u');
    Status s = Write(buf, 4096, 0, support);
    EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.ToString();
    EXPECT_NE(s.message().find(support.reason), std::string::npos);
    EXPECT_EQ(FileSize(), 0u);
    return;
  }
  // unit_max, capped at 1 MiB (software atomic writes may allow far more).
  const uint32_t size = std::clamp(kMiB, support.unit_min, support.unit_max);
  const size_t align = std::max<size_t>(support.mem_align, 4096);
  AlignedBuffer buf = Allocate(align, size, 's');
  Status s = Write(buf, size, /*offset=*/size, support);
  ASSERT_TRUE(s.ok()) << s.ToString();
  AlignedBuffer back = Allocate(align, size, 0);
  ASSERT_EQ(::pread(fd_, back.get(), size, size), static_cast<ssize_t>(size));
  EXPECT_EQ(std::memcmp(buf.get(), back.get(), size), 0);
  EXPECT_EQ(FileSize(), 2ull * size);
}

// Bypassing the probe does not get a tearable write either: the kernel
// refuses RWF_ATOMIC where statx reported no support.
TEST_P(AtomicWriteTest, KernelRefusesWhatTheProbeDidNotPromise) {
  Open(true);
  if (IsSkipped()) return;
  if (ProbeAtomicWrite(path_).supported) {
    GTEST_SKIP() << "atomic writes are supported here; nothing to refuse";
  }
  AtomicWriteSupport lie = Fabricated();
  lie.path = path_;
  AlignedBuffer buf = Allocate(4096, 4096, 'l');
  Status s = Write(buf, 4096, 0, lie);
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(s.sys_errno() == EOPNOTSUPP || s.sys_errno() == EINVAL)
      << s.ToString();
  EXPECT_EQ(s.message().rfind("atomic write " + path_ + " at 0: ", 0), 0u);
  EXPECT_EQ(FileSize(), 0u);
}

TEST_P(AtomicWriteTest, RefusesAnFdWithoutODirect) {
  Open(false);
  AtomicWriteSupport support = Fabricated();
  support.path = path_;
  AlignedBuffer buf = Allocate(4096, 4096, 'b');
  Status s = Write(buf, 4096, 0, support);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find("O_DIRECT"), std::string::npos);
  EXPECT_EQ(FileSize(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Runtimes, AtomicWriteTest,
                         testing::Values(runtime::IoUringMode::kOn,
                                         runtime::IoUringMode::kOff),
                         [](const auto& info) {
                           return info.param == runtime::IoUringMode::kOn
                                      ? "io_uring"
                                      : "poll";
                         });

}  // namespace
}  // namespace strata::journal
