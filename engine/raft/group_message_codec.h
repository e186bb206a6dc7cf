// The body of a PayloadTag::kRaft payload, a raftpb::GroupMessage, written
// and read without building a GroupMessage around the Raft message.
//
// Every Raft message sent takes this path. Wrapping a Message in a
// GroupMessage costs a heap Message, a swap and a destruction on each side;
// these functions write the same bytes straight from the Message and read
// them straight into one. The encoding is GroupMessage's wire format exactly,
// and decoding has the generated parser's semantics (fields in any order, a
// repeated message field merged, a repeated group_id last-wins, unknown
// fields skipped, and a malformed body rejected), so either end may use the
// generated class instead.
#ifndef EKV_ENGINE_RAFT_GROUP_MESSAGE_CODEC_H_
#define EKV_ENGINE_RAFT_GROUP_MESSAGE_CODEC_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "engine/proto/raft.pb.h"

namespace ekv::raft {

// PayloadTag::kRaft || GroupMessage{group_id, message} serialized.
std::string EncodeRaftPayload(uint64_t group_id,
                              const raftpb::Message& message);

// Parses a GroupMessage body (the payload after its tag byte) into
// `group_id` and `message` (cleared first). False when the body does not
// parse; then the outputs hold no meaning.
bool DecodeGroupMessage(absl::string_view body, uint64_t* group_id,
                        raftpb::Message* message);

}  // namespace ekv::raft

#endif  // EKV_ENGINE_RAFT_GROUP_MESSAGE_CODEC_H_
