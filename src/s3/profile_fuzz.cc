// libFuzzer target for the AWS shared-file parser (~/.aws/config and
// ~/.aws/credentials). The input is split at the first NUL byte into the
// credentials text and the config text; every profile named in either is
// resolved (explicitly and implicitly). Invariants (abort on violation):
// parsing never crashes; a profile resolved successfully keeps its name; a
// profile with credentials has both an access key id and a secret.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "s3/profile_internal.h"

namespace {

using strata::s3::profile_internal::ParseIni;
using strata::s3::profile_internal::ProfileFromText;
using strata::s3::profile_internal::ProfileSources;

void Check(bool ok) {
  if (!ok) std::abort();
}

void Resolve(const ProfileSources& sources, const std::string& name) {
  for (bool explicit_name : {false, true}) {
    auto p = ProfileFromText(sources, name, explicit_name);
    if (!p.ok()) continue;
    Check(p->name == name);
    if (p->credentials) {
      Check(!p->credentials->access_key_id.empty());
      Check(!p->credentials->secret_access_key.empty());
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t split = input.find('\0');
  ProfileSources sources;
  sources.credentials_text = std::string(input.substr(0, split));
  sources.credentials_path = "credentials";
  if (split != std::string_view::npos) {
    sources.config_text = std::string(input.substr(split + 1));
  }
  sources.config_path = "config";
  Resolve(sources, "default");
  for (const auto& [section, keys] : ParseIni(sources.credentials_text)) {
    Resolve(sources, section);
  }
  for (const auto& [section, keys] : ParseIni(sources.config_text)) {
    if (section.rfind("profile ", 0) == 0) Resolve(sources, section.substr(8));
  }
  return 0;
}
