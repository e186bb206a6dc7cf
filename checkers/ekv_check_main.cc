// ekv-check: see checkers/cli.h.
#include <iostream>
#include <string>
#include <vector>

#include "checkers/cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return ekv::checkers::RunEkvCheck(args, std::cout, std::cerr);
}
