// http::Client on curl's multi interface (see curl_multi.h for how curl is
// driven and curl_transfer.h for one request's state).

#include <algorithm>
#include <atomic>
#include <coroutine>
#include <cstring>
#include <memory>
#include <mutex>
#include <stop_token>
#include <utility>

#include "http/curl_multi.h"
#include "http/curl_transfer.h"
#include "strata/http/client.h"

namespace strata::http {
namespace {

using internal::BodyMode;
using internal::Transfer;

using Predicate = bool (*)(const Transfer&);

bool IsDone(const Transfer& t) { return t.done || t.cancelled; }
bool DataOrDone(const Transfer& t) {
  return t.stream_pos < t.body_buf.size() || IsDone(t);
}
bool NotFetching(const Transfer& t) { return !t.fetching; }
// The request body source is no longer read (nor will be): pulled to its
// end, failed, or there is none.
bool UploadIdle(const Transfer& t) {
  if (t.source == nullptr) return true;
  if (t.fetching) return false;
  return t.up_eof || !t.up_error.ok() ||
         (t.up_size && t.up_given >= *t.up_size);
}
// Open(): headers in and the BodySource released, or the transfer over.
bool OpenReady(const Transfer& t) {
  return (t.headers_done && UploadIdle(t)) || IsDone(t);
}

// Suspends the calling coroutine until `pred` holds (checked under the
// driver's lock); Transfer::Notify() resumes it to re-check.
class WaitUntil {
 public:
  WaitUntil(Transfer* t, Predicate pred) : t_(t), pred_(pred) {}
  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<> h) {
    Transfer* t = t_;
    Predicate pred = pred_;
    std::mutex& mu = t->driver->mu();
    mu.lock();
    if (pred(*t)) {
      mu.unlock();
      return false;
    }
    t->waiter = internal::CurrentWaiter(h);
    mu.unlock();  // from here on the frame may already be resumed
    return true;
  }
  void await_resume() const noexcept {}

 private:
  Transfer* t_;
  Predicate pred_;
};

Task<void> Await(Transfer* t, Predicate pred) {
  while (true) {
    co_await WaitUntil(t, pred);
    bool ok = false;
    t->driver->WithLock([&] { ok = pred(*t); });
    if (ok) co_return;
  }
}

struct CancelTransfer {
  Transfer* t;
  void operator()() const noexcept {
    Transfer* tr = t;
    tr->driver->WithLock([tr] {
      if (tr->done) return;
      tr->cancelled = true;
      tr->Notify();
    });
  }
};

// Lock held: takes the easy handle out of the multi (abandoning it).
void Detach(Transfer& t) {
  if (t.in_multi) {
    t.driver->Remove(t.easy);
    t.in_multi = false;
  }
  t.done = true;
}

// Takes the transfer out of curl and waits for its body fetcher.
Task<void> Settle(Transfer* t) {
  t->driver->WithLock([t] { Detach(*t); });
  co_await Await(t, &NotFetching);
}

Status Start(Transfer* t) {
  Status s;
  t->driver->WithLock([&] {
    s = t->driver->Add(t->easy, &t->waiter);
    t->in_multi = s.ok();
  });
  return s.ok() ? s : s.WithContext(t->Context());
}

class ResponseBodyImpl final : public ResponseBody {
 public:
  ResponseBodyImpl(std::shared_ptr<Transfer> t, std::stop_token stop)
      : t_(std::move(t)), on_stop_(stop, CancelTransfer{t_.get()}) {
    t_->driver->WithLock([this] {
      response_.status = t_->status;
      response_.headers = t_->parser.headers();
    });
  }
  ~ResponseBodyImpl() override {
    Transfer* t = t_.get();
    t->driver->WithLock([t] {
      Detach(*t);
      t->source = nullptr;  // a pending fetch must not start a Read
    });
  }

  Task<Result<size_t>> Read(MutableBytes dst) override;

 private:
  Task<Result<size_t>> Finish();

  std::shared_ptr<Transfer> t_;
  std::stop_callback<CancelTransfer> on_stop_;
  std::optional<Status> final_;
};

Task<Result<size_t>> ResponseBodyImpl::Finish() {
  co_await Settle(t_.get());
  final_ = internal::FinalStatus(*t_);
  response_.body_size = t_->body_size;
  if (!final_->ok()) co_return *final_;
  co_return size_t{0};
}

Task<Result<size_t>> ResponseBodyImpl::Read(MutableBytes dst) {
  if (final_) {
    if (!final_->ok()) co_return *final_;
    co_return size_t{0};
  }
  if (dst.empty()) co_return size_t{0};
  Transfer* t = t_.get();
  for (;;) {
    size_t n = 0;
    bool end = false;
    t->driver->WithLock([&] {
      if (t->cancelled) {
        end = true;
      } else if (t->stream_pos < t->body_buf.size()) {
        n = std::min(dst.size(), t->body_buf.size() - t->stream_pos);
        std::memcpy(dst.data(), t->body_buf.data() + t->stream_pos, n);
        t->stream_pos += n;
        t->Unpause();
      } else {
        end = t->done;
      }
    });
    if (n > 0) co_return n;
    if (end) co_return co_await Finish();
    co_await WaitUntil(t, &DataOrDone);
  }
}

class CurlClient final : public Client {
 public:
  CurlClient(ClientOptions options, std::shared_ptr<internal::MultiDriver> d)
      : Client(std::move(options)), driver_(std::move(d)) {}
  ~CurlClient() override { driver_->Shutdown(); }

  Task<Result<Response>> Send(Request request) override;
  Task<Result<std::unique_ptr<ResponseBody>>> Open(Request request) override;
  Stats stats() const override {
    Stats s;
    s.requests = requests_.load();
    s.connections_opened = connections_.load();
    return s;
  }

 private:
  std::shared_ptr<internal::MultiDriver> driver_;
  std::atomic<uint64_t> requests_{0};
  std::atomic<uint64_t> connections_{0};
};

Task<Result<Response>> CurlClient::Send(Request request) {
  requests_.fetch_add(1);
  BodyMode mode = request.response_into ? BodyMode::kInto : BodyMode::kCollect;
  STRATA_CO_ASSIGN_OR_RETURN(
      std::shared_ptr<Transfer> t,
      internal::NewTransfer(driver_, options_, request, mode, &connections_));
  STRATA_CO_RETURN_IF_ERROR(Start(t.get()));
  {
    std::stop_callback<CancelTransfer> on_stop(request.stop,
                                               CancelTransfer{t.get()});
    co_await Await(t.get(), &IsDone);
  }
  co_await Settle(t.get());
  STRATA_CO_RETURN_IF_ERROR(internal::FinalStatus(*t));
  Response response;
  response.status = t->status;
  response.headers = t->parser.TakeHeaders();
  response.body_size = t->body_size;
  if (mode == BodyMode::kCollect) response.body = std::move(t->body_buf);
  co_return response;
}

Task<Result<std::unique_ptr<ResponseBody>>> CurlClient::Open(Request request) {
  requests_.fetch_add(1);
  STRATA_CO_ASSIGN_OR_RETURN(
      std::shared_ptr<Transfer> t,
      internal::NewTransfer(driver_, options_, request, BodyMode::kStream,
                            &connections_));
  STRATA_CO_RETURN_IF_ERROR(Start(t.get()));
  {
    std::stop_callback<CancelTransfer> on_stop(request.stop,
                                               CancelTransfer{t.get()});
    // With a body_source, also wait until it is no longer read, so the
    // caller may free it as soon as Open() returns.
    co_await Await(t.get(), &OpenReady);
  }
  Status early;
  t->driver->WithLock([&] {
    if (t->cancelled || t->done) early = internal::FinalStatus(*t);
  });
  if (!early.ok()) {
    co_await Settle(t.get());
    co_return internal::FinalStatus(*t);
  }
  co_return std::unique_ptr<ResponseBody>(
      new ResponseBodyImpl(std::move(t), request.stop));
}

}  // namespace

Result<std::shared_ptr<Client>> Client::Create(ClientOptions options) {
  STRATA_ASSIGN_OR_RETURN(auto driver, internal::MultiDriver::Create(
                                           options, &internal::OnTransferDone));
  return std::shared_ptr<Client>(
      new CurlClient(std::move(options), std::move(driver)));
}

}  // namespace strata::http
