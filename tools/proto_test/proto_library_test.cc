#include <string>

#include "gtest/gtest.h"
#include "tools/proto_test/segment.pb.h"

namespace ekv::proto_test {
namespace {

TEST(EkvProtoLibrary, GeneratedMessagesRoundTripThroughBytes) {
  Segment segment;
  segment.mutable_from()->set_x(-3);
  segment.mutable_to()->set_y(7);
  segment.set_label("diagonal");
  std::string bytes;
  ASSERT_TRUE(segment.SerializeToString(&bytes));

  Segment parsed;
  ASSERT_TRUE(parsed.ParseFromString(bytes));
  EXPECT_EQ(parsed.from().x(), -3);
  EXPECT_EQ(parsed.to().y(), 7);
  EXPECT_EQ(parsed.label(), "diagonal");
}

TEST(EkvProtoLibrary, MalformedBytesFailToParse) {
  Segment parsed;
  EXPECT_FALSE(parsed.ParseFromString(std::string("\x0a\xff\xff\xff", 4)));
}

}  // namespace
}  // namespace ekv::proto_test
