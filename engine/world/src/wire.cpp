#include "wire.h"

namespace medverse::world::wire {

const TypeInfo& ServerHello::type() {
  static const TypeInfo info = Describe<ServerHello>("ServerHello")
                                   .add("version", &ServerHello::version)
                                   .add("tickHz", &ServerHello::tickHz, {.bits = 16})
                                   .add("clientId", &ServerHello::clientId)
                                   .add("playerState", &ServerHello::playerState)
                                   .add("avatar", &ServerHello::avatar)
                                   .add("role", &ServerHello::role, {.bits = 2})
                                   .add("resumed", &ServerHello::resumed)
                                   .add("caseName", &ServerHello::caseName, {.maxLength = 128})
                                   .add("caseHash", &ServerHello::caseHash, {.maxLength = 64})
                                   .info();
  return info;
}

const TypeInfo& SnapshotHeader::type() {
  static const TypeInfo info = Describe<SnapshotHeader>("SnapshotHeader")
                                   .add("sequence", &SnapshotHeader::sequence)
                                   .add("tick", &SnapshotHeader::tick)
                                   .add("lastInputSeq", &SnapshotHeader::lastInputSeq)
                                   .add("tickMicros", &SnapshotHeader::tickMicros)
                                   .info();
  return info;
}

const TypeInfo& InputHeader::type() {
  static const TypeInfo info = Describe<InputHeader>("InputHeader")
                                   .add("ackSequence", &InputHeader::ackSequence)
                                   .add("inputSeq", &InputHeader::inputSeq)
                                   .add("hasPose", &InputHeader::hasPose)
                                   .info();
  return info;
}

const TypeInfo& AvatarInput::type() {
  static const TypeInfo info = Describe<AvatarInput>("AvatarInput")
                                   .add("head", &AvatarInput::head, kRoomPose)
                                   .add("leftHand", &AvatarInput::leftHand, kRoomPose)
                                   .add("rightHand", &AvatarInput::rightHand, kRoomPose)
                                   .add("pointer", &AvatarInput::pointer, kRoomPose)
                                   .add("pointerActive", &AvatarInput::pointerActive)
                                   .info();
  return info;
}

}  // namespace medverse::world::wire
