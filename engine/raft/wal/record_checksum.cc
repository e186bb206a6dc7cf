#include "engine/raft/wal/record_checksum.h"

// The state struct is public only with XXH_STATIC_LINKING_ONLY; it lets the
// checksum run over header and payload without copying them together.
#define XXH_STATIC_LINKING_ONLY
#include "xxhash.h"

namespace ekv::raft::wal {

uint64_t RecordChecksum(uint32_t length, uint8_t type,
                        absl::string_view payload) {
  XXH64_state_t state;
  XXH64_reset(&state, 0);
  const unsigned char header[5] = {
      static_cast<unsigned char>(length & 0xff),
      static_cast<unsigned char>((length >> 8) & 0xff),
      static_cast<unsigned char>((length >> 16) & 0xff),
      static_cast<unsigned char>((length >> 24) & 0xff), type};
  XXH64_update(&state, header, sizeof(header));
  XXH64_update(&state, payload.data(), payload.size());
  return XXH64_digest(&state);
}

}  // namespace ekv::raft::wal
