#include "engine/raft/wal/record_checksum.h"

#include "xxhash.h"

namespace ekv::raft::wal {

uint64_t RecordChecksum(uint32_t length, uint8_t type,
                        absl::string_view payload) {
  // The header rides in the seed: one pass over the payload, no streaming
  // state (XXH3 is several times faster than XXH64 on records this small).
  const uint64_t header_seed = (uint64_t{length} << 8) | type;
  return XXH3_64bits_withSeed(payload.data(), payload.size(), header_seed);
}

}  // namespace ekv::raft::wal
