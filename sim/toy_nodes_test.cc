#include "sim/toy_nodes.h"

#include <set>

#include "disk/sim_disk.h"
#include "gtest/gtest.h"
#include "rapidcheck.h"
#include "rapidcheck/gtest.h"

namespace ekv::sim::toy {
namespace {

TEST(CounterRecords, RoundTripAndTornTail) {
  std::string file = EncodeCounterRecord(3) + EncodeCounterRecord(9);
  file += EncodeCounterRecord(10).substr(0, 7);
  const RecoveredCounter recovered = RecoverCounter(file);
  EXPECT_EQ(recovered.value, 9u);
  EXPECT_EQ(recovered.good_records, 2u);
  EXPECT_EQ(recovered.bad_records, 0u);
  EXPECT_EQ(recovered.tail_bytes, 7u);
}

// Corruption is caught by checksums: records written through a disk that
// corrupts sectors come back either intact, with a value that was written, or
// rejected; every corrupt write is rejected, none slips through.
RC_GTEST_PROP(CounterRecordProperties, CorruptionIsCaughtByChecksums,
              (uint64_t seed)) {
  sim::Trace trace;
  sim::Scheduler scheduler;
  DiskOptions options;
  options.disk_corrupt_write_rate = 0.2;
  SimDisk disk(1, Random(seed), options, &trace, &scheduler, nullptr);
  disk.set_corruptible(true);
  const int records = *rc::gen::inRange(1, 200);
  std::set<uint64_t> written;
  for (int i = 1; i <= records; ++i) {
    const uint64_t value = 1000 + static_cast<uint64_t>(i) * 7;
    RC_ASSERT(disk.Append("counter", EncodeCounterRecord(value)).ok());
    written.insert(value);
  }
  disk.set_corruptible(false);  // reads return what is stored
  const std::string file = *ReadWholeFile(disk, "counter");
  const RecoveredCounter recovered = RecoverCounter(file);
  RC_ASSERT(recovered.bad_records == disk.stats().corrupt_writes);
  RC_ASSERT(recovered.good_records + recovered.bad_records ==
            static_cast<uint64_t>(records));
  for (size_t at = 0; at + kCounterRecordBytes <= file.size();
       at += kCounterRecordBytes) {
    const RecoveredCounter one =
        RecoverCounter(file.substr(at, kCounterRecordBytes));
    if (one.good_records == 1) RC_ASSERT(written.count(one.value) == 1u);
  }
}

}  // namespace
}  // namespace ekv::sim::toy
