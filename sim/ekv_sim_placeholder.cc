// Stands in for ekv-sim until the simulator core lands, so `./ekv sim` says so plainly.
#include <cstdio>

int main() {
  std::fprintf(stderr,
               "ekv-sim: the simulator is not built yet (issue 3, the simulator "
               "core, is open)\n");
  return 2;
}
