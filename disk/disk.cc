#include "disk/disk.h"

#include <utility>

namespace ekv {

absl::Status Disk::ReadInto(absl::string_view name, uint64_t offset,
                            uint64_t length, std::string* out) {
  absl::StatusOr<std::string> read = Read(name, offset, length);
  if (!read.ok()) return read.status();
  *out = std::move(read).value();
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadWholeFile(Disk& disk, absl::string_view name) {
  absl::StatusOr<uint64_t> size = disk.Size(name);
  if (!size.ok()) return size.status();
  return disk.Read(name, 0, *size);
}

}  // namespace ekv
