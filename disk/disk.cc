#include "disk/disk.h"

namespace ekv {

absl::StatusOr<std::string> ReadWholeFile(Disk& disk, absl::string_view name) {
  absl::StatusOr<uint64_t> size = disk.Size(name);
  if (!size.ok()) return size.status();
  return disk.Read(name, 0, *size);
}

}  // namespace ekv
