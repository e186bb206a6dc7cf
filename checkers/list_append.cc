// Inference for list-append histories.
//
// A read of a key returns the whole list of values appended to it, in order,
// so the longest read of a key gives its version order and every other read
// must be a prefix of it. From that order: ww edges join successive appends,
// wr edges join the writer of a read's last element to the reader, and rw edges
// join a reader to the writer of the element right after the ones it saw.
#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "checkers/elle_inference.h"
#include "engine/base/status.h"

namespace ekv::checkers {
namespace {

uint64_t Pack(uint32_t key, uint32_t value) {
  return (static_cast<uint64_t>(key) << 32) | value;
}

struct Writer {
  int txn = -1;
  bool final = false;     // the txn's last append to the key
  int32_t position = -1;  // index in the key's version order; -1: not seen
};

struct ReadRef {
  int txn;
  uint32_t mop;   // index into the txn's mops
  bool external;  // before any append of the key by the same txn
};

class ListAppend : public Inference {
 public:
  ListAppend(const History& history, const TxnTable& table)
      : history_(history),
        table_(table),
        reads_(table.key_count()),
        order_(table.key_count()),
        longest_(table.key_count(), -1) {}

  absl::Status Run(DepGraph* graph, std::vector<Anomaly>* anomalies) override {
    anomalies_ = anomalies;
    EKV_RETURN_IF_ERROR(IndexAppends());
    const auto& txns = table_.txns();
    for (int t = 0; t < static_cast<int>(txns.size()); ++t) {
      if (txns[t].type == OpType::kOk) IndexReads(t);
    }
    for (uint32_t k = 0; k < table_.key_count(); ++k) OrderKey(k);
    std::sort(incompatible_.begin(), incompatible_.end());
    for (uint32_t k = 0; k < table_.key_count(); ++k) AddEdges(k, graph);
    return absl::OkStatus();
  }

  std::string Explain(int from, int to, uint8_t type) const override {
    switch (type) {
      case kWW:
        return ExplainWw(from, to);
      case kWR:
        return ExplainWr(from, to);
      case kRW:
        return ExplainRw(from, to);
    }
    return "?";
  }

 private:
  std::string T(int txn) const { return TxnName(history_, table_, txn); }
  std::string V(uint32_t value) const { return table_.value(value).ToText(); }
  std::string K(uint32_t key) const { return table_.key(key).ToText(); }
  const Mop& MopOf(const ReadRef& r) const {
    return table_.mops(table_.txns()[r.txn])[r.mop];
  }
  const Writer* FindWriter(uint32_t key, uint32_t value) const {
    auto it = writers_.find(Pack(key, value));
    return it == writers_.end() ? nullptr : &it->second;
  }
  // A writer that can take part in dependencies: known and not failed.
  int LiveWriter(uint32_t key, uint32_t value) const {
    const Writer* w = FindWriter(key, value);
    if (w == nullptr) return -1;
    return table_.txns()[w->txn].type == OpType::kFail ? -1 : w->txn;
  }

  void Report(std::string kind, std::string summary,
              std::vector<std::string> details, std::vector<int> txns) {
    Anomaly a;
    a.kind = std::move(kind);
    a.summary = std::move(summary);
    a.details = std::move(details);
    for (int t : txns) a.ops.push_back(table_.txns()[t].op);
    anomalies_->push_back(std::move(a));
  }

  absl::Status IndexAppends() {
    const auto& txns = table_.txns();
    for (int t = 0; t < static_cast<int>(txns.size()); ++t) {
      const Mop* mops = table_.mops(txns[t]);
      for (uint32_t i = txns[t].mop_count; i-- > 0;) {
        const Mop& m = mops[i];
        if (m.kind != MopKind::kAppend) continue;
        auto [it, inserted] = writers_.try_emplace(Pack(m.key, m.value));
        if (!inserted) {
          return InvalidRequestError(absl::StrCat(
              history_.source, ": ", V(m.value), " is appended to key ",
              K(m.key), " by both ", T(it->second.txn), " and ", T(t),
              "; list-append needs unique values per key"));
        }
        it->second.txn = t;
        // Scanning backwards, the first append of a key seen is the last.
        bool later = false;
        for (uint32_t j = i + 1; j < txns[t].mop_count; ++j) {
          later |= mops[j].kind == MopKind::kAppend && mops[j].key == m.key;
        }
        it->second.final = !later;
      }
    }
    return absl::OkStatus();
  }

  // Records the reads of ok txn `t`, and checks them against its own earlier
  // reads and appends of the same key.
  void IndexReads(int t) {
    const Txn& txn = table_.txns()[t];
    const Mop* mops = table_.mops(txn);
    // Per key: what this txn knows of it so far.
    struct Known {
      explicit Known(uint32_t k) : key(k) {}
      uint32_t key;
      bool read = false;           // `list` is a full read, plus later appends
      bool appended = false;       // the txn appended to the key already
      std::vector<uint32_t> list;  // if !read: the appends so far
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
      if (m.kind == MopKind::kAppend) {
        if (it == known.end()) it = add(Known(m.key));
        it->appended = true;
        it->list.push_back(m.value);
        continue;
      }
      if (!m.read_known) continue;
      reads_[m.key].push_back({t, i, it == known.end() || !it->appended});
      const absl::Span<const uint32_t> got(table_.elements(m), m.length);
      if (it != known.end()) CheckInternal(t, m, *it, got);
      if (it == known.end()) it = add(Known(m.key));
      it->read = true;
      it->list.assign(got.begin(), got.end());
    }
  }

  template <typename KnownKey>
  void CheckInternal(int t, const Mop& m, const KnownKey& known,
                     absl::Span<const uint32_t> got) {
    const absl::Span<const uint32_t> list(known.list);
    const bool consistent =
        known.read
            ? got == list
            : got.size() >= list.size() &&
                  std::equal(list.begin(), list.end(), got.end() - list.size());
    if (consistent) return;
    const std::string expected =
        known.read ? Render(list)
                   : absl::StrCat("a list ending with ", Render(list));
    Report(
        "internal",
        absl::StrCat(T(t), " read ", K(m.key), " = ", Render(got),
                     " but its own earlier reads and appends imply ", expected),
        {}, {t});
  }

  std::string Render(absl::Span<const uint32_t> list) const {
    std::string out = "[";
    for (size_t i = 0; i < list.size(); ++i) {
      absl::StrAppend(&out, i > 0 ? " " : "", V(list[i]));
    }
    return out + "]";
  }

  // Picks the key's version order (its longest read), checks every read is a
  // prefix of it, and checks the elements read.
  void OrderKey(uint32_t k) {
    const std::vector<ReadRef>& reads = reads_[k];
    if (reads.empty()) return;
    size_t best = 0;
    for (size_t i = 1; i < reads.size(); ++i) {
      if (MopOf(reads[i]).length > MopOf(reads[best]).length) best = i;
    }
    longest_[k] = static_cast<int>(best);
    const Mop& lm = MopOf(reads[best]);
    const uint32_t* order = table_.elements(lm);
    order_[k].assign(order, order + lm.length);
    CheckElements(k, reads[best], /*in_order=*/true);
    for (size_t i = 0; i < reads.size(); ++i) {
      const Mop& m = MopOf(reads[i]);
      const uint32_t* e = table_.elements(m);
      if (std::equal(e, e + m.length, order)) continue;
      incompatible_.push_back(Pack(reads[i].txn, reads[i].mop));
      Report("incompatible-order",
             absl::StrCat("key ", K(k), ": ", T(reads[i].txn), " ",
                          DescribeMop(table_, m), " is not a prefix of ",
                          T(reads[best].txn), " ", DescribeMop(table_, lm)),
             {}, {reads[i].txn, reads[best].txn});
      CheckElements(k, reads[i], /*in_order=*/false);
    }
  }

  // Garbage, aborted (G1a) and duplicate elements of one read. With
  // `in_order`, the read is the version order and positions are recorded.
  void CheckElements(uint32_t k, const ReadRef& r, bool in_order) {
    const Mop& m = MopOf(r);
    const uint32_t* e = table_.elements(m);
    for (uint32_t p = 0; p < m.length; ++p) {
      auto it = writers_.find(Pack(k, e[p]));
      if (it == writers_.end()) {
        Report("garbage-read",
               absl::StrCat(T(r.txn), " read ", V(e[p]), " in key ", K(k),
                            ", which no txn appended"),
               {}, {r.txn});
        continue;
      }
      Writer& w = it->second;
      if (w.position >= 0) {
        // Seen before: in the order already, or twice in this read.
        if (in_order) {
          Report("duplicate-elements",
                 absl::StrCat(T(r.txn), " read key ", K(k), " with ", V(e[p]),
                              " (appended once, by ", T(w.txn),
                              ") at positions ", w.position, " and ", p),
                 {}, {r.txn, w.txn});
        }
        continue;
      }
      if (table_.txns()[w.txn].type == OpType::kFail) {
        Report("G1a",
               absl::StrCat(T(r.txn), " read ", V(e[p]), " in key ", K(k),
                            ", appended by ", T(w.txn), ", which failed"),
               {}, {r.txn, w.txn});
      }
      if (!in_order) continue;
      w.position = static_cast<int32_t>(p);
    }
  }

  bool Incompatible(const ReadRef& r) const {
    return std::binary_search(incompatible_.begin(), incompatible_.end(),
                              Pack(r.txn, r.mop));
  }

  void AddEdges(uint32_t k, DepGraph* graph) {
    const std::vector<uint32_t>& order = order_[k];
    for (size_t p = 0; p + 1 < order.size(); ++p) {
      int a = LiveWriter(k, order[p]), b = LiveWriter(k, order[p + 1]);
      if (a >= 0 && b >= 0) graph->AddEdge(a, b, kWW);
    }
    for (const ReadRef& r : reads_[k]) {
      if (!r.external) continue;
      const Mop& m = MopOf(r);
      if (m.length > 0) {
        const uint32_t last = table_.elements(m)[m.length - 1];
        int w = LiveWriter(k, last);
        if (w >= 0) graph->AddEdge(w, r.txn, kWR);
        const Writer* writer = FindWriter(k, last);
        if (writer != nullptr && writer->txn != r.txn && !writer->final &&
            table_.txns()[writer->txn].type != OpType::kFail) {
          Report("G1b",
                 absl::StrCat(T(r.txn), " read key ", K(k), " ending with ",
                              V(last), ", an intermediate append of ",
                              T(writer->txn),
                              ", which appended to the key again after it"),
                 {}, {r.txn, writer->txn});
        }
      }
      if (Incompatible(r) || m.length >= order.size()) continue;
      int next = LiveWriter(k, order[m.length]);
      // A read that stopped between two appends of one txn is a G1b; the
      // writer is already its wr source, and no other txn comes between.
      if (m.length > 0 && next == LiveWriter(k, order[m.length - 1])) continue;
      if (next >= 0) graph->AddEdge(r.txn, next, kRW);
    }
  }

  // Where the version order of key k comes from, for explanations.
  std::string OrderSource(uint32_t k) const {
    const ReadRef& r = reads_[k][longest_[k]];
    return absl::StrCat("the order of key ", K(k), " is that of the read by ",
                        T(r.txn));
  }

  std::string ExplainWw(int from, int to) const {
    const Txn& txn = table_.txns()[from];
    const Mop* mops = table_.mops(txn);
    for (uint32_t i = 0; i < txn.mop_count; ++i) {
      if (mops[i].kind != MopKind::kAppend) continue;
      const Writer* w = FindWriter(mops[i].key, mops[i].value);
      const std::vector<uint32_t>& order = order_[mops[i].key];
      if (w == nullptr || w->position < 0 ||
          static_cast<size_t>(w->position) + 1 >= order.size()) {
        continue;
      }
      uint32_t next = order[w->position + 1];
      if (LiveWriter(mops[i].key, next) != to) continue;
      return absl::StrCat(T(from), " appended ", V(mops[i].value), " to ",
                          K(mops[i].key), " and ", T(to), " appended ", V(next),
                          " right after it (", OrderSource(mops[i].key), ")");
    }
    return "?";
  }

  std::string ExplainWr(int from, int to) const {
    for (const ReadRef& r : ExternalReads(to)) {
      const Mop& m = MopOf(r);
      if (m.length == 0) continue;
      uint32_t last = table_.elements(m)[m.length - 1];
      if (LiveWriter(m.key, last) != from) continue;
      return absl::StrCat(T(to), " ", DescribeMop(table_, m),
                          ", whose last element ", V(last), " ", T(from),
                          " appended");
    }
    return "?";
  }

  std::string ExplainRw(int from, int to) const {
    for (const ReadRef& r : ExternalReads(from)) {
      const Mop& m = MopOf(r);
      const std::vector<uint32_t>& order = order_[m.key];
      if (Incompatible(r) || m.length >= order.size()) continue;
      uint32_t next = order[m.length];
      if (LiveWriter(m.key, next) != to) continue;
      return absl::StrCat(T(from), " ", DescribeMop(table_, m), ", without ",
                          V(next), ", which ", T(to), " appended next (",
                          OrderSource(m.key), ")");
    }
    return "?";
  }

  std::vector<ReadRef> ExternalReads(int t) const {
    std::vector<ReadRef> out;
    const Txn& txn = table_.txns()[t];
    const Mop* mops = table_.mops(txn);
    for (uint32_t i = 0; i < txn.mop_count; ++i) {
      if (mops[i].kind != MopKind::kRead || !mops[i].read_known) continue;
      bool appended_before = false;
      for (uint32_t j = 0; j < i; ++j) {
        appended_before |=
            mops[j].kind == MopKind::kAppend && mops[j].key == mops[i].key;
      }
      if (!appended_before) out.push_back({t, i, true});
    }
    return out;
  }

  const History& history_;
  const TxnTable& table_;
  std::vector<Anomaly>* anomalies_ = nullptr;
  absl::flat_hash_map<uint64_t, Writer> writers_;  // (key, value); lookups only
  std::vector<std::vector<ReadRef>> reads_;        // per key
  std::vector<std::vector<uint32_t>> order_;       // per key: version order
  std::vector<int> longest_;                       // per key: index in reads_
  std::vector<uint64_t> incompatible_;             // (txn, mop), sorted
};

}  // namespace

std::unique_ptr<Inference> MakeListAppendInference(const History& history,
                                                   const TxnTable& table) {
  return std::make_unique<ListAppend>(history, table);
}

std::string TxnName(const History& history, const TxnTable& table, int txn) {
  const Operation& op = history.ops[table.txns()[txn].op];
  return absl::StrCat("T", op.index, " (", op.Where(), ", p", op.process, ")");
}

}  // namespace ekv::checkers
