#include "checkers/cli.h"

#include <time.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "checkers/check.h"
#include "checkers/history_io.h"
#include "checkers/html.h"
#include "checkers/json.h"

namespace ekv::checkers {
namespace {

constexpr char kUsage[] = R"(usage: ekv-check --model MODEL [options] FILE...

Checks each history FILE and prints one line per file: its verdict (valid,
invalid, unknown) and why. Exit code: 0 all valid, 1 some invalid, 3 some
undecided (none invalid), 2 bad flags or unreadable files.

models:
  register       linearizability of read/write registers, per key
  cas-register   linearizability of read/write/cas registers, per key
  kv             linearizability of a map: get, put, append, delete
  list-append    Elle-style anomalies of list-append transactions
  rw-register    Elle-style anomalies of read/write register transactions
  bank           every read of all balances sums to --total

options:
  --format F         auto (default), json, edn or jepsen (see checkers/history_io.h)
  --initial VALUE    value of unwritten keys, as JSON or nil (default nil);
                     Porcupine's kv histories read "" there: --initial '""'
  --explain          print each finding under its file's line
  --json             one JSON object per file instead of text
  --html DIR         write an HTML timeline of each history to DIR
  --threads N        search independent keys on N threads (default 1)
  --time-limit-s S   give up on a history after S seconds: unknown
  --steps-max N      give up on a key after N search steps: unknown
  --cache-mb-max N   give up on a key whose search cache outgrows N MiB
  --all-partitions   search every key to the end even after one fails
  --realtime         list-append/rw-register: add real-time order
  --process-order    list-append/rw-register: add each process's order
  --total N          bank: the sum of all balances
  --negative-ok      bank: allow negative balances
)";

struct Flags {
  CheckOptions check;
  HistoryFormat format = HistoryFormat::kAuto;
  bool explain = false;
  bool json = false;
  std::string html_dir;
  double time_limit_s = 0;
  bool model_given = false;
  bool total_given = false;
  std::vector<std::string> files;
};

double CpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

// Parses the flags; on error returns the message.
std::optional<std::string> ParseFlags(const std::vector<std::string>& args,
                                      Flags* flags) {
  for (size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    if (arg == "--") {
      flags->files.insert(flags->files.end(), args.begin() + i + 1, args.end());
      break;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      flags->files.push_back(arg);
      continue;
    }
    std::string value;
    bool has_value = false;
    if (size_t eq = arg.find('='); eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      has_value = true;
    }
    auto need_value = [&]() -> bool {
      if (has_value) return true;
      if (i + 1 >= args.size()) return false;
      value = args[++i];
      return true;
    };
    auto boolean = [&](bool* target) -> std::optional<std::string> {
      if (has_value) return absl::StrCat(arg, " takes no value");
      *target = true;
      return std::nullopt;
    };
    std::optional<std::string> error;
    if (arg == "--explain") {
      error = boolean(&flags->explain);
    } else if (arg == "--json") {
      error = boolean(&flags->json);
    } else if (arg == "--all-partitions") {
      bool all = false;
      error = boolean(&all);
      flags->check.linearizability.stop_at_first_invalid = !all;
    } else if (arg == "--realtime") {
      error = boolean(&flags->check.elle.realtime);
    } else if (arg == "--process-order") {
      error = boolean(&flags->check.elle.process_order);
    } else if (arg == "--negative-ok") {
      error = boolean(&flags->check.bank.negative_balances_allowed);
    } else if (arg == "--model" || arg == "--format" || arg == "--initial" ||
               arg == "--html" || arg == "--threads" ||
               arg == "--time-limit-s" || arg == "--steps-max" ||
               arg == "--cache-mb-max" || arg == "--total") {
      if (!need_value()) return absl::StrCat(arg, " needs a value");
      if (arg == "--model") {
        if (!ParseCheckerModel(value, &flags->check.model)) {
          return absl::StrCat("unknown model '", value, "'; one of: ",
                              absl::StrJoin(CheckerModelNames(), ", "));
        }
        flags->model_given = true;
      } else if (arg == "--format") {
        if (!ParseHistoryFormat(value, &flags->format)) {
          return absl::StrCat("unknown format '", value,
                              "'; one of: auto, json, edn, jepsen");
        }
      } else if (arg == "--initial") {
        if (value == "nil") {
          flags->check.initial = Value::Nil();
        } else {
          absl::StatusOr<Value> v = ParseJson(value, "--initial");
          if (!v.ok()) {
            return absl::StrCat("--initial takes JSON or nil: ",
                                v.status().message());
          }
          flags->check.initial = *v;
        }
      } else if (arg == "--html") {
        flags->html_dir = value;
      } else if (arg == "--threads") {
        int n;
        if (!absl::SimpleAtoi(value, &n) || n < 1 || n > 256) {
          return "--threads takes an integer from 1 to 256";
        }
        flags->check.linearizability.threads = n;
      } else if (arg == "--time-limit-s") {
        if (!absl::SimpleAtod(value, &flags->time_limit_s) ||
            !(flags->time_limit_s > 0)) {
          return "--time-limit-s takes a positive number of seconds";
        }
      } else if (arg == "--steps-max") {
        uint64_t n;
        if (!absl::SimpleAtoi(value, &n) || n == 0) {
          return "--steps-max takes a positive integer";
        }
        flags->check.linearizability.budget.steps_max = n;
      } else if (arg == "--cache-mb-max") {
        uint64_t n;
        if (!absl::SimpleAtoi(value, &n) || n == 0 || n > (1u << 20)) {
          return "--cache-mb-max takes a positive number of MiB";
        }
        flags->check.linearizability.budget.cache_bytes_max = n << 20;
      } else if (arg == "--total") {
        if (!absl::SimpleAtoi(value, &flags->check.bank.total)) {
          return "--total takes an integer";
        }
        flags->total_given = true;
      }
    } else {
      return absl::StrCat("unknown flag ", arg);
    }
    if (error.has_value()) return error;
  }
  if (!flags->model_given) return std::string("--model is required");
  if (flags->files.empty()) return std::string("no history files given");
  if (flags->check.model == CheckerModel::kBank && !flags->total_given) {
    return std::string("the bank model needs --total");
  }
  return std::nullopt;
}

// HTML file names: the input's base name, or its whole path when two inputs
// share a base name.
std::vector<std::string> HtmlNames(const std::vector<std::string>& files) {
  std::map<std::string, int> seen;
  auto base = [](const std::string& f) {
    size_t slash = f.find_last_of('/');
    return slash == std::string::npos ? f : f.substr(slash + 1);
  };
  for (const std::string& f : files) ++seen[base(f)];
  std::vector<std::string> names;
  for (const std::string& f : files) {
    std::string name = base(f);
    if (seen[name] > 1) {
      name = f;
      for (char& c : name) {
        if (c == '/') c = '_';
      }
    }
    names.push_back(name + ".html");
  }
  return names;
}

bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
  file.close();
  return static_cast<bool>(file);
}

}  // namespace

int RunEkvCheck(const std::vector<std::string>& args, std::ostream& out,
                std::ostream& err) {
  for (const std::string& a : args) {
    if (a == "-h" || a == "--help") {
      out << kUsage;
      return 0;
    }
  }
  Flags flags;
  if (std::optional<std::string> error = ParseFlags(args, &flags)) {
    err << "ekv-check: " << *error << "\n" << kUsage;
    return 2;
  }
  const std::vector<std::string> html_names = HtmlNames(flags.files);
  std::map<Verdict, int> verdicts;
  int errors = 0;
  double parse_s = 0, check_s = 0;
  const auto wall_start = std::chrono::steady_clock::now();
  for (size_t i = 0; i < flags.files.size(); ++i) {
    const std::string& file = flags.files[i];
    double t0 = CpuSeconds();
    absl::StatusOr<History> history = ReadHistoryFile(file, flags.format);
    double t1 = CpuSeconds();
    parse_s += t1 - t0;
    CheckOptions options = flags.check;
    if (flags.time_limit_s > 0) {
      const auto deadline =
          std::chrono::steady_clock::now() +
          std::chrono::duration_cast<std::chrono::steady_clock::duration>(
              std::chrono::duration<double>(flags.time_limit_s));
      options.linearizability.budget.out_of_time = [deadline] {
        return std::chrono::steady_clock::now() > deadline;
      };
    }
    absl::StatusOr<Report> report =
        history.ok() ? Check(*history, options) : history.status();
    check_s += CpuSeconds() - t1;
    if (!report.ok()) {
      ++errors;
      err << "ekv-check: " << report.status().message() << "\n";
      if (flags.json) {
        std::string line;
        JsonWriter w(&line);
        w.BeginObject().Key("source").String(file).Key("verdict").String(
            "error");
        w.Key("error").String(report.status().message()).EndObject();
        out << line << "\n";
      }
      continue;
    }
    ++verdicts[report->verdict];
    out << (flags.json ? ReportToJson(*report) + "\n"
                       : ReportToText(*report, flags.explain));
    if (!flags.html_dir.empty()) {
      const std::string path = flags.html_dir + "/" + html_names[i];
      if (!WriteFile(path, RenderHtml(*history, *report))) {
        ++errors;
        err << "ekv-check: cannot write " << path << "\n";
      }
    }
  }
  const double wall_s = std::chrono::duration<double>(
                            std::chrono::steady_clock::now() - wall_start)
                            .count();
  err << absl::StrFormat(
      "ekv-check: %d histories: %d valid, %d invalid, %d unknown, %d "
      "errors; CPU: parse %.3f s, check %.3f s; wall %.3f s\n",
      flags.files.size(), verdicts[Verdict::kValid],
      verdicts[Verdict::kInvalid], verdicts[Verdict::kUnknown], errors, parse_s,
      check_s, wall_s);
  if (errors > 0) return 2;
  if (verdicts[Verdict::kInvalid] > 0) return 1;
  if (verdicts[Verdict::kUnknown] > 0) return 3;
  return 0;
}

}  // namespace ekv::checkers
