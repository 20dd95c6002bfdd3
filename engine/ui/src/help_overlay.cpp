#include "medverse/ui/help_overlay.h"

#include <imgui.h>

namespace medverse::ui {
namespace {

constexpr ImGuiWindowFlags kFixed = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                    ImGuiWindowFlags_NoCollapse |
                                    ImGuiWindowFlags_NoSavedSettings |
                                    ImGuiWindowFlags_AlwaysAutoResize;

glm::vec4 windowRect() {
  const ImVec2 p = ImGui::GetWindowPos();
  const ImVec2 s = ImGui::GetWindowSize();
  return {p.x, p.y, p.x + s.x, p.y + s.y};
}

}  // namespace

glm::vec4 buildHelpOverlay(const std::vector<Shortcut>& shortcuts, glm::vec2 displaySize) {
  ImGui::SetNextWindowPos(ImVec2(displaySize.x * 0.5F, displaySize.y * 0.5F), ImGuiCond_Always,
                          ImVec2(0.5F, 0.5F));
  ImGui::SetNextWindowBgAlpha(0.88F);
  glm::vec4 rect{0.0F};
  if (ImGui::Begin("Shortcuts (H to close)", nullptr, kFixed)) {
    if (ImGui::BeginTable("shortcuts", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit)) {
      for (const Shortcut& s : shortcuts) {
        ImGui::TableNextRow();
        ImGui::TableSetColumnIndex(0);
        ImGui::TextColored(ImVec4(1.0F, 0.85F, 0.45F, 1.0F), "%s", s.keys.c_str());
        ImGui::TableSetColumnIndex(1);
        ImGui::TextUnformatted(s.action.c_str());
      }
      ImGui::EndTable();
    }
    rect = windowRect();
  }
  ImGui::End();
  return rect;
}

glm::vec4 buildStatusLine(const std::string& text, glm::vec2 displaySize) {
  if (text.empty()) {
    return glm::vec4(0.0F);
  }
  ImGui::SetNextWindowPos(ImVec2(displaySize.x * 0.5F, displaySize.y - 12.0F), ImGuiCond_Always,
                          ImVec2(0.5F, 1.0F));
  ImGui::SetNextWindowBgAlpha(0.8F);
  glm::vec4 rect{0.0F};
  if (ImGui::Begin("##status", nullptr, kFixed | ImGuiWindowFlags_NoTitleBar)) {
    ImGui::TextUnformatted(text.c_str());
    rect = windowRect();
  }
  ImGui::End();
  return rect;
}

}  // namespace medverse::ui
