#include "medverse/ui/world_panel.h"

#include <cmath>
#include <glm/geometric.hpp>
#include <glm/matrix.hpp>

namespace medverse::ui {

std::optional<PanelHit> intersectPanel(const glm::mat4& model, glm::vec2 displaySize,
                                       const Ray& ray, bool doubleSided) {
  // Work in the panel's local space, where it is the unit square at z = 0.
  if (std::abs(glm::determinant(model)) < 1e-12F) {
    return std::nullopt;
  }
  const glm::mat4 toLocal = glm::inverse(model);
  const glm::vec3 o = glm::vec3(toLocal * glm::vec4(ray.origin, 1.0F));
  const glm::vec3 d = glm::vec3(toLocal * glm::vec4(ray.direction, 0.0F));
  if (std::abs(d.z) < 1e-9F) {
    return std::nullopt;  // parallel to the panel
  }
  const float t = -o.z / d.z;
  if (t < 0.0F) {
    return std::nullopt;  // behind the ray's origin
  }
  const glm::vec3 p = o + t * d;
  if (p.x < -0.5F || p.x > 0.5F || p.y < -0.5F || p.y > 0.5F) {
    return std::nullopt;
  }
  const bool front = o.z > 0.0F;
  if (!front && !doubleSided) {
    return std::nullopt;
  }
  PanelHit hit;
  hit.front = front;
  hit.uv = {p.x + 0.5F, 0.5F - p.y};
  if (!front) {
    hit.uv.x = 1.0F - hit.uv.x;
  }
  hit.pixel = hit.uv * displaySize;
  hit.distance = t;
  return hit;
}

WorldPanel::WorldPanel(UiFonts& fonts, glm::vec2 displaySize, const glm::mat4& model,
                       bool doubleSided)
    : context_(fonts), displaySize_(displaySize), model_(model), doubleSided_(doubleSided) {}

void WorldPanel::beginFrame(float deltaSeconds, const std::optional<Ray>& pointer, bool pressed) {
  hit_ = pointer ? intersectPanel(model_, displaySize_, *pointer, doubleSided_) : std::nullopt;
  PointerInput input;
  if (hit_) {
    input.inside = true;
    input.position = hit_->pixel;
    input.primaryDown = pressed;
  }
  context_.beginFrame(displaySize_, deltaSeconds, input);
}

render::UiPanel WorldPanel::endFrame() {
  render::UiPanel panel;
  panel.ui = context_.endFrame();
  panel.model = model_;
  panel.doubleSided = doubleSided_;
  return panel;
}

}  // namespace medverse::ui
