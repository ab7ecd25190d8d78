// The caching, refreshing credentials provider; see credentials_internal.h.
#include <mutex>
#include <optional>

#include "core/logging.h"
#include "s3/credentials_internal.h"
#include "strata/runtime/semaphore.h"

namespace strata::s3::credentials_internal {
namespace {

using Clock = std::chrono::system_clock;

// After a failed refresh with still-valid credentials, wait this long
// before trying again (each try may cost a network timeout).
constexpr std::chrono::seconds kRetryBackoff{10};

class RefreshingProvider final : public CredentialsProvider {
 public:
  RefreshingProvider(std::unique_ptr<CredentialsFetcher> fetcher,
                     std::chrono::seconds refresh_before)
      : fetcher_(std::move(fetcher)), refresh_before_(refresh_before) {}

  Task<Result<Credentials>> Get() override;

 private:
  struct Snapshot {
    std::optional<Credentials> creds;
    uint64_t generation = 0;
    bool fresh = false;  // usable without a refresh
  };
  Snapshot Look();
  static bool Valid(const Credentials& c, Clock::time_point now) {
    return !c.expiration || *c.expiration > now;
  }
  Result<Credentials> OnFetched(Result<Credentials> fetched);

  std::unique_ptr<CredentialsFetcher> fetcher_;
  const std::chrono::seconds refresh_before_;
  runtime::Semaphore refresh_{1};
  std::mutex mu_;
  std::optional<Credentials> cached_;
  uint64_t generation_ = 0;  // bumped by every completed refresh
  Clock::time_point retry_after_{};
};

RefreshingProvider::Snapshot RefreshingProvider::Look() {
  std::lock_guard lock(mu_);
  Snapshot s;
  s.creds = cached_;
  s.generation = generation_;
  if (cached_) {
    Clock::time_point now = Clock::now();
    bool needs =
        cached_->expiration && *cached_->expiration - refresh_before_ <= now;
    s.fresh = !needs || (Valid(*cached_, now) && now < retry_after_);
  }
  return s;
}

Task<Result<Credentials>> RefreshingProvider::Get() {
  Snapshot before = Look();
  if (before.fresh) co_return *before.creds;
  runtime::Semaphore::Permit permit = co_await refresh_.Acquire();
  Snapshot now = Look();
  // Someone refreshed while we waited: share their result if usable.
  if (now.fresh || (now.generation != before.generation && now.creds &&
                    Valid(*now.creds, Clock::now()))) {
    co_return *now.creds;
  }
  Result<Credentials> fetched = co_await fetcher_->Fetch();
  co_return OnFetched(std::move(fetched));
}

Result<Credentials> RefreshingProvider::OnFetched(Result<Credentials> fetched) {
  std::lock_guard lock(mu_);
  ++generation_;
  Clock::time_point now = Clock::now();
  if (fetched.ok()) {
    cached_ = *fetched;
    retry_after_ = {};
    return fetched;
  }
  if (cached_ && Valid(*cached_, now)) {
    Logger().warn(
        "credentials refresh failed, using cached {} credentials "
        "until they expire: {}",
        cached_->source, fetched.status().ToString());
    retry_after_ = now + kRetryBackoff;
    return *cached_;
  }
  return fetched.status();
}

}  // namespace

std::shared_ptr<CredentialsProvider> NewRefreshingProvider(
    std::unique_ptr<CredentialsFetcher> fetcher,
    std::chrono::seconds refresh_before) {
  return std::make_shared<RefreshingProvider>(std::move(fetcher),
                                              refresh_before);
}

}  // namespace strata::s3::credentials_internal
