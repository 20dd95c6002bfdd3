#pragma once
// The RPCs of a consult session. Server RPCs are a participant's intents;
// the server checks each against the session rules (session_rules.h) before
// applying it, and answers a refusal with the Refused client RPC.
#include <cstdint>
#include <string>

#include "medverse/core/transform.h"
#include "medverse/world/rpc.h"

namespace medverse::world {

// ---- intents (Server) --------------------------------------------------------
// Target: the hologram's net id.
struct GrabIntent {
  static const RpcDesc& rpc();
};
// Reliable, and carries the holder's final transform: the unreliable move
// stream may lose or reorder its last packets, and the hologram must come to
// rest exactly where the holder let go, for everyone.
struct ReleaseIntent {
  bool hasFinal = false;
  Transform finalTransform;
  static const RpcDesc& rpc();
};
// Unreliable: the owner's transform stream, one per frame while held.
struct MoveIntent {
  Transform transform;
  static const RpcDesc& rpc();
};
struct SetPresetIntent {
  uint8_t preset = 0;
  static const RpcDesc& rpc();
};
struct SetSurfacesIntent {
  bool shown = false;
  static const RpcDesc& rpc();
};
struct SetWindowIntent {
  float center = 0.0F;
  float width = 1.0F;
  static const RpcDesc& rpc();
};
struct SetClipPlaneIntent {
  uint8_t index = 0;
  Plane plane;
  static const RpcDesc& rpc();
};
struct SetSlicePlaneIntent {
  uint8_t index = 0;
  Plane plane;
  static const RpcDesc& rpc();
};
struct AddAnnotationIntent {
  glm::vec3 position{0.0F};  // patient mm
  std::string text;
  static const RpcDesc& rpc();
};
struct AddMeasurementIntent {
  glm::vec3 a{0.0F};
  glm::vec3 b{0.0F};
  std::string label;
  static const RpcDesc& rpc();
};
// Target 0 (the session).
struct GrantControlIntent {
  uint64_t clientId = 0;
  static const RpcDesc& rpc();
};
struct RevokeControlIntent {
  uint64_t clientId = 0;
  static const RpcDesc& rpc();
};
// Follow a participant's view (0 = free camera). Changes nothing in the room.
struct FollowIntent {
  uint64_t clientId = 0;
  static const RpcDesc& rpc();
};

// ---- server → clients --------------------------------------------------------
// Client: why an intent was not applied.
struct RefusedRpc {
  std::string intent;
  std::string reason;
  static const RpcDesc& rpc();
};

enum class NoticeKind : uint8_t {
  Joined = 0,
  Left = 1,
  Granted = 2,
  Revoked = 3,
  Annotated = 4,
  Measured = 5,
  Grabbed = 6,
  Released = 7,
};
// Multicast, reliable: session events in the order the server decided them.
// `sequence` counts notices in the session (1, 2, ...).
struct NoticeRpc {
  uint32_t sequence = 0;
  uint8_t kind = 0;
  uint64_t clientId = 0;
  std::string text;
  static const RpcDesc& rpc();
};

}  // namespace medverse::world
