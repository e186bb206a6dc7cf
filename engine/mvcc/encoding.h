// Little binary encoding helpers shared by the store's snapshot, the FSM's
// snapshot and the transaction codecs: LEB128 varints, length-prefixed byte
// strings, and a bounds-checked reader that never reads past its input.
//
// A Decoder returns false on truncated or malformed input and never crashes:
// everything it reads comes from disks or peers (bad input, not a bug).
#ifndef EKV_ENGINE_MVCC_ENCODING_H_
#define EKV_ENGINE_MVCC_ENCODING_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace ekv::mvcc {

void PutVarint64(std::string* out, uint64_t value);
void PutFixed64(std::string* out, uint64_t value);  // little-endian
void PutLengthPrefixed(std::string* out, absl::string_view bytes);

// Bytes PutVarint64 writes for `value`: 1 to 10.
inline size_t VarintLength(uint64_t value) {
  size_t length = 1;
  while (value >= 0x80) {
    value >>= 7;
    ++length;
  }
  return length;
}

// Writes the same encodings as the Put functions into memory sized up front
// (with VarintLength), so a large encoding, a whole store's snapshot, is made
// in one allocation instead of growing and copying its string as it goes.
// The caller owns the bounds: it sized the memory for what it writes.
class FixedWriter {
 public:
  explicit FixedWriter(char* at) : at_(at) {}

  void Varint64(uint64_t value) {
    while (value >= 0x80) {
      *at_++ = static_cast<char>((value & 0x7f) | 0x80);
      value >>= 7;
    }
    *at_++ = static_cast<char>(value);
  }
  void Byte(uint8_t value) { *at_++ = static_cast<char>(value); }
  void Bytes(absl::string_view bytes);
  void LengthPrefixed(absl::string_view bytes) {
    Varint64(bytes.size());
    Bytes(bytes);
  }

  char* position() const { return at_; }

 private:
  char* at_;
};

class Decoder {
 public:
  explicit Decoder(absl::string_view input) : input_(input) {}

  bool GetVarint64(uint64_t* value);
  bool GetFixed64(uint64_t* value);
  bool GetByte(uint8_t* value);
  // A view into the input; valid while the input is.
  bool GetLengthPrefixed(absl::string_view* bytes);

  bool done() const { return input_.empty(); }
  size_t remaining() const { return input_.size(); }

 private:
  absl::string_view input_;
};

// XXH64 of `bytes` with seed 0: the checksum of every snapshot and record.
uint64_t Checksum64(absl::string_view bytes);

// Appends the 8-byte checksum of everything in `out` so far.
void SealWithChecksum(std::string* out);

// Checks and strips the trailing checksum that SealWithChecksum appended.
// Returns false when the input is too short or the checksum does not match.
bool OpenSealed(absl::string_view sealed, absl::string_view* body);

}  // namespace ekv::mvcc

#endif  // EKV_ENGINE_MVCC_ENCODING_H_
