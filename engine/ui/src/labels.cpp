#include "medverse/ui/labels.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <glm/geometric.hpp>
#include <glm/mat4x4.hpp>

namespace medverse::ui {

glm::mat4 billboard(const glm::vec3& anchor, float width, float height, const glm::vec3& viewer,
                    const glm::vec3& up) {
  glm::vec3 forward = viewer - anchor;
  if (glm::dot(forward, forward) < 1e-12F) {
    forward = {0.0F, 0.0F, 1.0F};
  }
  forward = glm::normalize(forward);
  glm::vec3 right = glm::cross(up, forward);
  if (glm::dot(right, right) < 1e-8F) {
    right = {1.0F, 0.0F, 0.0F};  // looking straight down or up
  }
  right = glm::normalize(right);
  const glm::vec3 labelUp = glm::cross(forward, right);
  glm::mat4 m(1.0F);
  m[0] = glm::vec4(right * width, 0.0F);
  m[1] = glm::vec4(labelUp * height, 0.0F);
  m[2] = glm::vec4(forward, 0.0F);
  m[3] = glm::vec4(anchor + labelUp * (height * 0.5F), 1.0F);
  return m;
}

render::UiPanel LabelBuilder::build(const WorldLabel& label, const glm::vec3& viewer) {
  ImFont* font = context_.fonts().label();
  const float fontSize = font->FontSize;
  const float padX = std::round(fontSize * 0.35F);
  const float padY = std::round(fontSize * 0.15F);
  const float accentWidth = label.accent != 0U ? std::round(fontSize * 0.18F) : 0.0F;
  const ImVec2 textSize = font->CalcTextSizeA(fontSize, 1e9F, 0.0F, label.text.c_str());
  const glm::vec2 size{std::ceil(textSize.x + 2.0F * padX + accentWidth),
                       std::ceil(textSize.y + 2.0F * padY)};

  context_.beginFrame(size, 1.0F / 60.0F, PointerInput{});
  ImDrawList* draw = ImGui::GetBackgroundDrawList();
  const float rounding = std::round(fontSize * 0.25F);
  draw->AddRectFilled(ImVec2(0.0F, 0.0F), ImVec2(size.x, size.y), label.background, rounding);
  if (accentWidth > 0.0F) {
    draw->AddRectFilled(ImVec2(0.0F, 0.0F), ImVec2(accentWidth, size.y), label.accent, rounding,
                        ImDrawFlags_RoundCornersLeft);
  }
  draw->AddText(font, fontSize, ImVec2(accentWidth + padX, padY), label.textColor,
                label.text.c_str());
  render::UiPanel panel;
  panel.ui = context_.endFrame();
  const float width = label.height * size.x / size.y;
  panel.model = billboard(label.anchor, width, label.height, viewer);
  panel.doubleSided = true;
  return panel;
}

std::vector<render::UiPanel> LabelBuilder::build(const std::vector<WorldLabel>& labels,
                                                 const glm::vec3& viewer) {
  std::vector<render::UiPanel> panels;
  panels.reserve(labels.size());
  for (const WorldLabel& label : labels) {
    if (!label.text.empty()) {
      panels.push_back(build(label, viewer));
    }
  }
  return panels;
}

}  // namespace medverse::ui
