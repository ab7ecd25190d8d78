// Test-only: an S3 Client for unit tests against an http::testing::TestServer
// (path-style addressing, fixed keys, one attempt so that the fake server's
// answer is the result).
//
// Thread-safety: as Client.
#pragma once

#include <memory>
#include <string>

#include "strata/core/result.h"
#include "strata/s3/client.h"

namespace strata::s3::fake_server {

inline Result<std::shared_ptr<Client>> NewClient(const std::string& url,
                                                 Flavor flavor = Flavor::kAws) {
  ClientOptions co;
  co.flavor = flavor;
  co.endpoint = url;
  co.region = flavor == Flavor::kGcs ? "auto" : "us-east-1";
  co.path_style = true;
  Credentials creds;
  creds.access_key_id = "AKIDEXAMPLE";
  creds.secret_access_key = "secret";
  co.credentials = creds;
  co.retry.max_attempts = 1;
  return Client::Create(co);
}

}  // namespace strata::s3::fake_server
