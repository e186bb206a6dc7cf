// Cost of the history checkers (issue 6's targets):
//   BM_PorcupineCorpus      all 108 histories of ../shared/corpora/porcupine,
//                           checked one after another on one thread (parsing
//                           is done once, outside the timing); target < 0.1 s.
//   BM_ListAppend/100000    a generated list-append history of 100,000 txns,
//                           with real-time and process order; target < 2 s.
//   BM_ParseListAppendJson  reading that history back from JSON lines.
// Run from the workspace root (./ekv bench checkers), or set EKV_CORPORA_DIR.
#include <dirent.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "checkers/check.h"
#include "checkers/history_gen.h"
#include "checkers/history_io.h"

namespace ekv::checkers {
namespace {

double PeakRssMb() {
  rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
}

std::vector<std::string> ListDir(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      if (e->d_name[0] != '.') names.push_back(dir + "/" + e->d_name);
    }
    closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

// ../shared/corpora/porcupine from the current directory or an ancestor.
std::string CorpusDir() {
  if (const char* env = std::getenv("EKV_CORPORA_DIR")) {
    return std::string(env) + "/porcupine";
  }
  for (std::string dir = "."; dir.size() < 64; dir += "/..") {
    std::string candidate = dir + "/../shared/corpora/porcupine";
    if (!ListDir(candidate).empty()) return candidate;
  }
  return "";
}

struct Loaded {
  History history;
  CheckOptions options;
};

void BM_PorcupineCorpus(benchmark::State& state) {
  const std::string dir = CorpusDir();
  std::vector<Loaded> corpus;
  for (const char* sub : {"jepsen", "kv"}) {
    for (const std::string& path : ListDir(dir + "/" + sub)) {
      absl::StatusOr<History> h = ReadHistoryFile(path, HistoryFormat::kAuto);
      if (!h.ok()) {
        state.SkipWithError(std::string(h.status().message()).c_str());
        return;
      }
      Loaded l{std::move(*h), {}};
      l.options.model =
          sub[0] == 'j' ? CheckerModel::kCasRegister : CheckerModel::kKv;
      if (sub[0] == 'k') l.options.initial = Value::String("");
      corpus.push_back(std::move(l));
    }
  }
  if (corpus.size() < 108) {
    state.SkipWithError(
        "corpus not found: run from the workspace root or "
        "set EKV_CORPORA_DIR");
    return;
  }
  int64_t invalid = 0;
  for (auto _ : state) {
    invalid = 0;
    for (const Loaded& l : corpus) {
      invalid += Check(l.history, l.options)->verdict == Verdict::kInvalid;
    }
  }
  state.counters["histories"] = corpus.size();
  state.counters["invalid"] = invalid;  // 82 expected (VERDICTS.txt)
}
BENCHMARK(BM_PorcupineCorpus)->Unit(benchmark::kMillisecond);

History& ListAppendHistory(int txns) {
  static History* history = [txns] {
    TxnGenOptions o;
    o.txns = txns;
    o.processes = 10;
    o.keys = 10;
    return new History(BuildHistory(GenerateSerialTxns(1, o)));
  }();
  return *history;
}

void BM_ListAppend(benchmark::State& state) {
  const History& h = ListAppendHistory(state.range(0));
  CheckOptions options;
  options.model = CheckerModel::kListAppend;
  options.elle.realtime = true;
  options.elle.process_order = true;
  Verdict verdict = Verdict::kUnknown;
  for (auto _ : state) verdict = Check(h, options)->verdict;
  state.counters["txns"] = h.ops.size();
  state.counters["valid"] = verdict == Verdict::kValid;
  state.counters["peak_rss_mb"] = PeakRssMb();
}
BENCHMARK(BM_ListAppend)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_ParseListAppendJson(benchmark::State& state) {
  const std::string text = HistoryToJsonLines(ListAppendHistory(100000));
  for (auto _ : state) {
    benchmark::DoNotOptimize(ParseHistory(text, "bench", HistoryFormat::kJson));
  }
  state.SetBytesProcessed(state.iterations() * text.size());
  state.counters["peak_rss_mb"] = PeakRssMb();
}
BENCHMARK(BM_ParseListAppendJson)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace ekv::checkers
