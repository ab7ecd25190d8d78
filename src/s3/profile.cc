// LoadProfile: the AWS shared config and credentials files.
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "s3/profile_internal.h"

namespace strata::s3 {
namespace profile_internal {
namespace {

constexpr size_t kMaxFileSize = 1 << 20;

using Section = std::map<std::string, std::string>;

const Section* Find(const IniSections& sections, const std::string& name) {
  auto it = sections.find(name);
  return it == sections.end() ? nullptr : &it->second;
}

std::string Get(const Section& s, const std::string& key) {
  auto it = s.find(key);
  return it == s.end() ? std::string() : it->second;
}

// Config-file keys, then credentials-file keys on top.
Section Merge(const Section* config, const Section* credentials) {
  Section out;
  if (config != nullptr) out = *config;
  if (credentials != nullptr) {
    for (const auto& [k, v] : *credentials) out[k] = v;
  }
  return out;
}

Status CheckKeyPair(const Section& s, std::string_view name,
                    const ProfileSources& sources) {
  bool id = !Get(s, "aws_access_key_id").empty();
  bool secret = !Get(s, "aws_secret_access_key").empty();
  if (id == secret) return Status::OK();
  std::string msg = "profile '" + std::string(name) + "' (";
  msg += sources.credentials_path + ", " + sources.config_path + "): ";
  msg += id ? "aws_access_key_id without aws_secret_access_key"
            : "aws_secret_access_key without aws_access_key_id";
  return InvalidArgumentError(std::move(msg));
}

void FillProfile(const Section& s, const IniSections& config, Profile& p) {
  if (!Get(s, "aws_access_key_id").empty()) {
    Credentials c;
    c.access_key_id = Get(s, "aws_access_key_id");
    c.secret_access_key = Get(s, "aws_secret_access_key");
    c.session_token = Get(s, "aws_session_token");
    c.source = "profile:" + p.name;
    p.credentials = std::move(c);
  }
  p.region = Get(s, "region");
  p.role_arn = Get(s, "role_arn");
  p.web_identity_token_file = Get(s, "web_identity_token_file");
  p.role_session_name = Get(s, "role_session_name");
  p.source_profile = Get(s, "source_profile");
  p.credential_source = Get(s, "credential_source");
  p.s3_addressing_style = Get(s, "s3.addressing_style");
  // Service-specific endpoints win: the profile's own "s3 =" block, then a
  // referenced "[services NAME]" section's, then the global endpoint_url.
  std::string services = Get(s, "services");
  const Section* svc =
      services.empty() ? nullptr : Find(config, "services " + services);
  p.endpoint_url = Get(s, "s3.endpoint_url");
  if (p.endpoint_url.empty() && svc != nullptr) {
    p.endpoint_url = Get(*svc, "s3.endpoint_url");
  }
  if (p.endpoint_url.empty()) p.endpoint_url = Get(s, "endpoint_url");
}

}  // namespace

Result<Profile> ProfileFromText(const ProfileSources& sources,
                                std::string_view name, bool explicit_name) {
  IniSections credentials = ParseIni(sources.credentials_text);
  IniSections config = ParseIni(sources.config_text);
  std::string n(name);
  const Section* in_config = Find(config, "profile " + n);
  if (in_config == nullptr && n == "default") in_config = Find(config, n);
  const Section* in_credentials = Find(credentials, n);
  Profile p;
  p.name = n;
  p.found = in_config != nullptr || in_credentials != nullptr;
  if (!p.found) {
    if (!explicit_name) return p;
    return NotFoundError("profile '" + n + "' not found in " +
                         sources.credentials_path + " or " +
                         sources.config_path);
  }
  Section merged = Merge(in_config, in_credentials);
  STRATA_RETURN_IF_ERROR(CheckKeyPair(merged, n, sources));
  FillProfile(merged, config, p);
  return p;
}

}  // namespace profile_internal

namespace {

std::string EnvOr(const EnvLookup& env, std::string_view name) {
  auto v = env(name);
  return v ? *v : std::string();
}

// "~/x" → "$HOME/x"; "" → "$HOME/.aws/<file>"; "" without HOME → "".
std::string ResolvePath(std::string path, const std::string& home,
                        std::string_view default_name) {
  if (path.empty()) {
    if (home.empty()) return "";
    return home + "/.aws/" + std::string(default_name);
  }
  if (path.rfind("~/", 0) == 0 && !home.empty()) path = home + path.substr(1);
  return path;
}

// Missing files read as empty.
Status ReadSmallFile(const std::string& path, std::string* out) {
  out->clear();
  if (path.empty()) return Status::OK();
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return Status::OK();
    return ErrnoToStatus(errno, "profile: stat " + path);
  }
  if (!S_ISREG(st.st_mode)) {
    return InvalidArgumentError("profile: " + path + " is not a regular file");
  }
  if (static_cast<size_t>(st.st_size) > profile_internal::kMaxFileSize) {
    return ResourceExhaustedError("profile: " + path + " is larger than 1 MiB");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return ErrnoToStatus(errno, "profile: open " + path);
  std::ostringstream buf;
  buf << in.rdbuf();
  *out = std::move(buf).str();
  return Status::OK();
}

}  // namespace

Result<Profile> LoadProfile(const EnvLookup& env_in, std::string_view name) {
  EnvLookup env = env_in ? env_in : ProcessEnvironment();
  std::string chosen(name);
  bool explicit_name = !chosen.empty();
  for (std::string_view var : {"AWS_PROFILE", "AWS_DEFAULT_PROFILE"}) {
    if (chosen.empty()) chosen = EnvOr(env, var);
  }
  explicit_name = explicit_name || !chosen.empty();
  if (chosen.empty()) chosen = "default";
  std::string home = EnvOr(env, "HOME");
  profile_internal::ProfileSources sources;
  sources.credentials_path = ResolvePath(
      EnvOr(env, "AWS_SHARED_CREDENTIALS_FILE"), home, "credentials");
  sources.config_path =
      ResolvePath(EnvOr(env, "AWS_CONFIG_FILE"), home, "config");
  STRATA_RETURN_IF_ERROR(
      ReadSmallFile(sources.credentials_path, &sources.credentials_text));
  STRATA_RETURN_IF_ERROR(
      ReadSmallFile(sources.config_path, &sources.config_text));
  return profile_internal::ProfileFromText(sources, chosen, explicit_name);
}

}  // namespace strata::s3
