#include "stream/testing/stream_test_util.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace strata::stream::testing {

Bytes RandomBytes(size_t size, uint64_t seed) {
  Bytes out(size);
  std::mt19937_64 rng(seed);
  size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    uint64_t v = rng();
    std::memcpy(out.data() + i, &v, 8);
  }
  for (; i < size; ++i) out[i] = std::byte(rng() & 0xff);
  return out;
}

Bytes CompressibleBytes(size_t size, uint64_t seed) {
  static const char* const kWords[] = {
      "stream ", "block ", "journal ", "strata ", "object ", "zstd ",
      "cipher ", "shard ", "parity ",  "\n",      "0123 ",   "key=value "};
  Bytes out;
  out.reserve(size);
  std::mt19937_64 rng(seed);
  while (out.size() < size) {
    const char* w = kWords[rng() % std::size(kWords)];
    for (const char* p = w; *p && out.size() < size; ++p) {
      out.push_back(std::byte(*p));
    }
  }
  return out;
}

std::string AsString(std::span<const std::byte> bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

Bytes FromString(std::string_view s) {
  Bytes out(s.size());
  if (!s.empty()) std::memcpy(out.data(), s.data(), s.size());
  return out;
}

std::vector<size_t> InterestingSizes(size_t block_size, size_t many_blocks) {
  return {0,
          1,
          block_size - 1,
          block_size,
          block_size + 1,
          many_blocks * block_size + block_size / 3};
}

Task<Status> WriteThrough(fs::File& writer, std::span<const std::byte> data,
                          uint64_t seed) {
  std::mt19937_64 rng(seed);
  size_t pos = 0;
  while (pos < data.size()) {
    // Mostly mid-sized chunks, sometimes tiny, sometimes large.
    size_t limit = (rng() % 8 == 0) ? 17 : (rng() % 4 == 0 ? 3 << 20 : 70000);
    size_t n = std::min<size_t>(data.size() - pos, 1 + rng() % limit);
    if (rng() % 3 == 0 && n >= 2) {
      size_t half = n / 2;
      std::vector<fs::ConstBytes> parts = {data.subspan(pos, half),
                                           data.subspan(pos + half, 0),
                                           data.subspan(pos + half, n - half)};
      STRATA_CO_RETURN_IF_ERROR(co_await writer.WriteV(parts));
    } else {
      STRATA_CO_RETURN_IF_ERROR(co_await writer.Write(data.subspan(pos, n)));
    }
    pos += n;
  }
  co_return co_await writer.Close();
}

Task<Result<Bytes>> ReadRange(fs::File& file, uint64_t offset, size_t n) {
  Bytes out(n);
  Result<size_t> got = co_await file.ReadAt(out, offset);
  if (!got.ok()) co_return got.status();
  out.resize(*got);
  co_return out;
}

Task<Result<Bytes>> ReadAll(fs::File& file, size_t chunk) {
  Bytes out;
  Bytes buf(chunk);
  while (true) {
    Result<size_t> got = co_await file.ReadAt(buf, out.size());
    if (!got.ok()) co_return got.status();
    out.insert(out.end(), buf.begin(), buf.begin() + *got);
    if (*got < chunk) break;
  }
  co_return out;
}

void StreamTest::SetUp() {
  RuntimeOptions options;
  options.reactor_threads = 1;
  auto rt = Runtime::Create(options);
  ASSERT_THAT(rt, IsOk());
  rt_ = std::move(rt).value();
  fs_ = fs::MemoryFileSystem::Create();
}

void StreamTest::TearDown() { rt_.reset(); }

std::unique_ptr<fs::File> StreamTest::NewFile(const std::string& path) {
  auto f = Run(fs_->Open(path, fs::OpenOptions::Overwrite()));
  EXPECT_THAT(f, IsOk()) << path;
  return f.ok() ? std::move(f).value() : nullptr;
}

std::unique_ptr<fs::File> StreamTest::OpenFile(const std::string& path) {
  auto f = Run(fs_->Open(path, fs::OpenOptions::ReadOnly()));
  EXPECT_THAT(f, IsOk()) << path;
  return f.ok() ? std::move(f).value() : nullptr;
}

Bytes StreamTest::Stored(const std::string& path) {
  auto f = OpenFile(path);
  if (!f) return {};
  auto all = Run(ReadAll(*f, 1 << 20));
  EXPECT_THAT(all, IsOk());
  Run(f->Close()).IgnoreError();
  return all.ok() ? std::move(all).value() : Bytes{};
}

void StreamTest::Store(const std::string& path,
                       std::span<const std::byte> bytes) {
  auto f = NewFile(path);
  ASSERT_TRUE(f);
  ASSERT_THAT(Run(f->Write(bytes)), IsOk());
  ASSERT_THAT(Run(f->Close()), IsOk());
}

Status StreamTest::Encode(const std::string& path,
                          std::span<const std::byte> data,
                          const WriterFactory& writer, uint64_t seed) {
  auto inner = NewFile(path);
  if (!inner) return InternalError("cannot create " + path);
  STRATA_ASSIGN_OR_RETURN(auto w, writer(std::move(inner)));
  return Run(WriteThrough(*w, data, seed));
}

Result<std::unique_ptr<fs::File>> StreamTest::Decode(
    const std::string& path, const ReaderFactory& reader) {
  auto inner = OpenFile(path);
  if (!inner) return InternalError("cannot open " + path);
  return Run(reader(std::move(inner)));
}

void StreamTest::CheckRoundTrips(const WriterFactory& writer,
                                 const ReaderFactory& reader,
                                 const std::vector<size_t>& sizes,
                                 int ranged_reads) {
  std::mt19937_64 rng(42);
  for (size_t size : sizes) {
    for (int kind = 0; kind < 2; ++kind) {
      SCOPED_TRACE("size " + std::to_string(size) +
                   (kind ? " compressible" : " random"));
      Bytes data = kind ? CompressibleBytes(size, size + 7)
                        : RandomBytes(size, size + 3);
      const std::string path = "/rt-" + std::to_string(size);
      ASSERT_THAT(Encode(path, data, writer, size), IsOk());
      auto r = Decode(path, reader);
      ASSERT_THAT(r, IsOk());
      auto& file = **r;
      auto sz = Run(file.Size());
      ASSERT_THAT(sz, IsOk());
      EXPECT_EQ(*sz, size);
      auto all = Run(ReadAll(file, 1 + rng() % 300000));
      ASSERT_THAT(all, IsOk());
      ASSERT_TRUE(*all == data) << "full read differs";
      for (int i = 0; i < ranged_reads; ++i) {
        uint64_t off = size ? rng() % (size + 10) : rng() % 3;
        size_t n = 1 + rng() % (i % 4 == 0 ? 3 * 1048576 : 5000);
        SCOPED_TRACE("range " + std::to_string(off) + "+" + std::to_string(n));
        auto got = Run(ReadRange(file, off, n));
        ASSERT_THAT(got, IsOk());
        size_t want = off >= size ? 0 : std::min<size_t>(n, size - off);
        ASSERT_EQ(got->size(), want);
        if (want > 0) {
          ASSERT_TRUE(std::equal(got->begin(), got->end(), data.begin() + off));
        }
      }
      EXPECT_THAT(Run(file.Close()), IsOk());
    }
  }
}

}  // namespace strata::stream::testing
