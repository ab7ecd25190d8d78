// Request-body callbacks and the BodySource fetcher coroutine.

#include "http/curl_body.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "http/curl_transfer.h"

namespace strata::http::internal {
namespace {

// Lock held: stores a fetched chunk (or the end / an error) and resumes
// the paused upload.
void FinishFetch(Transfer& t, const Result<size_t>& r, std::string& chunk) {
  t.fetching = false;
  if (!r.ok()) {
    t.up_error = r.status();
  } else if (*r == 0) {
    t.up_eof = true;
  } else {
    chunk.resize(std::min(*r, chunk.size()));
    t.up_buf.swap(chunk);
    t.up_pos = 0;
  }
  t.Unpause();
  t.Notify();
}

// Holds a reference to the transfer; re-checks the source under the lock
// first (a destroyed ResponseBody clears it).
Task<void> FetchChunk(std::shared_ptr<Transfer> t) {
  std::string chunk(kUploadChunk, '\0');
  MutableBytes dst(reinterpret_cast<std::byte*>(chunk.data()), chunk.size());
  BodySource* source = nullptr;
  t->driver->WithLock([&] { source = t->source; });
  Result<size_t> r = CancelledError("request body source detached");
  if (source != nullptr) r = co_await source->Read(dst);
  t->driver->WithLock([&] { FinishFetch(*t, r, chunk); });
}

// Lock held: starts pulling the next chunk from the source.
bool StartFetch(Transfer* t) {
  runtime::Runtime* rt = runtime::Runtime::Current();
  if (rt == nullptr) {
    t->up_error = InternalError("request body read off a runtime thread");
    return false;
  }
  t->fetching = true;
  auto handle = rt->Spawn(FetchChunk(t->shared_from_this()));
  (void)handle;  // detached
  return true;
}

size_t ReadSpan(Transfer* t, char* buf, size_t cap) {
  size_t n = std::min(cap, t->body.size() - t->body_pos);
  if (n > 0) std::memcpy(buf, t->body.data() + t->body_pos, n);
  t->body_pos += n;
  return n;
}

size_t ReadSource(Transfer* t, char* buf, size_t cap) {
  if (!t->up_error.ok()) return CURL_READFUNC_ABORT;
  if (t->up_pos < t->up_buf.size()) {
    size_t n = std::min(cap, t->up_buf.size() - t->up_pos);
    std::memcpy(buf, t->up_buf.data() + t->up_pos, n);
    t->up_pos += n;
    t->up_given += n;
    if (t->up_pos == t->up_buf.size() && !t->up_eof && !t->fetching) {
      StartFetch(t);  // read ahead while curl sends this chunk
    }
    return n;
  }
  if (t->up_eof) return 0;
  if (!t->fetching && !StartFetch(t)) return CURL_READFUNC_ABORT;
  t->send_paused = true;
  return CURL_READFUNC_PAUSE;
}

}  // namespace

size_t OnReadBody(char* buf, size_t size, size_t n, void* userp) {
  auto* t = static_cast<Transfer*>(userp);
  const size_t cap = size * n;
  if (t->source == nullptr) return ReadSpan(t, buf, cap);
  return ReadSource(t, buf, cap);
}

int OnSeekBody(void* userp, curl_off_t offset, int origin) {
  auto* t = static_cast<Transfer*>(userp);
  if (origin != SEEK_SET || offset < 0) return CURL_SEEKFUNC_CANTSEEK;
  if (t->source == nullptr) {
    if (static_cast<size_t>(offset) > t->body.size()) {
      return CURL_SEEKFUNC_FAIL;
    }
    t->body_pos = static_cast<size_t>(offset);
    return CURL_SEEKFUNC_OK;
  }
  if (offset != 0 || t->fetching) return CURL_SEEKFUNC_CANTSEEK;
  Status s = t->source->Rewind();
  if (!s.ok()) return CURL_SEEKFUNC_CANTSEEK;
  t->up_buf.clear();
  t->up_pos = 0;
  t->up_eof = false;
  t->up_given = 0;
  return CURL_SEEKFUNC_OK;
}

}  // namespace strata::http::internal
