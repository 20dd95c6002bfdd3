// The consult room as a person standing in it would check it: the floor is
// where it should be, the table is at working height, the walls are visible
// from inside, the test object sits on the table, and the camera starts
// somewhere sensible.
#include <doctest/doctest.h>

#include <glm/gtc/matrix_transform.hpp>
#include <set>
#include <string>

#include "medverse/assets/mesh.h"
#include "medverse/assets/room.h"

using namespace medverse::assets;

namespace {

const RoomPart& requirePart(const Room& room, const std::string& name) {
  const RoomPart* part = findPart(room, name);
  REQUIRE_MESSAGE(part != nullptr, "the room has no part named " << name);
  return *part;
}

bool inside(glm::vec3 p, glm::vec3 lo, glm::vec3 hi) {
  return glm::all(glm::greaterThanEqual(p, lo)) && glm::all(glm::lessThanEqual(p, hi));
}

// Sum of area-weighted normals: the direction a flat single-sided part faces.
glm::vec3 facing(const MeshData& mesh) {
  glm::vec3 sum(0.0f);
  for (std::size_t t = 0; t < mesh.indices.size(); t += 3) {
    const glm::vec3 a = mesh.vertices[mesh.indices[t]].position;
    const glm::vec3 b = mesh.vertices[mesh.indices[t + 1]].position;
    const glm::vec3 c = mesh.vertices[mesh.indices[t + 2]].position;
    sum += glm::cross(b - a, c - a);
  }
  return glm::normalize(sum);
}

}  // namespace

TEST_CASE("every room part is a valid, non-empty, uniquely named mesh") {
  const Room room = buildConsultRoom();
  REQUIRE(room.parts.size() >= 8);
  std::set<std::string> names;
  for (const RoomPart& part : room.parts) {
    CAPTURE(part.name);
    const auto status = validate(part.mesh);
    CHECK_MESSAGE(status.ok(), (status.ok() ? std::string() : status.error().message));
    CHECK(triangleCount(part.mesh) > 0);
    CHECK(names.insert(part.name).second);
    CHECK(part.mesh.name == part.name);
    // Materials are physically plausible.
    CHECK(glm::all(glm::greaterThanEqual(part.baseColor, glm::vec3(0.0f))));
    CHECK(glm::all(glm::lessThanEqual(part.baseColor, glm::vec3(1.0f))));
    CHECK(part.roughness >= 0.0f);
    CHECK(part.roughness <= 1.0f);
    CHECK((part.metallic == 0.0f || part.metallic == 1.0f));
  }
}

TEST_CASE("the floor is an 8 m square at y = 0, centred on the origin, facing up") {
  const Room room = buildConsultRoom();
  const RoomPart& floor = requirePart(room, "floor");
  CHECK(floor.mesh.boundsMin.x == doctest::Approx(-4.0f));
  CHECK(floor.mesh.boundsMax.x == doctest::Approx(4.0f));
  CHECK(floor.mesh.boundsMin.z == doctest::Approx(-4.0f));
  CHECK(floor.mesh.boundsMax.z == doctest::Approx(4.0f));
  CHECK(floor.mesh.boundsMin.y == doctest::Approx(0.0f));
  CHECK(floor.mesh.boundsMax.y == doctest::Approx(0.0f));
  CHECK(facing(floor.mesh).y == doctest::Approx(1.0f));
  for (const Vertex& v : floor.mesh.vertices) {
    CHECK(v.normal == glm::vec3(0, 1, 0));
  }
  CHECK(room.interiorMin == glm::vec3(-4.0f, 0.0f, -4.0f));
  CHECK(room.interiorMax == glm::vec3(4.0f, 3.0f, 4.0f));
}

TEST_CASE("walls are 3 m high and face into the room, the ceiling faces down") {
  const Room room = buildConsultRoom();
  for (const char* name : {"wall_back", "wall_front", "wall_left", "wall_right", "ceiling"}) {
    CAPTURE(name);
    const RoomPart& wall = requirePart(room, name);
    const glm::vec3 centre = (wall.mesh.boundsMin + wall.mesh.boundsMax) * 0.5f;
    const glm::vec3 towardsRoomCentre = glm::vec3(0.0f, 1.5f, 0.0f) - centre;
    // The winding (what culling uses) and the normals (what lighting uses)
    // both point into the room.
    CHECK(glm::dot(facing(wall.mesh), towardsRoomCentre) > 0.0f);
    for (const Vertex& v : wall.mesh.vertices) {
      CHECK(glm::dot(v.normal, towardsRoomCentre) > 0.0f);
    }
  }
  for (const char* name : {"wall_back", "wall_front", "wall_left", "wall_right"}) {
    const RoomPart& wall = requirePart(room, name);
    CHECK(wall.mesh.boundsMin.y == doctest::Approx(0.0f));
    CHECK(wall.mesh.boundsMax.y == doctest::Approx(3.0f));
  }
  CHECK(requirePart(room, "ceiling").mesh.boundsMin.y == doctest::Approx(3.0f));
  CHECK(requirePart(room, "wall_back").mesh.boundsMin.z == doctest::Approx(-4.0f));
}

TEST_CASE("the consult table is 1.6 x 0.9 m with its top at 0.9 m, standing on the floor") {
  const Room room = buildConsultRoom();
  CHECK(room.tableTop.x == doctest::Approx(0.0f));
  CHECK(room.tableTop.y == doctest::Approx(0.9f));
  CHECK(room.tableTop.z == doctest::Approx(0.0f));
  const RoomPart& top = requirePart(room, "table_top");
  CHECK(top.mesh.boundsMax.y == doctest::Approx(room.tableTop.y));
  CHECK(top.mesh.boundsMax.x - top.mesh.boundsMin.x == doctest::Approx(1.6f));
  CHECK(top.mesh.boundsMax.z - top.mesh.boundsMin.z == doctest::Approx(0.9f));
  CHECK(signedVolume(top.mesh) > 0.0);  // a closed slab, facing out

  const RoomPart& frame = requirePart(room, "table_frame");
  CHECK(frame.mesh.boundsMin.y == doctest::Approx(0.0f));                  // legs on the floor
  CHECK(frame.mesh.boundsMax.y == doctest::Approx(top.mesh.boundsMin.y));  // under the top
  CHECK(frame.mesh.boundsMin.x >= top.mesh.boundsMin.x);                   // within its footprint
  CHECK(frame.mesh.boundsMax.z <= top.mesh.boundsMax.z);

  // The top is darker than the floor, so the hologram stands out against it.
  const auto luminance = [](glm::vec3 c) {
    return glm::dot(c, glm::vec3(0.2126f, 0.7152f, 0.0722f));
  };
  CHECK(luminance(top.baseColor) < luminance(requirePart(room, "floor").baseColor));
}

TEST_CASE("the test object rests on the table top") {
  const Room room = buildConsultRoom();
  MeshData object = buildTestObject();
  CHECK(validate(object).ok());
  CHECK(signedVolume(object) > 0.0);
  CHECK(object.boundsMin.y == doctest::Approx(0.0f).epsilon(1e-6));
  transform(object, glm::translate(glm::mat4(1.0f), room.testObjectPosition));
  CHECK(object.boundsMin.y == doctest::Approx(room.tableTop.y).epsilon(1e-5));
  const RoomPart& top = requirePart(room, "table_top");
  // Wholly over the table, and about the size of an anatomical model.
  CHECK(object.boundsMin.x >= top.mesh.boundsMin.x);
  CHECK(object.boundsMax.x <= top.mesh.boundsMax.x);
  CHECK(object.boundsMin.z >= top.mesh.boundsMin.z);
  CHECK(object.boundsMax.z <= top.mesh.boundsMax.z);
  CHECK(object.boundsMax.y - object.boundsMin.y == doctest::Approx(0.4f).epsilon(1e-3));
  CHECK(room.hologramAnchor.y > room.tableTop.y);
}

TEST_CASE("the suggested camera stands in the room at eye height, looking at the table") {
  const Room room = buildConsultRoom();
  CHECK(inside(room.suggestedCameraPosition, room.interiorMin, room.interiorMax));
  CHECK(room.suggestedCameraPosition.y > 1.4f);
  CHECK(room.suggestedCameraPosition.y < 1.9f);
  const glm::vec3 view = glm::normalize(room.suggestedCameraTarget - room.suggestedCameraPosition);
  CHECK(view.y < 0.0f);  // looking down onto the table
  // The table top's centre is well within a 60-degree field of view.
  const glm::vec3 toTable = glm::normalize(room.tableTop - room.suggestedCameraPosition);
  CHECK(glm::dot(view, toTable) > std::cos(glm::radians(20.0f)));
  // The camera is not inside the table.
  const RoomPart& top = requirePart(room, "table_top");
  CHECK_FALSE(inside(room.suggestedCameraPosition, top.mesh.boundsMin, top.mesh.boundsMax));
}

TEST_CASE("the room is lit by a key from above and in front, and a weaker fill") {
  const Room room = buildConsultRoom();
  REQUIRE(room.lights.size() >= 2);
  const RoomLight& key = room.lights[0];
  CHECK(key.kind == LightKind::Directional);
  CHECK(glm::length(key.direction) == doctest::Approx(1.0f));
  CHECK(key.direction.y < -0.5f);  // from above
  // From the camera's side: it travels away from the viewer, lighting the
  // faces the viewer sees.
  const glm::vec3 view = room.suggestedCameraTarget - room.suggestedCameraPosition;
  CHECK(glm::dot(glm::vec2(key.direction.x, key.direction.z), glm::vec2(view.x, view.z)) > 0.0f);
  for (const RoomLight& light : room.lights) {
    CHECK(light.intensity > 0.0f);
    CHECK(light.intensity <= key.intensity);
    CHECK(glm::all(glm::greaterThan(light.color, glm::vec3(0.0f))));
  }
  CHECK(glm::all(glm::greaterThan(room.ambient, glm::vec3(0.0f))));
}

TEST_CASE("every part of the room lies inside its walls") {
  const Room room = buildConsultRoom();
  const glm::vec3 slack(1e-4f);
  for (const RoomPart& part : room.parts) {
    CAPTURE(part.name);
    CHECK(inside(part.mesh.boundsMin, room.interiorMin - slack, room.interiorMax + slack));
    CHECK(inside(part.mesh.boundsMax, room.interiorMin - slack, room.interiorMax + slack));
  }
}

TEST_CASE("a larger room layout scales the shell but keeps the table") {
  ConsultRoomLayout layout;
  layout.width = 10.0f;
  layout.depth = 6.0f;
  layout.height = 3.5f;
  const Room room = buildConsultRoom(layout);
  CHECK(room.interiorMax == glm::vec3(5.0f, 3.5f, 3.0f));
  CHECK(requirePart(room, "floor").mesh.boundsMax.x == doctest::Approx(5.0f));
  CHECK(requirePart(room, "wall_left").mesh.boundsMax.y == doctest::Approx(3.5f));
  CHECK(room.tableTop.y == doctest::Approx(0.9f));
  for (const RoomPart& part : room.parts) {
    CHECK(validate(part.mesh).ok());
  }
}
