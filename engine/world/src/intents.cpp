#include "medverse/world/intents.h"

#include "medverse/world/components.h"

namespace medverse::world {

#define MV_RPC(Type, Id, Kind, Reliable, ...)                                              \
  const RpcDesc& Type::rpc() {                                                             \
    static const TypeInfo params = Describe<Type>(#Type) __VA_ARGS__.info();               \
    static const RpcDesc desc = makeRpc<Type>(Id, #Type, RpcKind::Kind, Reliable, params); \
    return desc;                                                                           \
  }

MV_RPC(GrabIntent, 1, Server, true, )
MV_RPC(ReleaseIntent, 2, Server, true,
       .add("hasFinal", &ReleaseIntent::hasFinal)
           .add("finalTransform", &ReleaseIntent::finalTransform, kRoomPose))
MV_RPC(MoveIntent, 3, Server, false, .add("transform", &MoveIntent::transform, kRoomPose))
MV_RPC(SetPresetIntent, 4, Server, true, .add("preset", &SetPresetIntent::preset))
MV_RPC(SetWindowIntent, 5, Server, true,
       .add("center", &SetWindowIntent::center).add("width", &SetWindowIntent::width))
MV_RPC(
    SetClipPlaneIntent, 6, Server, true,
    .add("index", &SetClipPlaneIntent::index, {.bits = 2}).add("plane", &SetClipPlaneIntent::plane))
MV_RPC(SetSlicePlaneIntent, 7, Server, true,
       .add("index", &SetSlicePlaneIntent::index, {.bits = 2})
           .add("plane", &SetSlicePlaneIntent::plane))
MV_RPC(AddAnnotationIntent, 8, Server, true,
       .add("position", &AddAnnotationIntent::position, kPatientPoint)
           .add("text", &AddAnnotationIntent::text, {.maxLength = 500}))
MV_RPC(AddMeasurementIntent, 9, Server, true,
       .add("a", &AddMeasurementIntent::a, kPatientPoint)
           .add("b", &AddMeasurementIntent::b, kPatientPoint)
           .add("label", &AddMeasurementIntent::label, {.maxLength = 200}))
MV_RPC(GrantControlIntent, 10, Server, true, .add("clientId", &GrantControlIntent::clientId))
MV_RPC(RevokeControlIntent, 11, Server, true, .add("clientId", &RevokeControlIntent::clientId))
MV_RPC(FollowIntent, 12, Server, true, .add("clientId", &FollowIntent::clientId))
MV_RPC(SetSurfacesIntent, 13, Server, true, .add("shown", &SetSurfacesIntent::shown))
MV_RPC(RefusedRpc, 32, Client, true,
       .add("intent", &RefusedRpc::intent, {.maxLength = 64})
           .add("reason", &RefusedRpc::reason, {.maxLength = 200}))
MV_RPC(NoticeRpc, 33, Multicast, true,
       .add("sequence", &NoticeRpc::sequence)
           .add("kind", &NoticeRpc::kind, {.bits = 4})
           .add("clientId", &NoticeRpc::clientId)
           .add("text", &NoticeRpc::text, {.maxLength = 200}))

#undef MV_RPC

}  // namespace medverse::world
