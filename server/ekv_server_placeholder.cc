// Stands in for ekv-server until the real server is built, so `./ekv server`
// says so.
#include <cstdio>

int main() {
  std::fprintf(
      stderr,
      "ekv-server: the real server is not built yet; the engine runs in the "
      "simulator first (./ekv sim)\n");
  return 2;
}
