#include "engine/mvcc/encoding.h"

#include "gtest/gtest.h"
#include "rapidcheck.h"
#include "rapidcheck/gtest.h"

namespace ekv::mvcc {
namespace {

RC_GTEST_PROP(Encoding, VarintsAndStringsRoundTrip,
              (const std::vector<uint64_t>& numbers,
               const std::string& bytes)) {
  std::string out;
  for (uint64_t n : numbers) PutVarint64(&out, n);
  PutLengthPrefixed(&out, bytes);
  PutFixed64(&out, 0x0102030405060708u);
  Decoder in(out);
  for (uint64_t n : numbers) {
    uint64_t got = 0;
    RC_ASSERT(in.GetVarint64(&got));
    RC_ASSERT(got == n);
  }
  absl::string_view got_bytes;
  RC_ASSERT(in.GetLengthPrefixed(&got_bytes));
  RC_ASSERT(got_bytes == bytes);
  uint64_t fixed = 0;
  RC_ASSERT(in.GetFixed64(&fixed));
  RC_ASSERT(fixed == 0x0102030405060708u);
  RC_ASSERT(in.done());
}

// FixedWriter writes what the Put functions append, into exactly the bytes
// VarintLength and the sizes add up to.
RC_GTEST_PROP(Encoding, FixedWriterMatchesThePutFunctions,
              (const std::vector<std::pair<uint64_t, std::string>>& items)) {
  std::string expected;
  size_t size = 0;
  for (const auto& [number, bytes] : items) {
    PutVarint64(&expected, number);
    PutLengthPrefixed(&expected, bytes);
    expected.push_back(static_cast<char>(number & 0xff));
    size +=
        VarintLength(number) + VarintLength(bytes.size()) + bytes.size() + 1;
  }
  RC_ASSERT(size == expected.size());
  std::string got(size, '\0');
  FixedWriter out(got.data());
  for (const auto& [number, bytes] : items) {
    out.Varint64(number);
    out.LengthPrefixed(bytes);
    out.Byte(static_cast<uint8_t>(number & 0xff));
  }
  RC_ASSERT(out.position() == got.data() + got.size());
  RC_ASSERT(got == expected);
}

TEST(Encoding, VarintLengthAtEveryBoundary) {
  for (int bits = 0; bits <= 64; ++bits) {
    const uint64_t value =
        bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
    std::string out;
    PutVarint64(&out, value);
    EXPECT_EQ(VarintLength(value), out.size()) << value;
    if (bits < 64) {
      out.clear();
      PutVarint64(&out, value + 1);
      EXPECT_EQ(VarintLength(value + 1), out.size()) << value + 1;
    }
  }
}

RC_GTEST_PROP(Encoding, TruncatedInputIsRefusedNotOverread,
              (const std::string& bytes)) {
  std::string out;
  PutLengthPrefixed(&out, bytes);
  for (size_t cut = 0; cut < out.size(); ++cut) {
    Decoder in(absl::string_view(out).substr(0, cut));
    absl::string_view got;
    RC_ASSERT(!in.GetLengthPrefixed(&got));
  }
}

TEST(Encoding, OverlongVarintIsRefused) {
  const std::string eleven(11, '\xff');
  Decoder in(eleven);
  uint64_t value = 0;
  EXPECT_FALSE(in.GetVarint64(&value));
}

TEST(Encoding, SealedBytesDetectEveryFlippedBit) {
  std::string sealed = "some payload";
  SealWithChecksum(&sealed);
  absl::string_view body;
  ASSERT_TRUE(OpenSealed(sealed, &body));
  EXPECT_EQ(body, "some payload");
  for (size_t bit = 0; bit < sealed.size() * 8; ++bit) {
    std::string bad = sealed;
    bad[bit / 8] ^= static_cast<char>(1 << (bit % 8));
    EXPECT_FALSE(OpenSealed(bad, &body)) << bit;
  }
}

}  // namespace
}  // namespace ekv::mvcc
