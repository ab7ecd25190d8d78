// The AWS shared-file parser behind LoadProfile (private to the s3 layer):
// INI text → sections, and two files' text → one merged Profile. Split out
// of the file reading so tests and the fuzz target feed text directly.
//
// Safe on arbitrary bytes: malformed lines are skipped, never fatal.
//
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "strata/core/result.h"
#include "strata/s3/credentials.h"

namespace strata::s3::profile_internal {

// Section name (as written between the brackets, trimmed) → key → value.
// Keys are lower-cased; keys of a nested block ("s3 =" followed by indented
// "endpoint_url = X" lines) become "s3.endpoint_url". Repeated sections
// merge; a repeated key keeps the last value.
using IniSections = std::map<std::string, std::map<std::string, std::string>>;
IniSections ParseIni(std::string_view text);

// Where the two files' text came from, for error messages.
struct ProfileSources {
  std::string credentials_text;
  std::string credentials_path;
  std::string config_text;
  std::string config_path;
};

// The profile `name` merged from both files (credentials file wins).
// `explicit_name`: the name was asked for (options, AWS_PROFILE), so its
// absence is kNotFound; otherwise an absent "default" is an empty profile.
// Keys that contradict each other (an access key without its secret) are
// kInvalidArgument naming the profile and file.
Result<Profile> ProfileFromText(const ProfileSources& sources,
                                std::string_view name, bool explicit_name);

}  // namespace strata::s3::profile_internal
