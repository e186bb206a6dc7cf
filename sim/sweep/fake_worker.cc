// A worker for worker_pool_test: answers "ok X" with "done X"; "crash" aborts
// after a line on stderr; "hang" never answers; "quiet-exit" exits without
// answering.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

int main() {
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.rfind("ok ", 0) == 0) {
      std::cout << "done " << line.substr(3) << std::endl;
    } else if (line == "crash") {
      std::fprintf(stderr, "fake_worker: check failed: planted\n");
      std::abort();
    } else if (line == "hang") {
      for (;;) pause();
    } else if (line == "quiet-exit") {
      return 3;
    }
  }
  return 0;
}
