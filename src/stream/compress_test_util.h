// Test helpers for the compression layer (header-only: every .cc in
// src/stream that is not a test goes into the library): writer/reader
// factories, and a scratch directory on disk for the command-line tools.
//
// Thread-safety: test code, single-threaded.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "strata/stream/compress.h"
#include "stream/testing/stream_test_util.h"

namespace strata::stream::testing {

inline CompressOptions Opts(Codec codec, int level = 0,
                            size_t block = size_t{64} << 10,
                            bool table = true) {
  CompressOptions o;
  o.codec = codec;
  o.level = level;
  o.block_size = block;
  o.seek_table = table;
  return o;
}

inline WriterFactory Writer(CompressOptions o) {
  return [o](std::unique_ptr<fs::File> inner) {
    return NewCompressWriter(std::move(inner), o);
  };
}

inline ReaderFactory Reader(DecompressOptions o = DecompressOptions()) {
  return [o](std::unique_ptr<fs::File> inner) {
    return OpenDecompressReader(std::move(inner), o);
  };
}

inline ReaderFactory Reader(Codec codec) {
  DecompressOptions o;
  o.codec = codec;
  return Reader(o);
}

// A scratch directory removed at destruction.
class ScratchDir {
 public:
  ScratchDir() {
    std::string tmpl = ::testing::TempDir() + "strata-compress-XXXXXX";
    char* dir = mkdtemp(tmpl.data());
    EXPECT_NE(dir, nullptr);
    path_ = tmpl;
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline void WriteDisk(const std::string& path, std::span<const std::byte> b) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(b.data()),
            static_cast<std::streamsize>(b.size()));
  ASSERT_TRUE(out.good()) << path;
}

inline Bytes ReadDisk(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string s((std::istreambuf_iterator<char>(in)),
                std::istreambuf_iterator<char>());
  return FromString(s);
}

// Runs a shell command; its exit status.
inline int Shell(const std::string& command) {
  int r = std::system((command + " 2>/dev/null").c_str());
  return WIFEXITED(r) ? WEXITSTATUS(r) : -1;
}

inline bool HaveTool(const std::string& tool) {
  return Shell("command -v " + tool + " >/dev/null") == 0;
}

}  // namespace strata::stream::testing
