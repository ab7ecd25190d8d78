// The crash simulator's power loss: the post-crash namespace and contents.

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "fs/crash_sim_state.h"

namespace strata::fs {

using crash_sim_internal::Children;
using crash_sim_internal::Node;
using crash_sim_internal::NodePtr;

// One crash: replays a prefix of the namespace log over the durable
// entries, then walks the result from the root, replaying each file's
// pending ops.
struct CrashSimFileSystem::State::Crasher {
  Crasher(State& s, CrashMode m, uint64_t seed)
      : state(s), mode(m), rng(seed) {}

  void ReplayLog() {
    const size_t n = state.log_.size();
    const size_t kept = mode == CrashMode::kDropUnsynced ? 0 : rng() % (n + 1);
    for (size_t i = 0; i < kept; ++i) {
      for (const crash_sim_internal::Edit& edit : state.log_[i]) {
        auto [it, fresh] = post.try_emplace(edit.dir.get());
        if (fresh) it->second = edit.dir->durable_children;
        if (edit.target != nullptr) {
          it->second.insert_or_assign(edit.name, edit.target);
        } else {
          it->second.erase(edit.name);
        }
      }
    }
    report.entries_reverted += n - kept;
  }

  // `dir` is visited; its entries become both current and durable.
  void Rebuild(const NodePtr& dir) {
    auto it = post.find(dir.get());
    Children children =
        it != post.end() ? std::move(it->second) : dir->durable_children;
    for (auto entry = children.begin(); entry != children.end();) {
      const NodePtr& child = entry->second;
      bool first = visited.insert(child.get()).second;
      if (!first && child->is_dir) {
        // A directory has one parent: a second path to it is dropped.
        entry = children.erase(entry);
        ++report.entries_reverted;
        continue;
      }
      if (first && child->is_dir) Rebuild(child);
      if (first && !child->is_dir) RebuildFile(*child);
      ++entry;
    }
    dir->children = children;
    dir->durable_children = std::move(children);
  }

  void RebuildFile(Node& file) {
    if (file.pending.empty()) return;
    crash_sim_internal::Bytes image =
        crash_sim_internal::ReplayPending(file, mode, rng, report);
    file.durable = image;
    file.data = std::move(image);
    std::vector<crash_sim_internal::PendingOp>().swap(file.pending);
    file.Touch();
  }

  // Nodes no longer reachable: only dead handles can hold them. Clearing
  // their entries frees them (and breaks any cycle the log left).
  void ForgetUnreachable() {
    for (const std::weak_ptr<Node>& weak : state.nodes_) {
      NodePtr node = weak.lock();
      if (node == nullptr || visited.contains(node.get())) continue;
      Children().swap(node->children);
      Children().swap(node->durable_children);
      std::vector<crash_sim_internal::PendingOp>().swap(node->pending);
      node->data = node->durable;
    }
    std::erase_if(state.nodes_,
                  [](const std::weak_ptr<Node>& n) { return n.expired(); });
  }

  State& state;
  const CrashMode mode;
  std::mt19937_64 rng;
  CrashReport report;
  std::unordered_map<const Node*, Children> post;
  std::unordered_set<const Node*> visited;
};

CrashSimFileSystem::State::State() { root_ = NewNodeLocked(true); }

CrashSimFileSystem::State::~State() {
  // Directories may reference each other (see ForgetUnreachable).
  log_.clear();
  for (const std::weak_ptr<Node>& weak : nodes_) {
    if (NodePtr node = weak.lock()) {
      Children().swap(node->children);
      Children().swap(node->durable_children);
    }
  }
}

CrashReport CrashSimFileSystem::State::Crash(CrashMode mode, uint64_t seed) {
  std::lock_guard lock(mu);
  Crasher crasher(*this, mode, seed);
  crasher.ReplayLog();
  crasher.visited.insert(root_.get());
  crasher.Rebuild(root_);
  log_.clear();
  crasher.ForgetUnreachable();
  compact_at_ = std::max<size_t>(64, 2 * nodes_.size());
  epoch_.fetch_add(1, std::memory_order_acq_rel);
  return crasher.report;
}

uint64_t CrashSimFileSystem::State::UnsyncedBytes() const {
  std::lock_guard lock(mu);
  uint64_t total = 0;
  for (const std::weak_ptr<Node>& weak : nodes_) {
    if (NodePtr node = weak.lock()) {
      total += crash_sim_internal::PendingBytes(*node);
    }
  }
  return total;
}

uint64_t CrashSimFileSystem::State::UnsyncedEntries() const {
  std::lock_guard lock(mu);
  return log_.size();
}

}  // namespace strata::fs
