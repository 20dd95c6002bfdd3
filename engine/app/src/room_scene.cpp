#include "medverse/app/room_scene.h"

#include <glm/gtc/matrix_transform.hpp>

#include "medverse/assets/room.h"
#include "medverse/render/renderer.h"

namespace medverse::app {

Result<RoomScene> RoomScene::create(render::Renderer& renderer, const assets::Room& room,
                                    bool withTestObject) {
  RoomScene scene;
  scene.room_ = room;
  for (const assets::RoomPart& part : room.parts) {
    Result<render::MeshHandle> handle = renderer.uploadMesh(part.mesh);
    if (!handle) {
      return handle.error();
    }
    render::MeshInstance instance;
    instance.mesh = *handle;
    instance.material.baseColor = glm::vec4(part.baseColor, 1.0F);
    instance.material.roughness = part.roughness;
    instance.material.metallic = part.metallic;
    instance.material.emissive = part.emissive;
    scene.instances_.push_back(instance);
  }
  if (!withTestObject) {
    return scene;
  }
  // The test object stands where the patient hologram will be: a glossy
  // sphere resting on the table, so lit and shadowed sides are easy to see.
  Result<render::MeshHandle> object = renderer.uploadMesh(assets::buildTestObject());
  if (!object) {
    return object.error();
  }
  render::MeshInstance instance;
  instance.mesh = *object;
  instance.model = glm::translate(glm::mat4(1.0F), room.testObjectPosition);
  instance.material.baseColor = glm::vec4(room.testObjectColor, 1.0F);
  instance.material.roughness = 0.35F;
  scene.instances_.push_back(instance);
  return scene;
}

render::RenderView RoomScene::view(const render::CameraView& camera) const {
  render::RenderView v;
  v.camera = camera;
  for (const assets::RoomLight& light : room_.lights) {
    render::Light l;
    l.kind = light.kind == assets::LightKind::Point ? render::Light::Kind::Point
                                                    : render::Light::Kind::Directional;
    l.direction = light.direction;
    l.position = light.position;
    l.color = light.color;
    l.intensity = light.intensity;
    v.lights.push_back(l);
  }
  // The room's ambient is uniform; a slightly brighter sky than ground keeps
  // the undersides of objects readable without flattening them.
  v.skyAmbient = room_.ambient * 1.15F;
  v.groundAmbient = room_.ambient * 0.7F;
  v.meshes = instances_;
  return v;
}

}  // namespace medverse::app
