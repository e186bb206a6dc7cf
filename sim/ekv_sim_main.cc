// ekv-sim: the simulator's command line (sim/cli.h).
#include <cstdio>
#include <string>
#include <vector>

#include "sim/cli.h"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  return ekv::sim::SimMain(args, stdout, stderr);
}
