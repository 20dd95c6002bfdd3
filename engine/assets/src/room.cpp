#include "medverse/assets/room.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <glm/gtc/constants.hpp>
#include <glm/gtc/matrix_transform.hpp>
#include <utility>

#include "medverse/assets/primitives.h"

namespace medverse::assets {
namespace {

// A designer's sRGB colour (0xRRGGBB) in the linear space shaders light in.
glm::vec3 srgb(std::uint32_t hex) {
  const auto channel = [](std::uint32_t byte) {
    const float c = static_cast<float>(byte) / 255.0f;
    return c <= 0.04045f ? c / 12.92f : std::pow((c + 0.055f) / 1.055f, 2.4f);
  };
  return {channel((hex >> 16) & 0xFFu), channel((hex >> 8) & 0xFFu), channel(hex & 0xFFu)};
}

// Palette. Muted, light and slightly cool, as in a modern outpatient room:
// nothing saturated competes with the hologram, and the dark table top gives
// it contrast from the usual viewpoint.
struct Palette {
  glm::vec3 floor = srgb(0xA9B4BF);       // grey-blue clinical vinyl
  glm::vec3 skirting = srgb(0x8F9BA6);    // a shade darker than the floor
  glm::vec3 wall = srgb(0xECEDE8);        // off-white
  glm::vec3 accentWall = srgb(0xD3E2DE);  // pale sage, behind the table
  glm::vec3 ceiling = srgb(0xF4F5F2);     // white
  glm::vec3 tableTop = srgb(0x5E6873);    // slate solid surface
  glm::vec3 tableFrame = srgb(0xC5CACF);  // brushed aluminium
  glm::vec3 display = srgb(0x1B1F23);     // a switched-off wall screen
  glm::vec3 lightPanel = srgb(0xFFFFFF);
  glm::vec3 testObject = srgb(0xE6DCCB);  // ivory, like an anatomical model
  glm::vec3 warmWhite = srgb(0xFFF7EB);
  glm::vec3 coolWhite = srgb(0xE3ECFF);
};

// A single-sided rectangle of `width` x `height` centred at `center`, facing
// `inward` (into the room), with `up` along its height.
MeshData makeInteriorSurface(float width, float height, glm::vec3 center, glm::vec3 inward,
                             glm::vec3 up) {
  MeshData quad = makePlane({width, height});
  // The plane faces +Y with its second size along Z: map +Y to `inward` and
  // +Z to `-up`, completing a right-handed frame so the winding survives.
  const glm::vec3 right = glm::cross(up, inward);
  glm::mat4 frame(1.0f);
  frame[0] = glm::vec4(right, 0.0f);
  frame[1] = glm::vec4(inward, 0.0f);
  frame[2] = glm::vec4(-up, 0.0f);
  frame[3] = glm::vec4(center, 1.0f);
  transform(quad, frame);
  return quad;
}

MeshData placed(MeshData mesh, glm::vec3 at) {
  transform(mesh, glm::translate(glm::mat4(1.0f), at));
  return mesh;
}

RoomPart part(std::string name, MeshData mesh, glm::vec3 baseColor, float roughness,
              float metallic = 0.0f, glm::vec3 emissive = glm::vec3(0.0f)) {
  mesh.name = name;
  return RoomPart{std::move(name), std::move(mesh), baseColor, roughness, metallic, emissive};
}

constexpr float kTestObjectRadius = 0.2f;

}  // namespace

Room buildConsultRoom(const ConsultRoomLayout& layout) {
  const Palette colours;
  const float halfW = layout.width * 0.5f;
  const float halfD = layout.depth * 0.5f;
  const float h = layout.height;
  const glm::vec3 up(0.0f, 1.0f, 0.0f);

  Room room;
  room.interiorMin = {-halfW, 0.0f, -halfD};
  room.interiorMax = {halfW, h, halfD};

  // Shell. Seen only from inside, so every surface faces into the room and a
  // camera outside sees through it (back faces are culled).
  room.parts.push_back(
      part("floor", makeInteriorSurface(layout.width, layout.depth, {0, 0, 0}, up, {0, 0, -1}),
           colours.floor, 0.6f));
  room.parts.push_back(
      part("ceiling", makeInteriorSurface(layout.width, layout.depth, {0, h, 0}, -up, {0, 0, 1}),
           colours.ceiling, 0.9f));
  room.parts.push_back(part("wall_back",
                            makeInteriorSurface(layout.width, h, {0, h / 2, -halfD}, {0, 0, 1}, up),
                            colours.accentWall, 0.85f));
  room.parts.push_back(part("wall_front",
                            makeInteriorSurface(layout.width, h, {0, h / 2, halfD}, {0, 0, -1}, up),
                            colours.wall, 0.85f));
  room.parts.push_back(part("wall_left",
                            makeInteriorSurface(layout.depth, h, {-halfW, h / 2, 0}, {1, 0, 0}, up),
                            colours.wall, 0.85f));
  room.parts.push_back(part("wall_right",
                            makeInteriorSurface(layout.depth, h, {halfW, h / 2, 0}, {-1, 0, 0}, up),
                            colours.wall, 0.85f));

  // Skirting boards: closed strips along the foot of each wall. They hide
  // the floor-wall seam and make the room read as built, not rendered.
  {
    constexpr float kHeight = 0.1f;
    constexpr float kThickness = 0.015f;
    MeshData skirting;
    append(skirting, makeBox({layout.width, kHeight, kThickness}),
           glm::translate(glm::mat4(1.0f), {0, kHeight / 2, -halfD + kThickness / 2}));
    append(skirting, makeBox({layout.width, kHeight, kThickness}),
           glm::translate(glm::mat4(1.0f), {0, kHeight / 2, halfD - kThickness / 2}));
    const float inner = layout.depth - 2 * kThickness;
    append(skirting, makeBox({kThickness, kHeight, inner}),
           glm::translate(glm::mat4(1.0f), {-halfW + kThickness / 2, kHeight / 2, 0}));
    append(skirting, makeBox({kThickness, kHeight, inner}),
           glm::translate(glm::mat4(1.0f), {halfW - kThickness / 2, kHeight / 2, 0}));
    room.parts.push_back(part("skirting", std::move(skirting), colours.skirting, 0.5f));
  }

  // Consult table: a slate top on a slim aluminium frame.
  const float topY = layout.tableTopHeight;
  const glm::vec2 tableSize = layout.tableSize;
  room.tableTop = {0.0f, topY, 0.0f};
  {
    constexpr float kTopThickness = 0.04f;
    room.parts.push_back(part("table_top",
                              placed(makeBox({tableSize.x, kTopThickness, tableSize.y}),
                                     {0, topY - kTopThickness / 2, 0}),
                              colours.tableTop, 0.35f));

    constexpr float kLegRadius = 0.025f;
    constexpr float kLegInset = 0.09f;  // from the edges of the top
    constexpr float kApronHeight = 0.06f;
    constexpr float kApronInset = 0.06f;
    const float underside = topY - kTopThickness;
    MeshData frame;
    const MeshData leg = makeCylinder(kLegRadius, underside, 24);
    const float legX = tableSize.x / 2 - kLegInset;
    const float legZ = tableSize.y / 2 - kLegInset;
    for (const glm::vec2 corner :
         {glm::vec2(-1, -1), glm::vec2(1, -1), glm::vec2(1, 1), glm::vec2(-1, 1)}) {
      append(frame, leg,
             glm::translate(glm::mat4(1.0f), {corner.x * legX, underside / 2, corner.y * legZ}));
    }
    append(frame,
           makeBox({tableSize.x - 2 * kApronInset, kApronHeight, tableSize.y - 2 * kApronInset}),
           glm::translate(glm::mat4(1.0f), {0, underside - kApronHeight / 2, 0}));
    room.parts.push_back(part("table_frame", std::move(frame), colours.tableFrame, 0.3f, 1.0f));
  }

  // A wall screen behind the table, where a 2D series or a remote colleague
  // would be shown. Switched off for now.
  {
    constexpr float kThickness = 0.03f;
    const glm::vec3 size(std::min(1.4f, layout.width * 0.5f), 0.8f, kThickness);
    room.parts.push_back(
        part("wall_display",
             placed(makeBox(size), {0, std::min(1.55f, h * 0.55f), -halfD + kThickness / 2}),
             colours.display, 0.15f));
  }

  // Ceiling light panels: the visible sources of the key light.
  {
    constexpr float kPanelX = 1.2f;
    constexpr float kPanelZ = 0.6f;
    const float spacing = std::min(1.2f, std::min(halfW, halfD) * 0.5f);
    MeshData panels;
    for (const glm::vec2 at :
         {glm::vec2(-1, -1), glm::vec2(1, -1), glm::vec2(1, 1), glm::vec2(-1, 1)}) {
      // 5 mm below the ceiling: clear of depth fighting at room scale.
      append(panels,
             makeInteriorSurface(kPanelX, kPanelZ, {at.x * spacing, h - 0.005f, at.y * spacing},
                                 -up, {0, 0, 1}),
             glm::mat4(1.0f));
    }
    room.parts.push_back(part("ceiling_lights", std::move(panels), colours.lightPanel, 0.9f, 0.0f,
                              colours.warmWhite * 2.5f));
  }

  // Lighting: a warm key from above and in front (the viewer's side, a
  // little to the left), so the faces the doctor sees are lit and shadows
  // fall away behind the object; a dimmer cool fill from the right keeps the
  // shadowed side readable; a soft ambient stands in for bounce light off
  // the pale walls.
  room.lights.push_back(RoomLight{"key", LightKind::Directional,
                                  glm::normalize(glm::vec3(0.3f, -1.0f, -0.45f)), glm::vec3(0.0f),
                                  colours.warmWhite, 1.7f});
  room.lights.push_back(RoomLight{"fill", LightKind::Directional,
                                  glm::normalize(glm::vec3(-0.7f, -0.5f, -0.3f)), glm::vec3(0.0f),
                                  colours.coolWhite, 0.6f});
  room.ambient = srgb(0x8A8F94) * 0.6f;

  room.testObjectPosition = room.tableTop;
  room.testObjectColor = colours.testObject;
  room.hologramAnchor = room.tableTop + glm::vec3(0.0f, 0.3f, 0.0f);
  // Eye height of a standing adult, a comfortable arm's length and a half
  // from the near edge of the table.
  room.suggestedCameraPosition = {0.0f, 1.6f, tableSize.y / 2 + 1.15f};
  room.suggestedCameraTarget = room.testObjectPosition + glm::vec3(0.0f, kTestObjectRadius, 0.0f);
  return room;
}

MeshData buildTestObject() {
  MeshData sphere = makeUvSphere(kTestObjectRadius, 48, 24);
  transform(sphere, glm::translate(glm::mat4(1.0f), {0.0f, kTestObjectRadius, 0.0f}));
  sphere.name = "test_object";
  return sphere;
}

const RoomPart* findPart(const Room& room, std::string_view name) {
  for (const RoomPart& p : room.parts) {
    if (p.name == name) {
      return &p;
    }
  }
  return nullptr;
}

}  // namespace medverse::assets
