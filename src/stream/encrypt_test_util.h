// Test scaffolding shared by the encryption layer's tests: a StreamTest with
// a master key and writer/reader factories for both modes.
//
// Thread-safety: test-only, single-threaded.
#pragma once

#include <string>

#include "strata/stream/encrypt.h"
#include "stream/testing/stream_test_util.h"

namespace strata::stream {

inline const std::string kObjectId = "bucket/object-1";

class EncryptTestBase : public testing::StreamTest {
 protected:
  // Writer in envelope mode (master_, kObjectId) or raw mode (raw_).
  testing::WriterFactory Writer(Cipher cipher, bool raw) const {
    EncryptOptions options;
    options.cipher = cipher;
    if (raw) {
      options.raw_key = raw_;
    } else {
      options.master_key = master_;
      options.object_id = kObjectId;
    }
    return [options](std::unique_ptr<fs::File> inner) {
      return NewEncryptWriter(std::move(inner), options);
    };
  }
  testing::ReaderFactory Reader(bool raw) const {
    return Reader(raw ? raw_ : master_, raw);
  }
  static testing::ReaderFactory Reader(const EncryptionKey& key, bool raw) {
    DecryptOptions options;
    if (raw) {
      options.raw_key = key;
    } else {
      options.master_key = key;
    }
    return [options](std::unique_ptr<fs::File> inner) {
      return OpenDecryptReader(std::move(inner), options);
    };
  }

  EncryptionKey master_ = EncryptionKey::Generate();
  EncryptionKey raw_ = EncryptionKey::Generate();
};

}  // namespace strata::stream
