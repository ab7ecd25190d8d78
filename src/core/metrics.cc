#include "strata/core/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <map>
#include <string>
#include <type_traits>

#include "core/logging.h"

namespace strata::metrics {
namespace {

enum class Kind { kCounter, kGauge, kHistogram };

std::string_view KindName(Kind kind) {
  switch (kind) {
    case Kind::kCounter:
      return "counter";
    case Kind::kGauge:
      return "gauge";
    case Kind::kHistogram:
      break;
  }
  return "histogram";
}

bool IsNameChar(char c, bool first, bool allow_colon) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') {
    return true;
  }
  if (c == ':') return allow_colon;
  return !first && c >= '0' && c <= '9';
}

bool IsValidName(std::string_view name, bool allow_colon) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    if (!IsNameChar(name[i], i == 0, allow_colon)) return false;
  }
  return true;
}

bool IsValidMetricName(std::string_view name) {
  return IsValidName(name, /*allow_colon=*/true);
}

// Prometheus label names: no colons, and "__" is reserved for internal use.
bool IsValidLabelName(std::string_view name) {
  return IsValidName(name, /*allow_colon=*/false) && !name.starts_with("__");
}

// Shortest text that parses back to `v`; "+Inf", "-Inf", "NaN" as Prometheus
// spells them.
std::string FormatDouble(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  if (ec != std::errc()) return "NaN";
  return std::string(buf, end);
}

// Escapes `\` and newline, plus `"` when `quote` (label values; HELP text
// leaves quotes alone).
void AppendEscaped(std::string* out, std::string_view text, bool quote) {
  for (char c : text) {
    if (c == '\\') {
      *out += "\\\\";
    } else if (c == '\n') {
      *out += "\\n";
    } else if (c == '"' && quote) {
      *out += "\\\"";
    } else {
      *out += c;
    }
  }
}

// `name{k="v",...,extra_key="extra_value"} value\n`.
void AppendSample(std::string* out, std::string_view name, const Labels& labels,
                  std::string_view extra_key, std::string_view extra_value,
                  std::string_view value) {
  *out += name;
  if (!labels.empty() || !extra_key.empty()) {
    *out += '{';
    bool first = true;
    auto append_label = [&](std::string_view key, std::string_view val) {
      if (!first) *out += ',';
      first = false;
      *out += key;
      *out += "=\"";
      AppendEscaped(out, val, /*quote=*/true);
      *out += '"';
    };
    for (const auto& [key, val] : labels) append_label(key, val);
    if (!extra_key.empty()) append_label(extra_key, extra_value);
    *out += '}';
  }
  *out += ' ';
  *out += value;
  *out += '\n';
}

// Sorted, de-duplicated, finite bounds. Sets *changed if that differs from
// the input.
std::vector<double> NormalizeBounds(const std::vector<double>& bounds,
                                    bool* changed) {
  std::vector<double> out;
  out.reserve(bounds.size());
  for (double b : bounds) {
    if (std::isfinite(b)) out.push_back(b);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  *changed = out != bounds;
  return out;
}

// Labels sorted by name, so the same set in any order names one series.
Labels Canonical(const Labels& labels) {
  Labels out = labels;
  std::sort(out.begin(), out.end());
  return out;
}

// Empty if `labels` (canonical) are valid for a metric of `kind`, else why.
std::string LabelError(const Labels& labels, Kind kind) {
  for (size_t i = 0; i < labels.size(); ++i) {
    const std::string& key = labels[i].first;
    if (!IsValidLabelName(key)) return "invalid label name \"" + key + "\"";
    if (kind == Kind::kHistogram && key == "le") {
      return "label name \"le\" is reserved for histogram buckets";
    }
    if (i > 0 && labels[i - 1].first == key) {
      return "repeated label name \"" + key + "\"";
    }
  }
  return {};
}

}  // namespace

// ---- Histogram --------------------------------------------------------------

Histogram::Histogram(const std::vector<double>& bounds) {
  bool changed = false;
  bounds_ = NormalizeBounds(bounds, &changed);
  if (changed) {
    Logger().error(
        "metrics: histogram bounds must be finite and strictly increasing; "
        "using sorted, de-duplicated finite bounds");
  }
  buckets_ = std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1);
}

void Histogram::Observe(double value) {
  size_t i = bounds_.size();
  if (!std::isnan(value)) {
    i = static_cast<size_t>(
        std::lower_bound(bounds_.begin(), bounds_.end(), value) -
        bounds_.begin());
  }
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot snap;
  snap.bounds = bounds_;
  snap.cumulative_counts.reserve(bounds_.size() + 1);
  uint64_t total = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    total += buckets_[i].load(std::memory_order_relaxed);
    snap.cumulative_counts.push_back(total);
  }
  snap.count = total;
  snap.sum = sum_.load(std::memory_order_relaxed);
  return snap;
}

std::vector<double> LatencyBuckets() {
  std::vector<double> bounds;
  for (int i = 0; i <= 24; ++i) bounds.push_back(std::ldexp(1e-6, i));
  return bounds;
}

std::vector<double> CountBuckets() {
  std::vector<double> bounds;
  for (int i = 0; i <= 16; ++i) bounds.push_back(std::ldexp(1.0, i));
  return bounds;
}

// ---- Registry ---------------------------------------------------------------

struct Registry::Impl {
  struct Series {
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::unique_ptr<Histogram> histogram;
  };
  struct Family {
    Kind kind;
    std::string help;
    std::vector<double> bounds;  // histograms only, normalised
    std::map<Labels, Series> series;
  };

  // The series for (name, labels), created on first use, or nullptr (after
  // logging why) when the request is a programming error.
  Series* Find(Kind kind, std::string_view name, std::string_view help,
               const Labels& labels, const std::vector<double>& bounds);
  void RenderFamily(std::string* out, const std::string& name,
                    const Family& family) const;

  template <typename M>
  M& Get(Kind kind, std::string_view name, std::string_view help,
         const Labels& labels, const std::vector<double>& bounds);

  mutable std::mutex mu;
  std::map<std::string, Family, std::less<>> families;
  std::vector<Series> detached;  // answers to invalid requests
};

Registry::Impl::Series* Registry::Impl::Find(
    Kind kind, std::string_view name, std::string_view help,
    const Labels& labels, const std::vector<double>& bounds) {
  if (!IsValidMetricName(name)) {
    Logger().error("metrics: invalid metric name \"{}\"", name);
    return nullptr;
  }
  Labels key = Canonical(labels);
  if (std::string why = LabelError(key, kind); !why.empty()) {
    Logger().error("metrics: {}: {}", name, why);
    return nullptr;
  }
  bool changed = false;
  std::vector<double> norm = NormalizeBounds(bounds, &changed);
  auto it = families.find(name);
  if (it == families.end()) {
    it = families
             .emplace(std::string(name),
                      Family{kind, std::string(help), std::move(norm), {}})
             .first;
  } else if (it->second.kind != kind) {
    Logger().error("metrics: {} is a {}, not a {}", name,
                   KindName(it->second.kind), KindName(kind));
    return nullptr;
  } else if (kind == Kind::kHistogram && it->second.bounds != norm) {
    Logger().error("metrics: {} already registered with other bounds", name);
    return nullptr;
  }
  return &it->second.series[std::move(key)];
}

template <typename M>
M& Registry::Impl::Get(Kind kind, std::string_view name, std::string_view help,
                       const Labels& labels,
                       const std::vector<double>& bounds) {
  std::lock_guard lock(mu);
  Series* series = Find(kind, name, help, labels, bounds);
  if (series == nullptr) series = &detached.emplace_back();
  if constexpr (std::is_same_v<M, Counter>) {
    if (!series->counter) series->counter = std::make_unique<Counter>();
    return *series->counter;
  } else if constexpr (std::is_same_v<M, Gauge>) {
    if (!series->gauge) series->gauge = std::make_unique<Gauge>();
    return *series->gauge;
  } else {
    if (!series->histogram) {
      series->histogram = std::make_unique<Histogram>(bounds);
    }
    return *series->histogram;
  }
}

void Registry::Impl::RenderFamily(std::string* out, const std::string& name,
                                  const Family& family) const {
  *out += "# HELP " + name + " ";
  AppendEscaped(out, family.help, /*quote=*/false);
  *out += "\n# TYPE " + name + " ";
  *out += KindName(family.kind);
  *out += '\n';
  for (const auto& [labels, series] : family.series) {
    if (series.counter) {
      AppendSample(out, name, labels, {}, {},
                   std::to_string(series.counter->value()));
    } else if (series.gauge) {
      AppendSample(out, name, labels, {}, {},
                   std::to_string(series.gauge->value()));
    } else if (series.histogram) {
      Histogram::Snapshot snap = series.histogram->Read();
      const std::string bucket = name + "_bucket";
      for (size_t i = 0; i < snap.bounds.size(); ++i) {
        AppendSample(out, bucket, labels, "le", FormatDouble(snap.bounds[i]),
                     std::to_string(snap.cumulative_counts[i]));
      }
      AppendSample(out, bucket, labels, "le", "+Inf",
                   std::to_string(snap.count));
      AppendSample(out, name + "_sum", labels, {}, {}, FormatDouble(snap.sum));
      AppendSample(out, name + "_count", labels, {}, {},
                   std::to_string(snap.count));
    }
  }
}

Registry::Registry() : impl_(std::make_unique<Impl>()) {}
Registry::~Registry() = default;

Counter& Registry::GetCounter(std::string_view name, std::string_view help,
                              const Labels& labels) {
  return impl_->Get<Counter>(Kind::kCounter, name, help, labels, {});
}

Gauge& Registry::GetGauge(std::string_view name, std::string_view help,
                          const Labels& labels) {
  return impl_->Get<Gauge>(Kind::kGauge, name, help, labels, {});
}

Histogram& Registry::GetHistogram(std::string_view name, std::string_view help,
                                  const std::vector<double>& bounds,
                                  const Labels& labels) {
  return impl_->Get<Histogram>(Kind::kHistogram, name, help, labels, bounds);
}

std::string Registry::RenderPrometheus() const {
  std::lock_guard lock(impl_->mu);
  std::string out;
  for (const auto& [name, family] : impl_->families) {
    impl_->RenderFamily(&out, name, family);
  }
  return out;
}

Registry& DefaultRegistry() {
  // Leaked on purpose: metrics may be updated from static destructors.
  static Registry* const registry = new Registry();
  return *registry;
}

}  // namespace strata::metrics
