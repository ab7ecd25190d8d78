// RWF_ATOMIC and statx(STATX_WRITE_ATOMIC): the one place that knows the
// kernel ABI for atomic writes.
//
// Debian 12's headers predate Linux 6.11, so the constants and the statx
// fields are defined here from the kernel's uapi (include/uapi/linux/stat.h,
// include/uapi/linux/fs.h); the syscall is made directly so the buffer is
// always the kernel's 256-byte layout, whatever the libc headers say.

#include "strata/journal/atomic_write.h"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bit>
#include <cerrno>
#include <cstddef>
#include <utility>

#include "strata/runtime/io_op.h"

namespace strata::journal {
namespace {

constexpr unsigned kStatxDioAlign = 0x00002000U;     // STATX_DIOALIGN
constexpr unsigned kStatxWriteAtomic = 0x00010000U;  // STATX_WRITE_ATOMIC
constexpr int kRwfAtomic = 0x00000040;               // RWF_ATOMIC
constexpr int kAtStatxSyncAsStat = 0x0000;           // AT_STATX_SYNC_AS_STAT

struct KernelStatxTimestamp {
  int64_t tv_sec;
  uint32_t tv_nsec;
  int32_t reserved;
};

// struct statx as of Linux 6.11+.
struct KernelStatx {
  uint32_t mask;
  uint32_t blksize;
  uint64_t attributes;
  uint32_t nlink;
  uint32_t uid;
  uint32_t gid;
  uint16_t mode;
  uint16_t spare0;
  uint64_t ino;
  uint64_t size;
  uint64_t blocks;
  uint64_t attributes_mask;
  KernelStatxTimestamp atime, btime, ctime, mtime;
  uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
  uint64_t mnt_id;
  uint32_t dio_mem_align;
  uint32_t dio_offset_align;
  uint64_t subvol;
  uint32_t atomic_write_unit_min;
  uint32_t atomic_write_unit_max;
  uint32_t atomic_write_segments_max;
  uint32_t spare1[3];
  uint64_t spare3[8];
};
static_assert(sizeof(KernelStatx) == 0x100);
static_assert(offsetof(KernelStatx, dio_mem_align) == 0x98);
static_assert(offsetof(KernelStatx, atomic_write_unit_min) == 0xa8);
static_assert(offsetof(KernelStatx, atomic_write_segments_max) == 0xb0);

std::string Units(uint32_t unit_min, uint32_t unit_max) {
  // Appended piece by piece: GCC 12 -O3 warns (-Wrestrict, a false
  // positive) on "[" + std::to_string(...).
  std::string units = "[";
  units += std::to_string(unit_min);
  units += ", ";
  units += std::to_string(unit_max);
  units += ']';
  return units;
}

// Why `st` does not promise atomic writes, or "" when it does.
std::string Unsupported(const std::string& path, const KernelStatx& st) {
  const std::string prefix = "statx " + path + ": ";
  if ((st.mask & kStatxWriteAtomic) == 0) {
    return prefix +
           "no STATX_WRITE_ATOMIC in the reply (kernel older than 6.11, or a "
           "device that cannot write atomically)";
  }
  const uint32_t lo = st.atomic_write_unit_min;
  const uint32_t hi = st.atomic_write_unit_max;
  if (lo == 0 || hi == 0) {
    return prefix + "atomic write units " + Units(lo, hi) +
           ": the device or file system lacks atomic write support";
  }
  if (hi < lo || !std::has_single_bit(lo) || !std::has_single_bit(hi)) {
    return prefix + "unusable atomic write units " + Units(lo, hi);
  }
  return "";
}

std::string At(const AtomicWriteSupport& support, uint64_t offset) {
  return "atomic write " + support.path + " at " + std::to_string(offset);
}

Status CheckDirectFd(int fd, const std::string& context) {
  int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0) return ErrnoToStatus(errno, context);
  if ((flags & O_DIRECT) == 0) {
    return InvalidArgumentError(context + ": fd " + std::to_string(fd) +
                                " is not opened with O_DIRECT");
  }
  return Status::OK();
}

}  // namespace

AtomicWriteSupport ProbeAtomicWrite(const std::string& local_path) {
  AtomicWriteSupport support;
  support.path = local_path;
  KernelStatx st{};
  long r =
      ::syscall(SYS_statx, AT_FDCWD, local_path.c_str(), kAtStatxSyncAsStat,
                kStatxWriteAtomic | kStatxDioAlign, &st);
  if (r < 0) {
    support.reason =
        std::string(ErrnoToStatus(errno, "statx " + local_path).message());
    return support;
  }
  support.reason = Unsupported(local_path, st);
  if (!support.reason.empty()) return support;
  support.supported = true;
  support.unit_min = st.atomic_write_unit_min;
  support.unit_max = st.atomic_write_unit_max;
  support.segments_max = st.atomic_write_segments_max;
  const bool has_dio = (st.mask & kStatxDioAlign) != 0 && st.dio_mem_align;
  support.mem_align = has_dio ? st.dio_mem_align
                              : static_cast<uint32_t>(fs::kDirectIoAlignment);
  return support;
}

Status ValidateAtomicWrite(const AtomicWriteSupport& support, const void* data,
                           uint64_t size, uint64_t offset) {
  const std::string context = At(support, offset);
  if (!support.supported) {
    return FailedPreconditionError(
        context + ": RWF_ATOMIC unavailable: " + support.reason);
  }
  if (size < support.unit_min || size > support.unit_max ||
      !std::has_single_bit(size)) {
    return InvalidArgumentError(context + ": length " + std::to_string(size) +
                                " is not a power of two in " +
                                Units(support.unit_min, support.unit_max));
  }
  if (offset % size != 0) {
    return InvalidArgumentError(context + ": offset is not a multiple of the " +
                                std::to_string(size) + "-byte length");
  }
  const auto address = reinterpret_cast<uintptr_t>(data);
  if (support.mem_align != 0 && address % support.mem_align != 0) {
    return InvalidArgumentError(context + ": buffer is not aligned to " +
                                std::to_string(support.mem_align) + " bytes");
  }
  return Status::OK();
}

Task<Status> WriteAtomic(int fd, fs::ConstBytes src, uint64_t offset,
                         AtomicWriteSupport support, std::stop_token stop) {
  STRATA_CO_RETURN_IF_ERROR(
      ValidateAtomicWrite(support, src.data(), src.size(), offset));
  const std::string context = At(support, offset);
  STRATA_CO_RETURN_IF_ERROR(CheckDirectFd(fd, context));
  runtime::IoRequest request;
  request.opcode = runtime::IoOpcode::kWrite;
  request.fd = fd;
  request.buf = const_cast<std::byte*>(src.data());
  request.len = src.size();
  request.offset = offset;
  request.rw_flags = kRwfAtomic;
  int64_t n = co_await runtime::IoOp(request, std::move(stop));
  if (n < 0) co_return ErrnoToStatus(static_cast<int>(-n), context);
  if (static_cast<uint64_t>(n) != src.size()) {
    co_return InternalError(context + ": the kernel wrote " +
                            std::to_string(n) + " of " +
                            std::to_string(src.size()) + " bytes");
  }
  co_return Status::OK();
}

}  // namespace strata::journal
