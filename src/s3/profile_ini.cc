// The INI dialect of ~/.aws/config and ~/.aws/credentials; see
// profile_internal.h.
#include <cctype>
#include <string>

#include "s3/profile_internal.h"

namespace strata::s3::profile_internal {
namespace {

bool IsBlank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsBlank(s.back())) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// Parser state across lines.
struct State {
  IniSections sections;
  std::map<std::string, std::string>* section = nullptr;  // current section
  std::string parent;    // key of an open nested block ("s3"), or empty
  bool has_key = false;  // the current section has had a key line
};

void OnSectionHeader(State& st, std::string_view line) {
  size_t close = line.find(']');
  st.parent.clear();
  st.has_key = false;
  if (close == std::string_view::npos) {
    st.section = nullptr;  // malformed header: ignore what follows
    return;
  }
  std::string name(Trim(line.substr(1, close - 1)));
  // "[profile   foo]" → "profile foo"
  if (size_t sp = name.find_first_of(" \t"); sp != std::string::npos) {
    std::string_view rest = Trim(std::string_view(name).substr(sp));
    name = name.substr(0, sp) + " " + std::string(rest);
  }
  st.section = &st.sections[name];
}

void OnKeyValue(State& st, std::string_view line, bool indented) {
  size_t eq = line.find('=');
  if (eq == std::string_view::npos || st.section == nullptr) return;
  std::string key = Lower(Trim(line.substr(0, eq)));
  std::string value(Trim(line.substr(eq + 1)));
  if (key.empty()) return;
  if (indented && !st.parent.empty()) {
    (*st.section)[st.parent + "." + key] = std::move(value);
    return;
  }
  // An indented line after a plain value continues it (ignored); before
  // any key it is simply an indented key.
  if (indented && st.has_key) return;
  st.has_key = true;
  st.parent = value.empty() ? key : std::string();
  (*st.section)[key] = std::move(value);
}

}  // namespace

IniSections ParseIni(std::string_view text) {
  State st;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view raw = text.substr(0, nl);
    text =
        nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    bool indented = !raw.empty() && IsBlank(raw.front());
    std::string_view line = Trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[') {
      OnSectionHeader(st, line);
    } else {
      OnKeyValue(st, line, indented);
    }
  }
  return std::move(st.sections);
}

}  // namespace strata::s3::profile_internal
