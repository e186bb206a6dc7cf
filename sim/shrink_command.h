// `ekv-sim shrink --seed S [RUN FLAGS] [--runs_max 200]`: finds a smaller
// configuration of a failing run (sim/shrink.h) and prints it as a command that
// reproduces it. Each candidate runs in a child process (`ekv-sim worker`), so
// a crash is an outcome. Exit codes: 0 shrunk (or already minimal), 1 the seed
// does not fail, 2 bad flags.
#ifndef EKV_SIM_SHRINK_COMMAND_H_
#define EKV_SIM_SHRINK_COMMAND_H_

#include <cstdio>
#include <string>
#include <vector>

namespace ekv::sim {

int ShrinkMain(const std::vector<std::string>& args, std::FILE* out,
               std::FILE* err);

}  // namespace ekv::sim

#endif  // EKV_SIM_SHRINK_COMMAND_H_
