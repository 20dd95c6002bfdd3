// Fuzz target: snapshot delta application, as a client applies what the
// server sends on the Snapshots channel (docs/PROTOCOL.md, "Replication").
//
// WorldClient applies snapshots inside its private implementation, bound to a
// live connection; this harness runs the same steps on a World with the
// public pieces it is made of (readAll of the header, World::spawn/destroy,
// findActorClass, readProperty over each class's property table), in the
// order WorldClient::Impl::onSnapshot/readEntry do. The input is a sequence of
// snapshot bodies (without the type byte), joined by kFileSeparator and
// applied one after another to the same world, so deltas meet the actors
// earlier ones created. Invariants: nothing crashes, and an actor's every
// property re-encodes to bits that decode again.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "fuzz_support.h"
#include "medverse/core/bitstream.h"
#include "medverse/world/components.h"
#include "medverse/world/properties.h"
#include "medverse/world/world.h"
#include "world/src/wire.h"

using namespace medverse;
using namespace medverse::world;

namespace {

bool readEntry(World& world, BitReader& in) {
  const auto id = static_cast<NetId>(in.readVarUint());
  const bool full = in.readBool();
  Actor* actor = world.find(id);
  if (full) {
    const auto classId = static_cast<ClassId>(in.readVarUint());
    const ActorClass* cls = findActorClass(classId);
    if (cls == nullptr || !in.ok()) {
      return false;
    }
    if (actor != nullptr && actor->classId() != classId) {
      world.destroy(id);
      actor = nullptr;
    }
    if (actor == nullptr) {
      actor = &world.spawn(*cls, 0, id);
    }
  } else if (actor == nullptr) {
    return false;
  }
  if (in.readBool()) {
    actor->setOwner(in.readVarUint());
  }
  const auto& props = actor->actorClass().properties;
  std::vector<bool> present(props.size());
  for (size_t i = 0; i < props.size(); ++i) {
    present[i] = in.readBool();
  }
  for (size_t i = 0; i < props.size(); ++i) {
    if (present[i] && !readProperty(in, *props[i].desc, &actor->component(props[i].component))) {
      return false;
    }
  }
  return in.ok();
}

void applySnapshot(World& world, std::span<const uint8_t> body) {
  BitReader in(body);
  wire::SnapshotHeader header;
  if (!readAll(in, wire::SnapshotHeader::type(), &header)) {
    return;
  }
  const uint64_t goneCount = in.readVarUint();
  for (uint64_t i = 0; i < goneCount && in.ok(); ++i) {
    world.destroy(static_cast<NetId>(in.readVarUint()));
  }
  const uint64_t count = in.readVarUint();
  for (uint64_t i = 0; i < count && in.ok(); ++i) {
    if (!readEntry(world, in)) {
      return;
    }
  }
}

// Every property value the world now holds re-encodes to bits that decode
// again (not bit for bit: quantized rotations and scales decoded from
// arbitrary bits are normalized when written).
void checkRoundTrip(World& world, NetId id) {
  Actor* actor = world.find(id);
  if (actor == nullptr) {
    return;
  }
  for (const ClassProperty& p : actor->actorClass().properties) {
    BitWriter out;
    writeProperty(out, *p.desc, &actor->component(p.component));
    BitReader in(out.bytes());
    std::unique_ptr<Component> copy = actor->component(p.component).clone();
    MEDVERSE_FUZZ_CHECK(readProperty(in, *p.desc, copy.get()));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool registered = [] {
    registerConsultClasses();
    return true;
  }();
  (void)registered;
  World world;
  for (const auto& body : fuzz::splitFiles({data, size}, 8)) {
    applySnapshot(world, body);
  }
  for (NetId id = 0; id < 64; ++id) {
    checkRoundTrip(world, id);
  }
  return 0;
}
