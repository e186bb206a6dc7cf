#include "sim/nemesis.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/base/check.h"

namespace ekv::sim {

const char* Nemesis::KindName(Kind kind) {
  switch (kind) {
    case Kind::kPartitionHalves:
      return "partition_halves";
    case Kind::kPartitionIsolate:
      return "partition_isolate";
    case Kind::kPartitionLeader:
      return "partition_leader";
    case Kind::kPartitionBridge:
      return "partition_bridge";
    case Kind::kPartitionOneway:
      return "partition_oneway";
    case Kind::kClog:
      return "clog";
    case Kind::kCrash:
      return "crash";
    case Kind::kPause:
      return "pause";
    case Kind::kClockJump:
      return "clock_jump";
    case Kind::kDiskFull:
      return "disk_full";
    case Kind::kHealPartition:
      return "heal_partition";
    case Kind::kRestart:
      return "restart";
    case Kind::kDiskFullEnd:
      return "disk_full_end";
    case Kind::kHealAll:
      return "heal_all";
    case Kind::kCrashInWrite:
      return "crash_in_write";
    case Kind::kTransferLeader:
      return "transfer_leader";
  }
  return "?";
}

Nemesis::Nemesis(World* world, LeaderFn leader, TransferFn transfer)
    : world_(world),
      leader_(std::move(leader)),
      transfer_(std::move(transfer)),
      random_(Random::ForStream(world->seed(), "nemesis")) {
  const SimOptions& o = world->options();
  const std::pair<bool, Kind> switches[] = {
      {o.nemesis_partition_halves, Kind::kPartitionHalves},
      {o.nemesis_partition_isolate, Kind::kPartitionIsolate},
      {o.nemesis_partition_leader, Kind::kPartitionLeader},
      {o.nemesis_partition_bridge, Kind::kPartitionBridge},
      {o.nemesis_partition_oneway, Kind::kPartitionOneway},
      {o.nemesis_clog, Kind::kClog},
      {o.nemesis_crash, Kind::kCrash},
      {o.nemesis_pause, Kind::kPause},
      {o.nemesis_clock_jump, Kind::kClockJump},
      {o.nemesis_disk_full, Kind::kDiskFull},
      {o.nemesis_crash_in_write, Kind::kCrashInWrite},
      {o.nemesis_transfer_leader && transfer_ != nullptr && leader_ != nullptr,
       Kind::kTransferLeader},
  };
  for (const auto& [on, kind] : switches) {
    if (on) kinds_.push_back(kind);
  }
}

uint64_t Nemesis::injected_total() const {
  uint64_t total = 0;
  for (const auto& [name, count] : injected_) total += count;
  return total;
}

void Nemesis::Start() {
  EKV_CHECK(!started_);
  started_ = true;
  const int64_t end = world_->options().faults_end_ns();
  world_->At(std::max(end, world_->now_ns()), [this] { HealAll(); });
  if (!kinds_.empty()) Next();
}

void Nemesis::Next() {
  const int64_t delay = static_cast<int64_t>(random_.Exponential(
      static_cast<double>(world_->options().nemesis_interval_ns_mean)));
  const int64_t at = world_->now_ns() + delay;
  if (at >= world_->options().faults_end_ns()) return;
  if (static_cast<int64_t>(injected_total()) >=
      world_->options().nemesis_faults_max) {
    return;
  }
  world_->At(at, [this] {
    Inject(kinds_[random_.Uniform(kinds_.size())]);
    Next();
  });
}

// Up to nemesis_fault_ns_max, and over before the liveness phase.
int64_t Nemesis::DrawDuration() {
  const int64_t left = world_->options().faults_end_ns() - world_->now_ns();
  const int64_t longest = std::max<int64_t>(
      1, std::min(world_->options().nemesis_fault_ns_max, left));
  return random_.UniformRange(1, longest);
}

void Nemesis::Record(Kind kind, uint64_t a, uint64_t b) {
  world_->trace().Fold(TraceKind::kFault, world_->now_ns(),
                       static_cast<uint32_t>(kind), a, b);
  if (world_->trace().logging()) {
    world_->trace().Log(world_->now_ns(),
                        absl::StrCat("fault ", KindName(kind), " ", a, " ", b));
  }
}

std::vector<EndpointId> Nemesis::UpNodes(bool unpaused_only) const {
  std::vector<EndpointId> out;
  for (EndpointId id : world_->nodes()) {
    if (world_->IsUp(id) && !(unpaused_only && world_->IsPaused(id))) {
      out.push_back(id);
    }
  }
  return out;
}

void Nemesis::Inject(Kind kind) {
  const std::vector<EndpointId>& nodes = world_->nodes();
  switch (kind) {
    case Kind::kPartitionHalves:
    case Kind::kPartitionIsolate:
    case Kind::kPartitionLeader:
    case Kind::kPartitionBridge:
    case Kind::kPartitionOneway:
      return Partition(kind);
    case Kind::kClog: {
      if (nodes.size() < 2) return;
      const size_t from_index = random_.Uniform(nodes.size());
      size_t to_index = random_.Uniform(nodes.size() - 1);
      if (to_index >= from_index) ++to_index;
      const EndpointId from = nodes[from_index];
      const EndpointId to = nodes[to_index];
      const int64_t until = world_->now_ns() + DrawDuration();
      world_->network().Clog(from, to, until);
      Record(kind, (uint64_t{from} << 32) | to, until);
      break;
    }
    case Kind::kCrash: {
      const std::vector<EndpointId> up = UpNodes(false);
      if (up.empty()) return;
      const EndpointId id = up[random_.Uniform(up.size())];
      CrashFor(id, DrawDuration());
      break;
    }
    case Kind::kTransferLeader: {
      const std::optional<EndpointId> leader = leader_();
      if (!leader.has_value() || !world_->IsUp(*leader)) return;
      std::vector<EndpointId> others;
      for (EndpointId id : UpNodes(true)) {
        if (id != *leader) others.push_back(id);
      }
      if (others.empty()) return;
      const EndpointId to = others[random_.Uniform(others.size())];
      Record(kind, *leader, to);
      transfer_(*leader, to);
      break;
    }
    case Kind::kCrashInWrite: {
      const std::vector<EndpointId> up = UpNodes(false);
      if (up.empty()) return;
      const EndpointId id = up[random_.Uniform(up.size())];
      const int64_t down_ns = DrawDuration();
      Record(kind, id);
      // The cut happens inside the node's own disk call: its crash must wait
      // for the event to end.
      world_->disk(id)->CutPowerAtNextAppend([this, id, down_ns] {
        world_->At(world_->now_ns(), [this, id, down_ns] {
          if (world_->IsUp(id)) CrashFor(id, healed_ ? 0 : down_ns);
        });
      });
      break;
    }
    case Kind::kPause: {
      const std::vector<EndpointId> up = UpNodes(true);
      if (up.empty()) return;
      const EndpointId id = up[random_.Uniform(up.size())];
      const int64_t duration = DrawDuration();
      world_->Pause(id, duration);
      Record(kind, id, duration);
      break;
    }
    case Kind::kClockJump: {
      const EndpointId id = nodes[random_.Uniform(nodes.size())];
      const int64_t bound = world_->clock(id).params().offset_ns_max;
      const int64_t offset = random_.UniformRange(-bound, bound);
      world_->clock(id).JumpWall(offset);
      Record(kind, id, static_cast<uint64_t>(offset));
      break;
    }
    case Kind::kDiskFull: {
      const EndpointId id = nodes[random_.Uniform(nodes.size())];
      world_->disk(id)->set_full(true);
      Record(kind, id);
      world_->After(DrawDuration(), [this, id] {
        world_->disk(id)->set_full(false);
        Record(Kind::kDiskFullEnd, id);
      });
      break;
    }
    default:
      EKV_UNREACHABLE() << static_cast<uint32_t>(kind);
  }
  ++injected_[KindName(kind)];
}

void Nemesis::CrashFor(EndpointId id, int64_t down_ns) {
  world_->Crash(id);
  Record(Kind::kCrash, id);
  world_->After(down_ns, [this, id] {
    if (world_->IsUp(id)) return;
    world_->Restart(id);
    Record(Kind::kRestart, id);
  });
}

void Nemesis::Partition(Kind kind) {
  std::vector<EndpointId> nodes = world_->nodes();
  if (partition_active_ || nodes.size() < 2) return;
  if (kind == Kind::kPartitionBridge && nodes.size() < 3) return;
  random_.Shuffle(nodes);
  std::vector<EndpointId> side_a;
  std::vector<EndpointId> side_b;
  std::optional<EndpointId> isolated;
  if (kind == Kind::kPartitionLeader && leader_) isolated = leader_();
  if (kind == Kind::kPartitionIsolate ||
      (kind == Kind::kPartitionLeader &&
       !(isolated && world_->IsNode(*isolated)))) {
    isolated = nodes[0];
  }
  if (isolated) {
    side_a = {*isolated};
    for (EndpointId id : nodes) {
      if (id != *isolated) side_b.push_back(id);
    }
  } else if (kind == Kind::kPartitionBridge) {
    // nodes[0] is the bridge: it keeps both sides, which cannot reach each
    // other.
    const size_t split = 1 + random_.Uniform(nodes.size() - 2);
    side_a.assign(nodes.begin() + 1, nodes.begin() + 1 + split);
    side_b.assign(nodes.begin() + 1 + split, nodes.end());
  } else {
    const size_t split = 1 + random_.Uniform(nodes.size() - 1);
    side_a.assign(nodes.begin(), nodes.begin() + split);
    side_b.assign(nodes.begin() + split, nodes.end());
  }
  world_->network().Block(side_a, side_b, kind == Kind::kPartitionOneway);
  partition_active_ = true;
  const uint64_t serial = ++partition_serial_;
  Record(kind, side_a.size(), side_b.size());
  if (world_->trace().logging()) {
    world_->trace().Log(world_->now_ns(),
                        absl::StrCat("partition {", absl::StrJoin(side_a, ","),
                                     "} | {", absl::StrJoin(side_b, ","), "}"));
  }
  ++injected_[KindName(kind)];
  world_->After(DrawDuration(), [this, serial] {
    if (!partition_active_ || serial != partition_serial_) return;
    world_->network().Heal();
    partition_active_ = false;
    Record(Kind::kHealPartition);
  });
}

void Nemesis::HealAll() {
  healed_ = true;
  partition_active_ = false;
  ++partition_serial_;
  world_->network().Heal();
  NetworkOptions network = world_->network().options();
  network.net_loss_rate = 0;
  network.net_duplicate_rate = 0;
  world_->network().set_options(network);
  for (EndpointId id : world_->nodes()) {
    SimDisk* disk = world_->disk(id);
    DiskOptions options = disk->options();
    options.disk_corrupt_write_rate = 0;
    options.disk_corrupt_read_rate = 0;
    options.disk_sync_fail_rate = 0;
    disk->set_options(options);
    disk->set_full(false);
    disk->DisarmPowerCut();
    world_->Resume(id);
    world_->Restart(id);
  }
  Record(Kind::kHealAll);
}

}  // namespace ekv::sim
