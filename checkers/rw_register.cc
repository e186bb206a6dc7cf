// Inference for read-write register histories.
//
// A read returns one value, so version orders come from what txns did: a txn
// that read v1 of a key and then wrote v2 to it installed v2 after v1 (txns
// are atomic), two writes of one txn are in their order, and the initial nil
// comes before every version. From those orders: ww edges join the writers of
// successive versions, wr edges a version's writer to its readers, and rw
// edges a version's readers to the writers of the versions that follow it.
#include <algorithm>
#include <iterator>
#include <map>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "checkers/elle_inference.h"
#include "engine/base/status.h"

namespace ekv::checkers {
namespace {

constexpr uint32_t kNil = TxnTable::kNil;
// Readers of nil get rw edges to at most this many first versions of a key.
constexpr size_t kFirstVersionsMax = 64;

uint64_t Pack(uint32_t key, uint32_t value) {
  return (static_cast<uint64_t>(key) << 32) | value;
}

struct Writer {
  int txn = -1;
  bool final = false;  // the txn's last write to the key
};

struct VersionEdge {
  uint32_t from;  // a value id; kNil for the initial version
  uint32_t to;
  int source;  // the txn whose reads and writes show the order
  bool operator<(const VersionEdge& o) const {
    return std::tie(from, to, source) < std::tie(o.from, o.to, o.source);
  }
};

struct ReadRef {
  int txn;
  uint32_t value;
};

class RwRegister : public Inference {
 public:
  RwRegister(const History& history, const TxnTable& table)
      : history_(history),
        table_(table),
        versions_(table.key_count()),
        reads_(table.key_count()),
        writes_(table.key_count()) {}

  absl::Status Run(DepGraph* graph, std::vector<Anomaly>* anomalies) override {
    anomalies_ = anomalies;
    EKV_RETURN_IF_ERROR(IndexWrites());
    const auto& txns = table_.txns();
    for (int t = 0; t < static_cast<int>(txns.size()); ++t) {
      if (txns[t].type == OpType::kOk) IndexTxn(t);
    }
    for (uint32_t k = 0; k < table_.key_count(); ++k) {
      auto& edges = versions_[k];
      std::sort(edges.begin(), edges.end());
      edges.erase(std::unique(edges.begin(), edges.end(),
                              [](const VersionEdge& a, const VersionEdge& b) {
                                return a.from == b.from && a.to == b.to;
                              }),
                  edges.end());
      CheckVersionCycle(k);
      AddEdges(k, graph);
    }
    return absl::OkStatus();
  }

  std::string Explain(int from, int to, uint8_t type) const override {
    for (uint32_t k : SharedKeys(from, to)) {
      std::string why = type == kWW   ? ExplainWw(k, from, to)
                        : type == kWR ? ExplainWr(k, from, to)
                                      : ExplainRw(k, from, to);
      if (!why.empty()) return why;
    }
    return "?";
  }

 private:
  std::string T(int txn) const { return TxnName(history_, table_, txn); }

  std::vector<uint32_t> Keys(int t) const {
    std::vector<uint32_t> keys;
    const Txn& txn = table_.txns()[t];
    for (uint32_t i = 0; i < txn.mop_count; ++i) {
      keys.push_back(table_.mops(txn)[i].key);
    }
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    return keys;
  }
  std::vector<uint32_t> SharedKeys(int a, int b) const {
    std::vector<uint32_t> ka = Keys(a), kb = Keys(b), both;
    std::set_intersection(ka.begin(), ka.end(), kb.begin(), kb.end(),
                          std::back_inserter(both));
    return both;
  }
  std::string V(uint32_t value) const { return table_.value(value).ToText(); }
  std::string K(uint32_t key) const { return table_.key(key).ToText(); }

  const Writer* FindWriter(uint32_t key, uint32_t value) const {
    auto it = writers_.find(Pack(key, value));
    return it == writers_.end() ? nullptr : &it->second;
  }
  int LiveWriter(uint32_t key, uint32_t value) const {
    const Writer* w = FindWriter(key, value);
    if (w == nullptr) return -1;
    return table_.txns()[w->txn].type == OpType::kFail ? -1 : w->txn;
  }

  void Report(std::string kind, std::string summary, std::vector<int> txns,
              std::vector<std::string> details = {}) {
    Anomaly a;
    a.kind = std::move(kind);
    a.summary = std::move(summary);
    a.details = std::move(details);
    for (int t : txns) a.ops.push_back(table_.txns()[t].op);
    anomalies_->push_back(std::move(a));
  }

  absl::Status IndexWrites() {
    const auto& txns = table_.txns();
    for (int t = 0; t < static_cast<int>(txns.size()); ++t) {
      const Mop* mops = table_.mops(txns[t]);
      for (uint32_t i = 0; i < txns[t].mop_count; ++i) {
        const Mop& m = mops[i];
        if (m.kind != MopKind::kWrite) continue;
        auto [it, inserted] = writers_.try_emplace(Pack(m.key, m.value));
        if (!inserted) {
          return InvalidRequestError(absl::StrCat(
              history_.source, ": ", V(m.value), " is written to key ",
              K(m.key), " by both ", T(it->second.txn), " and ", T(t),
              "; rw-register needs unique values per key"));
        }
        it->second.txn = t;
        bool later = false;
        for (uint32_t j = i + 1; j < txns[t].mop_count; ++j) {
          later |= mops[j].kind == MopKind::kWrite && mops[j].key == m.key;
        }
        it->second.final = !later;
        writes_[m.key].push_back(m.value);
      }
    }
    for (auto& values : writes_) std::sort(values.begin(), values.end());
    return absl::OkStatus();
  }

  // One ok txn: its external reads, its internal consistency, the version
  // order its reads and writes show (what it read of a key before writing it
  // precedes the last value it wrote; its intermediate values are no
  // versions), and what it read from whom.
  void IndexTxn(int t) {
    const Txn& txn = table_.txns()[t];
    const Mop* mops = table_.mops(txn);
    struct Known {
      Known(uint32_t k, uint32_t v, bool read) : key(k), value(v), read(read) {}
      uint32_t key;
      uint32_t value;  // the key's value as this txn last saw or set it
      bool read;       // read before the txn wrote it: `external` is known
      bool wrote = false;
      uint32_t external = kNil;
    };
    std::vector<Known> known;
    absl::flat_hash_map<uint32_t, size_t> where;  // key -> index in `known`
    auto add = [&](Known k) {
      where[k.key] = known.size();
      known.push_back(std::move(k));
      return known.end() - 1;
    };
    for (uint32_t i = 0; i < txn.mop_count; ++i) {
      const Mop& m = mops[i];
      auto found = where.find(m.key);
      auto it =
          found == where.end() ? known.end() : known.begin() + found->second;
      if (m.kind == MopKind::kWrite) {
        if (it == known.end()) it = add(Known(m.key, 0, false));
        it->value = m.value;
        it->wrote = true;
        continue;
      }
      if (!m.read_known) continue;
      CheckRead(t, m);
      if (it == known.end()) {
        reads_[m.key].push_back({t, m.value});
        Known k(m.key, m.value, true);
        k.external = m.value;
        add(k);
      } else if (it->value != m.value) {
        Report("internal",
               absl::StrCat(T(t), " read key ", K(m.key), " = ", V(m.value),
                            " after it ", it->wrote ? "wrote" : "read", " ",
                            V(it->value)),
               {t});
      }
    }
    for (const Known& k : known) {
      if (k.read && k.wrote)
        versions_[k.key].push_back({k.external, k.value, t});
    }
  }

  // Garbage, aborted (G1a) and intermediate (G1b) reads.
  void CheckRead(int t, const Mop& m) {
    if (m.value == kNil) return;
    const Writer* w = FindWriter(m.key, m.value);
    if (w == nullptr) {
      Report("garbage-read",
             absl::StrCat(T(t), " read key ", K(m.key), " = ", V(m.value),
                          ", which no txn wrote"),
             {t});
      return;
    }
    if (w->txn == t) return;
    if (table_.txns()[w->txn].type == OpType::kFail) {
      Report("G1a",
             absl::StrCat(T(t), " read key ", K(m.key), " = ", V(m.value),
                          ", written by ", T(w->txn), ", which failed"),
             {t, w->txn});
    } else if (!w->final) {
      Report("G1b",
             absl::StrCat(T(t), " read key ", K(m.key), " = ", V(m.value),
                          ", an intermediate write of ", T(w->txn),
                          ", which wrote the key again after it"),
             {t, w->txn});
    }
  }

  // A cycle in a key's version order: no order of installs explains it.
  void CheckVersionCycle(uint32_t k) {
    const auto& edges = versions_[k];
    if (edges.empty()) return;
    std::map<uint32_t, std::vector<const VersionEdge*>> out;
    for (const VersionEdge& e : edges) out[e.from].push_back(&e);
    // Iterative depth-first search with colours: 1 on the path, 2 done.
    std::map<uint32_t, int> colour;
    for (const auto& [root, unused] : out) {
      if (colour[root] != 0) continue;
      std::vector<std::pair<uint32_t, size_t>> path = {{root, 0}};
      std::vector<const VersionEdge*> via;
      colour[root] = 1;
      while (!path.empty()) {
        auto& [v, next] = path.back();
        auto it = out.find(v);
        if (it == out.end() || next >= it->second.size()) {
          colour[v] = 2;
          path.pop_back();
          if (!via.empty()) via.pop_back();
          continue;
        }
        const VersionEdge* e = it->second[next++];
        if (colour[e->to] == 1) {
          ReportVersionCycle(k, path, via, e);
          return;
        }
        if (colour[e->to] == 0) {
          colour[e->to] = 1;
          via.push_back(e);
          path.push_back({e->to, 0});
        }
      }
    }
  }

  void ReportVersionCycle(uint32_t k,
                          const std::vector<std::pair<uint32_t, size_t>>& path,
                          const std::vector<const VersionEdge*>& via,
                          const VersionEdge* closing) {
    std::vector<const VersionEdge*> cycle;
    size_t start = 0;
    while (path[start].first != closing->to) ++start;
    for (size_t i = start; i < via.size(); ++i) cycle.push_back(via[i]);
    cycle.push_back(closing);
    std::vector<std::string> details;
    std::vector<int> txns;
    std::string chain = V(cycle.front()->from);
    for (const VersionEdge* e : cycle) {
      absl::StrAppend(&chain, " < ", V(e->to));
      details.push_back(VersionReason(k, *e));
      txns.push_back(e->source);
    }
    Report("cyclic-versions",
           absl::StrCat("key ", K(k), ": the inferred version order ", chain,
                        " is a cycle"),
           txns, details);
  }

  std::string VersionReason(uint32_t k, const VersionEdge& e) const {
    return absl::StrCat(T(e.source), " ",
                        e.from == kNil
                            ? "read nothing (nil) in key "
                            : absl::StrCat("had ", V(e.from), " in key "),
                        K(k), " and then wrote ", V(e.to));
  }

  // The versions that directly follow `v` in key k (for v = nil: also every
  // version with no known predecessor).
  std::vector<const VersionEdge*> Successors(uint32_t k, uint32_t v) const {
    const auto& edges = versions_[k];  // sorted by `from`
    auto lo = std::lower_bound(
        edges.begin(), edges.end(), v,
        [](const VersionEdge& e, uint32_t x) { return e.from < x; });
    std::vector<const VersionEdge*> out;
    for (auto it = lo; it != edges.end() && it->from == v; ++it) {
      out.push_back(&*it);
    }
    return out;
  }

  // Versions of key k with no known predecessor but nil, in value-id order.
  std::vector<uint32_t> FirstVersions(uint32_t k) const {
    std::vector<uint32_t> followers;
    for (const VersionEdge& e : versions_[k]) {
      if (e.from != kNil) followers.push_back(e.to);
    }
    std::sort(followers.begin(), followers.end());
    std::vector<uint32_t> firsts;
    for (uint32_t v : writes_[k]) {
      if (!std::binary_search(followers.begin(), followers.end(), v)) {
        firsts.push_back(v);
      }
      if (firsts.size() >= kFirstVersionsMax) break;
    }
    return firsts;
  }

  void AddEdges(uint32_t k, DepGraph* graph) {
    for (const VersionEdge& e : versions_[k]) {
      if (e.from == kNil) continue;
      int a = LiveWriter(k, e.from), b = LiveWriter(k, e.to);
      if (a >= 0 && b >= 0) graph->AddEdge(a, b, kWW);
    }
    bool nil_read = false;
    for (const ReadRef& r : reads_[k]) {
      if (r.value == kNil) {
        nil_read = true;
        continue;
      }
      int w = LiveWriter(k, r.value);
      if (w >= 0) graph->AddEdge(w, r.txn, kWR);
      for (const VersionEdge* e : Successors(k, r.value)) {
        int next = LiveWriter(k, e->to);
        if (next >= 0) graph->AddEdge(r.txn, next, kRW);
      }
    }
    if (!nil_read) return;
    const std::vector<uint32_t> firsts = FirstVersions(k);
    for (const ReadRef& r : reads_[k]) {
      if (r.value != kNil) continue;
      for (uint32_t v : firsts) {
        int next = LiveWriter(k, v);
        if (next >= 0) graph->AddEdge(r.txn, next, kRW);
      }
    }
  }

  std::string ExplainWw(uint32_t k, int from, int to) const {
    for (const VersionEdge& e : versions_[k]) {
      if (e.from == kNil || LiveWriter(k, e.from) != from ||
          LiveWriter(k, e.to) != to) {
        continue;
      }
      return absl::StrCat(T(from), " wrote ", V(e.from), " to key ", K(k),
                          " and ", T(to), " wrote ", V(e.to),
                          ", which came next: ", VersionReason(k, e));
    }
    return "";
  }

  std::string ExplainWr(uint32_t k, int from, int to) const {
    for (const ReadRef& r : reads_[k]) {
      if (r.txn != to || r.value == kNil || LiveWriter(k, r.value) != from) {
        continue;
      }
      return absl::StrCat(T(to), " read key ", K(k), " = ", V(r.value),
                          ", which ", T(from), " wrote");
    }
    return "";
  }

  std::string ExplainRw(uint32_t k, int from, int to) const {
    for (const ReadRef& r : reads_[k]) {
      if (r.txn != from) continue;
      if (r.value == kNil) {
        const Txn& txn = table_.txns()[to];
        const Mop* mops = table_.mops(txn);
        for (uint32_t i = 0; i < txn.mop_count; ++i) {
          if (mops[i].kind == MopKind::kWrite && mops[i].key == k) {
            return absl::StrCat(T(from), " read key ", K(k),
                                " = nil, before any version, and ", T(to),
                                " wrote ", V(mops[i].value));
          }
        }
        continue;
      }
      for (const VersionEdge* e : Successors(k, r.value)) {
        if (LiveWriter(k, e->to) != to) continue;
        return absl::StrCat(T(from), " read key ", K(k), " = ", V(r.value),
                            ", and ", T(to), " wrote ", V(e->to),
                            ", which came next: ", VersionReason(k, *e));
      }
    }
    return "";
  }

  const History& history_;
  const TxnTable& table_;
  std::vector<Anomaly>* anomalies_ = nullptr;
  absl::flat_hash_map<uint64_t, Writer> writers_;  // (key, value); lookups only
  std::vector<std::vector<VersionEdge>> versions_;  // per key
  std::vector<std::vector<ReadRef>> reads_;         // per key: external reads
  std::vector<std::vector<uint32_t>> writes_;       // per key: values, sorted
};

}  // namespace

std::unique_ptr<Inference> MakeRwRegisterInference(const History& history,
                                                   const TxnTable& table) {
  return std::make_unique<RwRegister>(history, table);
}

}  // namespace ekv::checkers
