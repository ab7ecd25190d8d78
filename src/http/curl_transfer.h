// Transfer: one HTTP request on a curl easy handle, its callbacks, and the
// state the awaiting coroutine watches.
//
// The fields below "Guarded by the driver's mutex" are touched by curl
// callbacks (which run with that mutex held) and by the request/response
// coroutines (which take it). The driver holds no reference to a Transfer
// except through the easy handle's CURLOPT_PRIVATE, so its owner removes the
// easy handle (under the lock) before dropping it; helper coroutines
// (request-body fetchers) hold a shared_ptr.
//
// Thread-safety: see above.
#pragma once

#include <curl/curl.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "http/curl_multi.h"
#include "http/header_parser.h"
#include "strata/http/client.h"

namespace strata::http::internal {

enum class BodyMode { kCollect, kInto, kStream };

struct Transfer : std::enable_shared_from_this<Transfer> {
  Transfer() = default;
  ~Transfer();
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;

  // Set up once, before the handle is added.
  std::shared_ptr<MultiDriver> driver;
  CURL* easy = nullptr;
  curl_slist* header_list = nullptr;
  std::string method;
  std::string safe_url;  // url without its query string, for messages
  char errbuf[CURL_ERROR_SIZE] = {};
  BodyMode mode = BodyMode::kCollect;
  size_t max_body = 0;
  MutableBytes into;
  ConstBytes body;
  BodySource* source = nullptr;
  bool is_head = false;
  std::atomic<uint64_t>* connection_counter = nullptr;

  // Guarded by the driver's mutex.
  bool in_multi = false;
  ResponseHeaderParser parser;
  bool headers_done = false;
  std::string body_buf;  // collected body, or the stream's current chunk
  size_t stream_pos = 0;
  uint64_t body_size = 0;
  size_t body_pos = 0;  // of `body` (span uploads)
  bool recv_paused = false;
  bool send_paused = false;
  bool done = false;
  bool cancelled = false;
  CURLcode result = CURLE_OK;
  int status = 0;
  Status callback_error;
  // Request-body source state.
  std::string up_buf;
  size_t up_pos = 0;
  bool up_eof = false;
  bool fetching = false;
  Status up_error;
  std::optional<uint64_t> up_size;  // the source's size, if known
  uint64_t up_given = 0;            // bytes handed to curl
  Waiter waiter;

  // Lock held: wakes the awaiting coroutine, if any.
  void Notify();
  // Lock held: un-pauses directions no longer held back.
  void Unpause();
  // "METHOD url" for messages.
  std::string Context() const { return method + " " + safe_url; }
};

// Creates the easy handle for `request` (not yet added to the multi).
Result<std::shared_ptr<Transfer>> NewTransfer(
    std::shared_ptr<MultiDriver> driver, const ClientOptions& options,
    const Request& request, BodyMode mode,
    std::atomic<uint64_t>* connection_counter);

// DoneFn for MultiDriver: records a finished transfer (lock held).
void OnTransferDone(CURL* easy, CURLcode result);

// Lock held: the transfer's outcome once done (transport errors mapped,
// body length checked against Content-Length).
Status FinalStatus(const Transfer& t);

// The URL without "?query" or "#fragment".
std::string StripQuery(const std::string& url);

}  // namespace strata::http::internal
