#pragma once
// The consult room, built procedurally: a calm clinical room with a consult
// table in the middle, above which the patient hologram floats.
//
// Room coordinates: metres, right-handed, Y up, floor at y = 0, origin at the
// centre of the floor. The suggested viewpoint stands on the +Z side of the
// table looking towards -Z, so "back wall" is the one at -Z.
//
// Colours are linear RGB (what a PBR shader multiplies), chosen as sRGB
// values a designer would pick and converted. Light intensities and
// emissive values share one relative scale: a surface lit head-on by a
// light of intensity 1 and colour white reflects its base colour.
#include <glm/glm.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "medverse/assets/mesh.h"

namespace medverse::assets {

// One drawable piece of the room with its material (metallic-roughness PBR).
struct RoomPart {
  std::string name;
  MeshData mesh;  // in room coordinates
  glm::vec3 baseColor{1.0f};
  float roughness = 0.5f;
  float metallic = 0.0f;
  glm::vec3 emissive{0.0f};  // added to the lit colour; non-zero only for light panels
};

enum class LightKind { Directional, Point };

struct RoomLight {
  std::string name;
  LightKind kind = LightKind::Directional;
  glm::vec3 direction{0.0f, -1.0f, 0.0f};  // Directional: unit vector the light travels along
  glm::vec3 position{0.0f};                // Point: where the light is
  glm::vec3 color{1.0f};                   // linear RGB, unit brightness
  float intensity = 1.0f;
};

// The few dimensions worth changing; the defaults are the standard room.
struct ConsultRoomLayout {
  float width = 8.0f;  // along X
  float depth = 8.0f;  // along Z
  float height = 3.0f;
  float tableTopHeight = 0.9f;      // a standing consult height
  glm::vec2 tableSize{1.6f, 0.9f};  // along X, along Z
};

struct Room {
  std::vector<RoomPart> parts;
  std::vector<RoomLight> lights;
  glm::vec3 ambient{0.0f};  // linear RGB light arriving equally from every direction
  // The air inside the walls; cameras and avatars belong in here.
  glm::vec3 interiorMin{0.0f};
  glm::vec3 interiorMax{0.0f};
  glm::vec3 tableTop{0.0f};  // centre of the table's top surface
  // Where the patient hologram's centre floats, above the table.
  glm::vec3 hologramAnchor{0.0f};
  // Where buildTestObject()'s base point goes: it then rests on the table.
  glm::vec3 testObjectPosition{0.0f};
  glm::vec3 testObjectColor{1.0f};  // linear RGB
  // A standing doctor's eye on the near side of the table, looking at the
  // test object.
  glm::vec3 suggestedCameraPosition{0.0f};
  glm::vec3 suggestedCameraTarget{0.0f};
};

[[nodiscard]] Room buildConsultRoom(const ConsultRoomLayout& layout = {});

// Something recognisable for a first render before any patient is loaded: a
// smooth sphere, 0.2 m in radius. Its origin is its lowest point, so
// translating it to Room::testObjectPosition sets it on the table top.
[[nodiscard]] MeshData buildTestObject();

// The part named `name`, or nullptr.
[[nodiscard]] const RoomPart* findPart(const Room& room, std::string_view name);

}  // namespace medverse::assets
