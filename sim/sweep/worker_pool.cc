#include "sim/sweep/worker_pool.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/base/check.h"

namespace ekv::sweep {
namespace {

using SteadyClock = std::chrono::steady_clock;

struct Worker {
  pid_t pid = -1;
  int stdin_fd = -1;
  int stdout_fd = -1;
  int stderr_fd = -1;
  int64_t task = -1;  // index of the task it runs, -1 when idle
  SteadyClock::time_point task_started;
  std::string stdout_buffer;
  std::string stderr_tail;
};

void CloseFd(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

// Starts one worker; returns false only when fork or pipe fail.
bool Spawn(const std::vector<std::string>& argv, Worker& worker) {
  int in[2], out[2], err[2];
  if (pipe2(in, O_CLOEXEC) != 0) return false;
  if (pipe2(out, O_CLOEXEC) != 0) {
    close(in[0]), close(in[1]);
    return false;
  }
  if (pipe2(err, O_CLOEXEC) != 0) {
    close(in[0]), close(in[1]), close(out[0]), close(out[1]);
    return false;
  }
  const pid_t pid = fork();
  if (pid < 0) {
    for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) close(fd);
    return false;
  }
  if (pid == 0) {
    dup2(in[0], STDIN_FILENO);
    dup2(out[1], STDOUT_FILENO);
    dup2(err[1], STDERR_FILENO);
    std::vector<char*> args;
    for (const std::string& arg : argv)
      args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    const std::string message = absl::StrCat("worker: cannot run ", argv[0],
                                             ": ", std::strerror(errno), "\n");
    (void)!write(STDERR_FILENO, message.data(), message.size());
    _exit(127);
  }
  close(in[0]), close(out[1]), close(err[1]);
  worker = Worker{};
  worker.pid = pid;
  worker.stdin_fd = in[1];
  worker.stdout_fd = out[0];
  worker.stderr_fd = err[0];
  return true;
}

std::string DescribeWaitStatus(int status) {
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    return absl::StrCat("signal ", sig, " (", strsignal(sig), ")");
  }
  if (WIFEXITED(status)) return absl::StrCat("exit ", WEXITSTATUS(status));
  return "unknown end";
}

void KeepTail(std::string& tail, absl::string_view more, size_t bytes_max) {
  tail.append(more.data(), more.size());
  if (tail.size() > bytes_max) tail.erase(0, tail.size() - bytes_max);
}

// Ends the worker and reaps it; returns how it ended. What it wrote to stderr
// before it ended is kept in its tail: a worker that could not even start
// says why there, and often ends before its task is written.
std::string Reap(Worker& worker, bool kill_first,
                 size_t stderr_tail_bytes_max) {
  if (kill_first) kill(worker.pid, SIGKILL);
  CloseFd(worker.stdin_fd);
  CloseFd(worker.stdout_fd);
  int status = 0;
  while (waitpid(worker.pid, &status, 0) < 0 && errno == EINTR) {
  }
  worker.pid = -1;
  if (worker.stderr_fd >= 0) {
    // Non-blocking: a descendant of the worker may still hold the pipe open.
    fcntl(worker.stderr_fd, F_SETFL,
          fcntl(worker.stderr_fd, F_GETFL) | O_NONBLOCK);
    char buffer[4096];
    for (int reads = 0; reads < 64; ++reads) {  // bounded: the tail is small
      const ssize_t n = read(worker.stderr_fd, buffer, sizeof(buffer));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      KeepTail(worker.stderr_tail, absl::string_view(buffer, n),
               stderr_tail_bytes_max);
    }
  }
  CloseFd(worker.stderr_fd);
  return DescribeWaitStatus(status);
}

bool WriteAll(int fd, absl::string_view data) {
  while (!data.empty()) {
    const ssize_t n = write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

WorkerPool::WorkerPool(WorkerPoolOptions options)
    : options_(std::move(options)) {
  EKV_CHECK(!options_.worker_argv.empty());
  EKV_CHECK_GE(options_.jobs, 1);
  EKV_CHECK_GT(options_.task_timeout_ms, 0);
}

absl::Status WorkerPool::Run(
    const std::vector<std::string>& tasks,
    const std::function<void(size_t, const TaskOutcome&)>& on_outcome,
    const std::function<bool(size_t)>& should_start) {
  // A worker that dies while we write its task must not kill the sweep with
  // SIGPIPE.
  struct sigaction ignore_pipe {};
  struct sigaction previous_pipe {};
  ignore_pipe.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore_pipe, &previous_pipe);

  std::deque<size_t> pending;
  for (size_t i = 0; i < tasks.size(); ++i) pending.push_back(i);
  const size_t worker_count =
      std::min<size_t>(static_cast<size_t>(options_.jobs), tasks.size());
  std::vector<Worker> workers(worker_count);
  size_t reported = 0;

  auto finish = [&](Worker& worker, TaskOutcome outcome) {
    outcome.stderr_tail = worker.stderr_tail;
    const auto index = static_cast<size_t>(worker.task);
    worker.task = -1;
    ++reported;
    on_outcome(index, outcome);
  };
  // Ends a worker that failed; reports its task (if any) and forgets the
  // worker.
  auto bury = [&](Worker& worker, TaskOutcome::Kind kind) {
    const std::string how = Reap(worker, kind == TaskOutcome::Kind::kTimedOut,
                                 options_.stderr_tail_bytes_max);
    if (worker.task >= 0) {
      TaskOutcome outcome;
      outcome.kind = kind;
      outcome.how = kind == TaskOutcome::Kind::kTimedOut
                        ? absl::StrCat("timed out after ",
                                       options_.task_timeout_ms, " ms")
                        : how;
      finish(worker, std::move(outcome));
    }
  };

  while (reported < tasks.size()) {
    // Give every idle worker a task, starting workers where needed.
    for (Worker& worker : workers) {
      while (!pending.empty() && should_start &&
             !should_start(pending.front())) {
        pending.pop_front();
        ++reported;  // skipped
      }
      if (worker.task >= 0 || pending.empty()) continue;
      if (worker.pid < 0 && !Spawn(options_.worker_argv, worker)) {
        sigaction(SIGPIPE, &previous_pipe, nullptr);
        return absl::InternalError(
            absl::StrCat("cannot start a worker: ", std::strerror(errno)));
      }
      worker.task = static_cast<int64_t>(pending.front());
      pending.pop_front();
      worker.task_started = SteadyClock::now();
      if (!WriteAll(worker.stdin_fd, tasks[worker.task] + "\n")) {
        bury(worker, TaskOutcome::Kind::kCrashed);
      }
    }

    std::vector<pollfd> fds;
    std::vector<std::pair<Worker*, bool>> owners;  // (worker, is stdout)
    int timeout_ms = 1000;
    const auto now = SteadyClock::now();
    for (Worker& worker : workers) {
      if (worker.pid < 0) continue;
      fds.push_back({worker.stdout_fd, POLLIN, 0});
      owners.push_back({&worker, true});
      if (worker.stderr_fd >= 0) {
        fds.push_back({worker.stderr_fd, POLLIN, 0});
        owners.push_back({&worker, false});
      }
      if (worker.task >= 0) {
        const int64_t ran_ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(
                now - worker.task_started)
                .count();
        const int64_t left_ms = options_.task_timeout_ms - ran_ms;
        timeout_ms = static_cast<int>(
            std::max<int64_t>(0, std::min<int64_t>(timeout_ms, left_ms)));
      }
    }
    if (fds.empty()) continue;
    const int ready = poll(fds.data(), fds.size(), timeout_ms);
    if (ready < 0 && errno != EINTR) {
      sigaction(SIGPIPE, &previous_pipe, nullptr);
      return absl::InternalError(absl::StrCat("poll: ", std::strerror(errno)));
    }

    for (size_t i = 0; i < fds.size(); ++i) {
      Worker& worker = *owners[i].first;
      if (worker.pid < 0 || fds[i].revents == 0) continue;
      char buffer[65536];
      const ssize_t n = read(fds[i].fd, buffer, sizeof(buffer));
      if (n < 0 && errno == EINTR) continue;
      if (!owners[i].second) {
        if (n > 0) {
          KeepTail(worker.stderr_tail, absl::string_view(buffer, n),
                   options_.stderr_tail_bytes_max);
        } else {
          CloseFd(worker.stderr_fd);
        }
        continue;  // stdout's EOF is what tells us the worker ended
      }
      if (n <= 0) {
        // Reap keeps what the worker said last, so a crash report carries
        // its assertion.
        bury(worker, TaskOutcome::Kind::kCrashed);
        continue;
      }
      worker.stdout_buffer.append(buffer, static_cast<size_t>(n));
      size_t newline;
      while ((newline = worker.stdout_buffer.find('\n')) != std::string::npos) {
        std::string line = worker.stdout_buffer.substr(0, newline);
        worker.stdout_buffer.erase(0, newline + 1);
        if (worker.task < 0) continue;  // a stray line between tasks: ignored
        TaskOutcome outcome;
        outcome.line = std::move(line);
        finish(worker, std::move(outcome));
        worker.stderr_tail.clear();
      }
      if (worker.stdout_buffer.size() > options_.result_line_bytes_max) {
        bury(worker, TaskOutcome::Kind::kCrashed);
      }
    }

    const auto after = SteadyClock::now();
    for (Worker& worker : workers) {
      if (worker.pid < 0 || worker.task < 0) continue;
      if (after - worker.task_started >=
          std::chrono::milliseconds(options_.task_timeout_ms)) {
        bury(worker, TaskOutcome::Kind::kTimedOut);
      }
    }
  }

  for (Worker& worker : workers) {
    if (worker.pid >= 0)
      Reap(worker, /*kill_first=*/false, options_.stderr_tail_bytes_max);
  }
  sigaction(SIGPIPE, &previous_pipe, nullptr);
  return absl::OkStatus();
}

}  // namespace ekv::sweep
