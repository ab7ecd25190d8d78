// Transfer: easy-handle setup and the curl callbacks.

#include "http/curl_transfer.h"

#include <strings.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "http/curl_body.h"

namespace strata::http::internal {
namespace {

size_t OnHeader(char* data, size_t size, size_t n, void* userp) {
  auto* t = static_cast<Transfer*>(userp);
  const size_t len = size * n;
  t->parser.OnLine(std::string_view(data, len));
  if (t->parser.complete() && !t->headers_done) {
    t->headers_done = true;
    t->status = t->parser.status();
    t->Notify();
  }
  return len;
}

std::string SizeMessage(const Transfer& t, const char* what, size_t limit) {
  std::string msg = t.Context();
  msg += ": response body exceeds ";
  msg += what;
  msg += " (";
  msg += std::to_string(limit);
  msg += " bytes)";
  return msg;
}

size_t OnWrite(char* data, size_t size, size_t n, void* userp) {
  auto* t = static_cast<Transfer*>(userp);
  const size_t len = size * n;
  switch (t->mode) {
    case BodyMode::kCollect:
      if (t->body_buf.size() + len > t->max_body) {
        t->callback_error = ResourceExhaustedError(
            SizeMessage(*t, "max_buffered_body", t->max_body));
        return 0;
      }
      t->body_buf.append(data, len);
      break;
    case BodyMode::kInto:
      if (t->body_size + len > t->into.size()) {
        t->body_size += len;
        t->callback_error = OutOfRangeError(
            SizeMessage(*t, "the response_into buffer", t->into.size()));
        return 0;
      }
      std::memcpy(t->into.data() + t->body_size, data, len);
      break;
    case BodyMode::kStream:
      if (t->stream_pos < t->body_buf.size()) {
        t->recv_paused = true;  // reader is behind; curl keeps this chunk
        return CURL_WRITEFUNC_PAUSE;
      }
      t->body_buf.assign(data, len);
      t->stream_pos = 0;
      t->Notify();
      break;
  }
  t->body_size += len;
  return len;
}

void SetMethod(CURL* easy, Transfer* t, const Request& req) {
  const bool has_body = req.body_source != nullptr || !req.body.empty();
  if (req.method == "HEAD") {
    curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
    return;
  }
  if (has_body || req.method == "PUT" || req.method == "POST") {
    // UPLOAD (not CURLOPT_POST): curl then adds no form Content-Type.
    curl_easy_setopt(easy, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(easy, CURLOPT_READFUNCTION, &OnReadBody);
    curl_easy_setopt(easy, CURLOPT_READDATA, t);
    curl_easy_setopt(easy, CURLOPT_SEEKFUNCTION, &OnSeekBody);
    curl_easy_setopt(easy, CURLOPT_SEEKDATA, t);
    curl_off_t size = static_cast<curl_off_t>(req.body.size());
    if (req.body_source != nullptr) {
      auto known = req.body_source->size();
      size = known ? static_cast<curl_off_t>(*known) : -1;  // -1: chunked
    }
    curl_easy_setopt(easy, CURLOPT_INFILESIZE_LARGE, size);
    if (req.method != "PUT") {
      curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, req.method.c_str());
    }
    return;
  }
  if (req.method == "GET") {
    curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, req.method.c_str());
  }
}

Status SetHeaders(Transfer* t, const Request& req) {
  bool has_expect = false;
  for (const auto& [name, value] : req.headers) {
    std::string line = name;
    if (value.empty()) {
      line += ';';  // curl's syntax for an empty header value
    } else {
      line += ": ";
      line += value;
    }
    if (name.size() == 6 && strncasecmp(name.c_str(), "expect", 6) == 0) {
      has_expect = true;
    }
    curl_slist* next = curl_slist_append(t->header_list, line.c_str());
    if (next == nullptr) return InternalError("curl_slist_append failed");
    t->header_list = next;
  }
  if (!has_expect) {  // no "Expect: 100-continue" round trip
    curl_slist* next = curl_slist_append(t->header_list, "Expect:");
    if (next == nullptr) return InternalError("curl_slist_append failed");
    t->header_list = next;
  }
  curl_easy_setopt(t->easy, CURLOPT_HTTPHEADER, t->header_list);
  return Status::OK();
}

std::string CaBundle(const ClientOptions& options) {
  if (!options.ca_bundle.empty()) return options.ca_bundle;
  for (const char* var : {"AWS_CA_BUNDLE", "CURL_CA_BUNDLE"}) {
    const char* v = std::getenv(var);
    if (v != nullptr && *v != '\0') return v;
  }
  return "";
}

void SetOptions(CURL* easy, const ClientOptions& o, const Request& req) {
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_PATH_AS_IS, 1L);  // keys may hold "../"
  curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(easy, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(o.connect_timeout.count()));
  auto timeout = req.timeout.count() > 0 ? req.timeout : o.request_timeout;
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(timeout.count()));
  if (o.low_speed_time.count() > 0) {
    long secs = static_cast<long>((o.low_speed_time.count() + 999) / 1000);
    curl_easy_setopt(easy, CURLOPT_LOW_SPEED_TIME, secs);
    curl_easy_setopt(easy, CURLOPT_LOW_SPEED_LIMIT,
                     static_cast<long>(o.low_speed_bytes));
  }
  curl_easy_setopt(easy, CURLOPT_USERAGENT, o.user_agent.c_str());
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, o.verify_tls ? 1L : 0L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, o.verify_tls ? 2L : 0L);
  std::string ca = CaBundle(o);
  if (!ca.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, ca.c_str());
}

Status MapCurlError(CURLcode code, const char* errbuf,
                    const std::string& context) {
  std::string msg = context;
  msg += ": ";
  msg += curl_easy_strerror(code);
  if (errbuf[0] != '\0') {
    msg += " (";
    msg += errbuf;
    msg += ")";
  }
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return Status(StatusCode::kDeadlineExceeded, msg, 0, true);
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_GOT_NOTHING:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_AGAIN:
      return Status(StatusCode::kUnavailable, msg, 0, true);
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return InvalidArgumentError(msg);
    case CURLE_OUT_OF_MEMORY:
      return ResourceExhaustedError(msg);
    default:
      return UnavailableError(msg);
  }
}

}  // namespace

Transfer::~Transfer() {
  if (easy != nullptr) curl_easy_cleanup(easy);
  if (header_list != nullptr) curl_slist_free_all(header_list);
}

void Transfer::Notify() {
  if (!waiter) return;
  driver->QueueWake(waiter);
  waiter = Waiter();
}

void Transfer::Unpause() {
  if (!in_multi || (!recv_paused && !send_paused)) return;
  int bits = CURLPAUSE_CONT;
  if (recv_paused && stream_pos < body_buf.size()) {
    bits |= CURLPAUSE_RECV;
  } else {
    recv_paused = false;
  }
  if (send_paused && (fetching && up_error.ok())) {
    bits |= CURLPAUSE_SEND;
  } else {
    send_paused = false;
  }
  curl_easy_pause(easy, bits);
}

std::string StripQuery(const std::string& url) {
  return url.substr(0, url.find_first_of("?#"));
}

Result<std::shared_ptr<Transfer>> NewTransfer(
    std::shared_ptr<MultiDriver> driver, const ClientOptions& options,
    const Request& request, BodyMode mode,
    std::atomic<uint64_t>* connection_counter) {
  auto t = std::make_shared<Transfer>();
  t->driver = std::move(driver);
  t->method = request.method;
  t->safe_url = StripQuery(request.url);
  t->mode = mode;
  t->max_body = options.max_buffered_body;
  if (request.response_into) t->into = *request.response_into;
  t->body = request.body;
  t->source = request.body_source;
  if (t->source != nullptr) t->up_size = t->source->size();
  t->is_head = request.method == "HEAD";
  t->connection_counter = connection_counter;
  t->easy = curl_easy_init();
  if (t->easy == nullptr) return InternalError("curl_easy_init failed");
  CURL* easy = t->easy;
  curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(easy, CURLOPT_PRIVATE, t.get());
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, t->errbuf);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, t.get());
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &OnWrite);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, t.get());
  curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION,
                   &MultiDriver::OnCloseSocket);
  curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, t->driver.get());
  SetOptions(easy, options, request);
  SetMethod(easy, t.get(), request);
  STRATA_RETURN_IF_ERROR(SetHeaders(t.get(), request));
  return t;
}

void OnTransferDone(CURL* easy, CURLcode result) {
  char* priv = nullptr;
  curl_easy_getinfo(easy, CURLINFO_PRIVATE, &priv);
  auto* t = reinterpret_cast<Transfer*>(priv);
  if (t == nullptr) return;
  long code = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
  long connects = 0;
  curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &connects);
  if (t->connection_counter != nullptr && connects > 0) {
    t->connection_counter->fetch_add(static_cast<uint64_t>(connects));
  }
  if (code != 0) t->status = static_cast<int>(code);
  t->in_multi = false;
  t->done = true;
  t->result = result;
  t->Notify();
}

Status FinalStatus(const Transfer& t) {
  if (t.cancelled) return CancelledError(t.Context() + ": cancelled");
  if (!t.callback_error.ok()) return t.callback_error;
  if (!t.up_error.ok()) return t.up_error.WithContext(t.Context());
  if (t.result != CURLE_OK)
    return MapCurlError(t.result, t.errbuf, t.Context());
  if (t.is_head || t.status == 204 || t.status == 304) return Status::OK();
  auto cl = FindHeader(t.parser.headers(), "content-length");
  if (!cl) return Status::OK();
  uint64_t expected = 0;
  auto [p, ec] = std::from_chars(cl->data(), cl->data() + cl->size(), expected);
  if (ec != std::errc() || expected == t.body_size) return Status::OK();
  std::string msg = t.Context();
  msg += ": short body: got ";
  msg += std::to_string(t.body_size);
  msg += " of ";
  msg += std::to_string(expected);
  msg += " bytes";
  return Status(StatusCode::kUnavailable, std::move(msg), 0, true);
}

}  // namespace strata::http::internal
