#include "engine/mvcc/encoding.h"

#include <xxhash.h>

#include <cstring>

namespace ekv::mvcc {

void PutVarint64(std::string* out, uint64_t value) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}

void PutFixed64(std::string* out, uint64_t value) {
  for (int i = 0; i < 8; ++i) {
    out->push_back(static_cast<char>((value >> (8 * i)) & 0xff));
  }
}

void PutLengthPrefixed(std::string* out, absl::string_view bytes) {
  PutVarint64(out, bytes.size());
  out->append(bytes.data(), bytes.size());
}

void FixedWriter::Bytes(absl::string_view bytes) {
  if (bytes.empty()) return;  // memcpy wants valid pointers even for 0 bytes
  std::memcpy(at_, bytes.data(), bytes.size());
  at_ += bytes.size();
}

bool Decoder::GetVarint64(uint64_t* value) {
  uint64_t result = 0;
  // A u64 needs at most 10 groups of 7 bits; the tenth may only hold one bit.
  for (int shift = 0, i = 0; i < 10; ++i, shift += 7) {
    if (i >= static_cast<int>(input_.size())) return false;
    const auto byte = static_cast<uint8_t>(input_[i]);
    if (i == 9 && byte > 1) return false;
    result |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      input_.remove_prefix(i + 1);
      *value = result;
      return true;
    }
  }
  return false;
}

bool Decoder::GetFixed64(uint64_t* value) {
  if (input_.size() < 8) return false;
  uint64_t result = 0;
  for (int i = 0; i < 8; ++i) {
    result |= static_cast<uint64_t>(static_cast<uint8_t>(input_[i])) << (8 * i);
  }
  input_.remove_prefix(8);
  *value = result;
  return true;
}

bool Decoder::GetByte(uint8_t* value) {
  if (input_.empty()) return false;
  *value = static_cast<uint8_t>(input_[0]);
  input_.remove_prefix(1);
  return true;
}

bool Decoder::GetLengthPrefixed(absl::string_view* bytes) {
  uint64_t length = 0;
  if (!GetVarint64(&length) || length > input_.size()) return false;
  *bytes = input_.substr(0, length);
  input_.remove_prefix(length);
  return true;
}

uint64_t Checksum64(absl::string_view bytes) {
  return XXH64(bytes.data(), bytes.size(), 0);
}

void SealWithChecksum(std::string* out) { PutFixed64(out, Checksum64(*out)); }

bool OpenSealed(absl::string_view sealed, absl::string_view* body) {
  if (sealed.size() < 8) return false;
  const absl::string_view content = sealed.substr(0, sealed.size() - 8);
  Decoder trailer(sealed.substr(sealed.size() - 8));
  uint64_t expected = 0;
  if (!trailer.GetFixed64(&expected) || expected != Checksum64(content)) {
    return false;
  }
  *body = content;
  return true;
}

}  // namespace ekv::mvcc
