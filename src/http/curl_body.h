// Request-body callbacks for curl: a borrowed span is copied out directly;
// a BodySource is pulled by a helper coroutine one chunk ahead while the
// read callback pauses the upload (CURL_READFUNC_PAUSE) until the chunk is
// in, then un-pauses it. Rewinds (curl re-sending on a fresh connection)
// go through CURLOPT_SEEKFUNCTION.
//
// Thread-safety: the callbacks run with the driver's mutex held.
#pragma once

#include <curl/curl.h>

#include <cstddef>

namespace strata::http::internal {

// CURLOPT_READFUNCTION with a Transfer* as userdata.
size_t OnReadBody(char* buf, size_t size, size_t n, void* userp);
// CURLOPT_SEEKFUNCTION with a Transfer* as userdata.
int OnSeekBody(void* userp, curl_off_t offset, int origin);

// Upload chunk pulled from a BodySource at a time.
inline constexpr size_t kUploadChunk = 128 << 10;

}  // namespace strata::http::internal
