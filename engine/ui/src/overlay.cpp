#include "medverse/ui/overlay.h"

#include <imgui.h>

#include <cmath>
#include <cstdio>

namespace medverse::ui {
namespace {

constexpr ImGuiWindowFlags kFixedWindow =
    ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse |
    ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_AlwaysAutoResize;
constexpr float kMargin = 12.0F;
constexpr float kPanelWidth = 300.0F;

ImVec4 toVec4(uint32_t color) {
  return ImGui::ColorConvertU32ToFloat4(color);
}

glm::vec4 currentWindowRect() {
  const ImVec2 p = ImGui::GetWindowPos();
  const ImVec2 s = ImGui::GetWindowSize();
  return {p.x, p.y, p.x + s.x, p.y + s.y};
}

void sectionHeading(const char* text) {
  ImGui::Spacing();
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::TextUnformatted(text);
  ImGui::PopStyleColor();
  ImGui::Separator();
}

void participantsTable(const std::vector<Participant>& participants) {
  sectionHeading("PARTICIPANTS");
  if (participants.empty()) {
    ImGui::TextDisabled("nobody else is here");
    return;
  }
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("participants", 3, flags)) {
    return;
  }
  // Name and role share what the status column ("control", "watching") leaves.
  ImGui::TableSetupColumn("swatch", ImGuiTableColumnFlags_WidthFixed, 14.0F);
  ImGui::TableSetupColumn("name", ImGuiTableColumnFlags_WidthStretch, 3.0F);
  ImGui::TableSetupColumn("role", ImGuiTableColumnFlags_WidthStretch, 2.2F);
  for (const Participant& p : participants) {
    ImGui::TableNextRow();
    if (p.selected) {
      ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1,
                             ImGui::GetColorU32(ImGuiCol_HeaderActive, 0.6F));
    }
    ImGui::TableNextColumn();
    // A filled disc in the role colour, the same colour as the avatar.
    const ImVec2 cursor = ImGui::GetCursorScreenPos();
    const float h = ImGui::GetTextLineHeight();
    ImGui::GetWindowDrawList()->AddCircleFilled(ImVec2(cursor.x + 6.0F, cursor.y + h * 0.5F), 5.5F,
                                                p.color);
    ImGui::Dummy(ImVec2(12.0F, h));
    ImGui::TableNextColumn();
    if (p.local) {
      ImGui::Text("%s (you)", p.name.c_str());
    } else {
      ImGui::TextUnformatted(p.name.c_str());
    }
    ImGui::TableNextColumn();
    ImGui::PushStyleColor(ImGuiCol_Text, toVec4(p.color));
    ImGui::TextUnformatted(p.role.c_str());
    ImGui::PopStyleColor();
    // The status goes under the role, so nothing is clipped in a narrow panel.
    if (p.hasControl) {
      ImGui::TextDisabled("has control");
    } else if (p.watching) {
      ImGui::TextDisabled("watching");
    }
  }
  ImGui::EndTable();
}

void caseSection(const std::optional<CaseSummary>& summary) {
  sectionHeading("CASE");
  if (!summary) {
    ImGui::TextDisabled("no case loaded");
    return;
  }
  ImGui::TextUnformatted(summary->title.c_str());
  ImGui::Text("%s  %d x %d x %d", summary->modality.c_str(), summary->dimensions.x,
              summary->dimensions.y, summary->dimensions.z);
  ImGui::Text("voxel %.2f x %.2f x %.2f mm", static_cast<double>(summary->spacingMm.x),
              static_cast<double>(summary->spacingMm.y), static_cast<double>(summary->spacingMm.z));
}

// Presets as a grid of toggle buttons rather than a combo box: one click,
// and easy to hit with a laser pointer on an in-world panel.
void presetButtons(const OverlayState& state, std::vector<UiAction>& actions,
                   std::vector<glm::vec4>* rects = nullptr) {
  sectionHeading("TRANSFER FUNCTION");
  const float width = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) * 0.5F;
  for (size_t i = 0; i < state.presets.size(); ++i) {
    const bool active = static_cast<int>(i) == state.activePreset;
    if (active) {
      ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
    }
    ImGui::PushID(static_cast<int>(i));
    if (ImGui::Button(state.presets[i].c_str(), ImVec2(width, 0.0F)) && !active) {
      actions.push_back({UiAction::Kind::SelectPreset, static_cast<int>(i), 0.0F});
    }
    if (rects != nullptr) {
      const ImVec2 a = ImGui::GetItemRectMin();
      const ImVec2 b = ImGui::GetItemRectMax();
      rects->emplace_back(a.x, a.y, b.x, b.y);
    }
    ImGui::PopID();
    if (active) {
      ImGui::PopStyleColor();
    }
    if (i % 2 == 0 && i + 1 < state.presets.size()) {
      ImGui::SameLine();
    }
  }
  if (state.hasSurfaces) {
    bool shown = state.surfacesShown;
    if (ImGui::Checkbox("Anatomy surfaces", &shown)) {
      actions.push_back({UiAction::Kind::SetSurfacesShown, 0, shown ? 1.0F : 0.0F});
    }
  }
}

void clipControls(const OverlayState& state, std::vector<UiAction>& actions) {
  if (state.clipPlanes.empty()) {
    return;
  }
  sectionHeading("CLIP PLANES");
  for (size_t i = 0; i < state.clipPlanes.size(); ++i) {
    const ClipPlaneControl& plane = state.clipPlanes[i];
    const int index = static_cast<int>(i);
    ImGui::PushID(index);
    bool enabled = plane.enabled;
    if (ImGui::Checkbox("##on", &enabled)) {
      actions.push_back({UiAction::Kind::SetClipPlaneEnabled, index, enabled ? 1.0F : 0.0F});
    }
    ImGui::SameLine();
    float offset = plane.offsetMm;
    ImGui::SetNextItemWidth(-1.0F);
    if (ImGui::SliderFloat("##offset", &offset, -plane.rangeMm, plane.rangeMm,
                           (plane.name + " %.0f mm").c_str())) {
      actions.push_back({UiAction::Kind::SetClipPlaneOffset, index, offset});
    }
    ImGui::PopID();
  }
}

void sliceControls(const OverlayState& state, std::vector<UiAction>& actions) {
  sectionHeading("SLICES");
  for (size_t i = 0; i < state.slices.size(); ++i) {
    const SliceControl& slice = state.slices[i];
    const int index = static_cast<int>(i);
    ImGui::PushID(100 + index);
    bool visible = slice.visible;
    if (ImGui::Checkbox("##on", &visible)) {
      actions.push_back({UiAction::Kind::SetSliceVisible, index, visible ? 1.0F : 0.0F});
    }
    ImGui::SameLine();
    float position = slice.position * 100.0F;
    ImGui::SetNextItemWidth(-1.0F);
    if (ImGui::SliderFloat("##position", &position, 0.0F, 100.0F,
                           (slice.name + " %.0f %%").c_str())) {
      actions.push_back({UiAction::Kind::SetSlicePosition, index, position / 100.0F});
    }
    ImGui::PopID();
  }
}

void hologramControls(const OverlayState& state, std::vector<UiAction>& actions,
                      HologramPanelLayout* layout = nullptr) {
  ImGui::BeginDisabled(!state.canEdit);
  presetButtons(state, actions, layout != nullptr ? &layout->presetButtons : nullptr);
  clipControls(state, actions);
  sliceControls(state, actions);
  ImGui::EndDisabled();
  if (!state.canEdit) {
    ImGui::TextDisabled("view only: ask the expert for control");
    actions.clear();
  }
}

}  // namespace

std::string formatMillimetres(float millimetres) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.1f mm", static_cast<double>(millimetres));
  return text;
}

OverlayResult buildOverlay(const OverlayState& state, glm::vec2 displaySize) {
  OverlayResult result;
  ImGui::SetNextWindowPos(ImVec2(kMargin, kMargin));
  ImGui::SetNextWindowSizeConstraints(ImVec2(kPanelWidth, 0.0F),
                                      ImVec2(kPanelWidth, displaySize.y));
  if (ImGui::Begin("Consult room", nullptr, kFixedWindow)) {
    participantsTable(state.participants);
    caseSection(state.caseSummary);
  }
  result.windowRects.push_back(currentWindowRect());
  ImGui::End();

  ImGui::SetNextWindowPos(ImVec2(displaySize.x - kMargin, kMargin), ImGuiCond_Always,
                          ImVec2(1.0F, 0.0F));
  ImGui::SetNextWindowSizeConstraints(ImVec2(kPanelWidth, 0.0F),
                                      ImVec2(kPanelWidth, displaySize.y));
  if (ImGui::Begin("Hologram", nullptr, kFixedWindow)) {
    hologramControls(state, result.actions);
  }
  result.windowRects.push_back(currentWindowRect());
  ImGui::End();

  ImGui::SetNextWindowPos(ImVec2(kMargin, displaySize.y - kMargin), ImGuiCond_Always,
                          ImVec2(0.0F, 1.0F));
  ImGui::SetNextWindowBgAlpha(0.75F);
  if (ImGui::Begin("Frame", nullptr, kFixedWindow | ImGuiWindowFlags_NoTitleBar)) {
    const float fps = state.frame.frameMs > 0.0F ? 1000.0F / state.frame.frameMs : 0.0F;
    ImGui::Text("%.1f ms  %.*f fps", static_cast<double>(state.frame.frameMs), fps < 10.0F ? 1 : 0,
                static_cast<double>(fps));
    ImGui::Text("%u draws  %llu triangles", state.frame.drawCalls,
                static_cast<unsigned long long>(state.frame.triangles));
    ImGui::Text("%u volume%s ray-marched", state.frame.volumes, state.frame.volumes == 1 ? "" : "s");
    if (!state.frame.device.empty()) {
      ImGui::TextDisabled("%s", state.frame.device.c_str());
    }
  }
  result.windowRects.push_back(currentWindowRect());
  ImGui::End();
  return result;
}

std::vector<UiAction> buildHologramPanel(const OverlayState& state, glm::vec2 displaySize,
                                         HologramPanelLayout* layout) {
  std::vector<UiAction> actions;
  if (layout != nullptr) {
    layout->presetButtons.clear();
  }
  ImGui::SetNextWindowPos(ImVec2(0.0F, 0.0F));
  ImGui::SetNextWindowSize(ImVec2(displaySize.x, displaySize.y));
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                 ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings;
  if (ImGui::Begin("Hologram controls", nullptr, flags)) {
    hologramControls(state, actions, layout);
  }
  ImGui::End();
  return actions;
}

}  // namespace medverse::ui
